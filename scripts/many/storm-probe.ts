// `node --import tsx scripts/many/storm-probe.ts [--users 4500]`: many sessions logging in at once over three
// gateways, with tokens from `cim-admin`, and what happens past the limits: one user's 11th socket on a gateway, a
// user with 10 sessions logging in through route, sockets that never send Login, a handshake that never completes,
// per-address limits (a fourth gateway without the loopback exemption), bad tokens. Every socket must end in a
// LoginAck or a documented close code, never a silent hang. Then all leave and /metrics and route must say so.
import net from "node:net";
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { TEST_ADMIN_TOKEN, waitUntil } from "@cim/devstack";
import { Sess, keepAlive, tally } from "./session.js";
import { PASSWORD, createUsers, issueTokens, metricsOf, sleep, startStack, wsUrlOf } from "./stack.js";

const values = readFlags(import.meta.url, { users: { type: "string", default: "4500" } });
const USERS = Number(values.users);
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));

const stack = await startStack({ gateways: 3 });
const gwD = await stack.startGateway("gw-d", { CIM_CONNECT_LIMIT_EXEMPT: "" });
const all: Sess[] = [];
const stopPings = keepAlive(() => all);
try {
  let t = Date.now();
  await createUsers(stack, "s-", USERS);
  const tokens = await issueTokens(stack, "s-", USERS);
  log("provisioned", { users: USERS, ms: Date.now() - t });

  // 1. The storm: every user at once, user i on gateway i mod 3.
  t = Date.now();
  const storm = tokens.map((tok, i) => Sess.login(wsUrlOf(stack, i % 3), tok.token, tok.userName));
  all.push(...storm);
  const outcomes = await Promise.all(storm.map((s) => s.outcome(90_000)));
  log("storm", { sessions: USERS, tally: tally(outcomes), lastAckMs: Math.max(...outcomes.map((o) => o.ms)), ms: Date.now() - t });
  const lostAfterAck = storm.filter((s) => s.ack && s.closed).map((s) => s.closed!.code);
  log("storm closed after ack", { count: lostAfterAck.length, codes: lostAfterAck.slice(0, 10) });

  // 2. One user's sockets on one gateway: 10 at most (the storm's counts), more get Error{rate_limited} + 4429.
  const u1 = tokens[0]!;
  const extra = Array.from({ length: 11 }, (_, i) => Sess.login(wsUrlOf(stack, 0), u1.token, `u1-extra-${i}`));
  all.push(...extra);
  const extraOut = await Promise.all(extra.map((s) => s.outcome(30_000)));
  const errs = extra.flatMap((s) => s.frames.filter((f) => f.kind === "error").map((f) => (f.body as { code: string }).code));
  log("per-user 12 sockets on gw-a", { tally: tally(extraOut), errors: tally(errs.map((c) => ({ kind: "error", error: c, ms: 0 }))) });

  // 3. That user (10 sessions on gw-a) logging in through route with the password: 409 too_many_devices.
  const api = new RouteApi(stack.route.url);
  const login = await api.login(u1.userName, PASSWORD).then(() => "200", (e: unknown) => String((e as { status?: number; code?: string }).status) + " " + String((e as { code?: string }).code));
  const reconnect = await api.reconnect(u1.token).then(() => "200", (e: unknown) => String((e as { status?: number }).status) + " " + String((e as { code?: string }).code));
  log("10 sessions, then POST /api/login and /api/reconnect", { login, reconnect });
  // ...and the same token on other gateways: each takes 10 of the user.
  const spread = [1, 2].flatMap((g) => Array.from({ length: 10 }, (_, i) => Sess.login(wsUrlOf(stack, g), u1.token, `u1-g${g}-${i}`)));
  all.push(...spread);
  log("same token, 10 more on gw-b and 10 on gw-c", { tally: tally(await Promise.all(spread.map((s) => s.outcome(30_000)))) });

  // 4. Sockets that never send Login: closed 4408 after CIM_LOGIN_TIMEOUT_MS (10 s).
  const silent = Array.from({ length: 40 }, (_, i) => new Sess(wsUrlOf(stack, 1), `silent-${i}`));
  // 5. Handshakes never completed: half an HTTP upgrade, and a TCP connection that says nothing.
  const halfOpen = Array.from({ length: 10 }, (_, i) => {
    const sock = net.connect(stack.gateways[2]!.port, "127.0.0.1");
    const state = { closedAt: 0, bytes: "" };
    sock.on("connect", () => { if (i % 2 === 0) sock.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"); });
    sock.on("data", (d) => (state.bytes += d.toString()));
    sock.on("close", () => (state.closedAt = Date.now()));
    sock.on("error", () => undefined);
    return state;
  });
  const startedSilent = Date.now();
  const silentOut = await Promise.all(silent.map((s) => s.outcome(30_000)));
  log("no Login sent", { tally: tally(silentOut), maxMs: Math.max(...silentOut.map((o) => o.ms)) });

  // 6. Bad tokens: 4401.
  const bad = Array.from({ length: 20 }, (_, i) => Sess.login(wsUrlOf(stack, i % 3), i % 2 ? "not-a-token" : u1.token.slice(0, -3) + "abc", `bad-${i}`));
  log("bad tokens", { tally: tally(await Promise.all(bad.map((s) => s.outcome(30_000)))) });

  // 7. gw-d counts loopback: 25 sockets not logged in (20 at most), then a burst of 150 new ones (100 at once).
  const gwdUrl = `ws://127.0.0.1:${gwD.port}/ws`;
  const pending = Array.from({ length: 25 }, (_, i) => new Sess(gwdUrl, `pend-${i}`));
  await Promise.all(pending.map((s) => s.until(() => s.ws.readyState !== 0, 10_000)));
  log("gw-d 25 pending", { open: pending.filter((s) => s.ws.readyState === 1).length, errors: tally(pending.filter((s) => s.error).map((s) => ({ kind: "error", error: s.error, ms: 0 }))) });
  pending.forEach((s) => s.close());
  await sleep(6_000);
  const burst = tokens.slice(100, 250).map((tok, i) => Sess.login(gwdUrl, tok.token, `burst-${i}`));
  all.push(...burst);
  log("gw-d burst of 150 logins", { tally: tally(await Promise.all(burst.map((s) => s.outcome(30_000)))) });

  await sleep(Math.max(0, 70_000 - (Date.now() - startedSilent)));
  log("half-open handshakes after 70 s", { closed: halfOpen.filter((h) => h.closedAt).map((h) => h.closedAt - startedSilent), answered: halfOpen.map((h) => h.bytes.split("\r\n")[0]).filter(Boolean) });

  // 8. Everyone leaves: no sessions, connections or online users left.
  const statsBefore = await (await fetch(`${stack.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json();
  log("admin stats while on", { stats: statsBefore });
  for (const s of all) s.close();
  await waitUntil(async () => {
    const ms = await Promise.all([...stack.gateways, gwD].map((g) => metricsOf(g.url)));
    return ms.every((m) => (m.get("cim_gateway_sessions") ?? 1) === 0 && (m.get("cim_gateway_connections") ?? 1) === 0);
  }, 30_000, "sessions 0").catch((e: unknown) => log("left behind", { error: String(e) }));
  const after = await Promise.all([...stack.gateways, gwD].map(async (g) => {
    const m = await metricsOf(g.url);
    return { sessions: m.get("cim_gateway_sessions"), connections: m.get("cim_gateway_connections"), watched: m.get("cim_gateway_presence_watched_users"), heapMB: Math.round((m.get("nodejs_heap_size_used_bytes") ?? 0) / 1e6), rssMB: Math.round((m.get("process_resident_memory_bytes") ?? 0) / 1e6) };
  }));
  await sleep(3_000);
  const statsAfter = await (await fetch(`${stack.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json();
  log("after all left", { gateways: after, stats: statsAfter });
} finally {
  stopPings();
  for (const s of all) s.ws.terminate();
  await gwD.stop("SIGKILL");
  await stack.stop();
}
