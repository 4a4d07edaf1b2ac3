// `node --import tsx scripts/store-refusal-probe.ts [--how disk|replicas] [--full-ms 12000]` (as root for `disk`):
// a Redis that refuses writes while users send. `disk`: Redis keeps its AOF on a small tmpfs, which a filler file
// fills (MISCONF); `replicas`: `CONFIG SET min-replicas-to-write 1` on the single node (NOREPLICAS); `oom`: maxmemory
// 1 with noeviction (OOM). Then the
// filler goes (or the setting), and everything sent afterwards must flow. Raw sessions (no SDK hides resends): a on
// gw-a sends private, room and group messages every 100 ms, an SDK device of a on gw-b sends privately, and a's HTTP
// client posts to the room; b reads on gw-a and gw-b (raw) and on an SDK device. Checked: no SendAck or 202 for what
// history lacks, every acked message once and in order on b's devices, Pings answered meanwhile, logins meanwhile.
import { execSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readFlags } from "./cli-flags.mjs";
import { CimApiError, RouteApi } from "@cim/client";
import { RecordingClient, startCluster, startRedis, waitUntil, type Service } from "@cim/devstack";
import WebSocket from "ws";
import { decodeFrame, encodeFrame, type ChatMessage } from "@cim/protocol";
import { probePair, PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { messagesOf, open, type Raw } from "./raw-session.js";

const values = readFlags(import.meta.url, { how: { type: "string", default: "disk" }, "full-ms": { type: "string", default: "12000" }, "kill-gateway": { type: "boolean", default: false }, "leave-dead": { type: "boolean", default: false } });
const FULL_MS = Number(values["full-ms"]);
const MOUNT = `/tmp/cim-store-refusal-${process.pid}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (what: string, data: object) => console.log(JSON.stringify({ what, ...data }));

/** The Redis the stack uses: on a small tmpfs for `disk`. */
async function ownRedis(): Promise<Service> {
  if (values.how !== "disk") return startRedis();
  mkdirSync(MOUNT, { recursive: true });
  execSync(`mount -t tmpfs -o size=16m tmpfs ${MOUNT}`);
  return startRedis({ dir: MOUNT });
}

const refuse = async (redis: Service) => {
  if (values.how === "disk") execSync(`dd if=/dev/zero of=${MOUNT}/filler bs=64k 2>/dev/null || true`);
  else if (values.how === "oom") execSync(`redis-cli -p ${redis.port} CONFIG SET maxmemory-policy noeviction maxmemory 1`);
  else execSync(`redis-cli -p ${redis.port} CONFIG SET min-replicas-to-write 1`);
};
const allow = async (redis: Service) => {
  if (values.how === "disk") execSync(`rm -f ${MOUNT}/filler`);
  else if (values.how === "oom") execSync(`redis-cli -p ${redis.port} CONFIG SET maxmemory 0`);
  else execSync(`redis-cli -p ${redis.port} CONFIG SET min-replicas-to-write 0`);
};

/** A Login on a new socket: "LoginAck", or the close code and reason, or an error frame's code. */
function gatewayLogin(url: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const done = (what: string) => { clearTimeout(timer); ws.terminate(); resolve(what); };
    const timer = setTimeout(() => done("no answer in 20 s"), 20_000);
    ws.on("open", () => ws.send(encodeFrame({ kind: "login", body: { token } })));
    ws.on("message", (data) => { const f = decodeFrame(data as Buffer); if (f.kind === "loginAck") done("LoginAck"); else if (f.kind === "error") done(`error ${f.body.code} ${f.body.message}`); });
    ws.on("close", (code, reason) => done(`close ${code} ${reason.toString()}`));
    ws.on("error", (e) => done(`socket error ${e.message}`));
  });
}

const redis = await ownRedis();
const stack = await startCluster({ gateways: 2, env: { REDIS_URL: redis.address }, gatewayEnv: { CIM_RATE_PER_SEC: "200", CIM_RATE_BURST: "200" } });
const sockets: Raw[] = [];
const clients: RecordingClient[] = [];
try {
  const api = new RouteApi(stack.route.url);
  const { a, b, aToken, room, token } = await probePair(api, "refusal");
  const wsUrl = (g: number) => `${stack.gateways[g]!.url.replace(/^http/, "ws")}/ws`;
  const a0 = await open(wsUrl(0), aToken, "a@gw-a");
  const b0 = await open(wsUrl(0), await token(b), "b@gw-a");
  const b1 = await open(wsUrl(1), await token(b), "b@gw-b");
  sockets.push(a0, b0, b1);
  const sdkA = new RecordingClient(stack.route.url);
  await sdkA.logIn(a.name, PROBE_PASSWORD);
  const sdkB = new RecordingClient(stack.route.url);
  await sdkB.logIn(b.name, PROBE_PASSWORD);
  clients.push(sdkA, sdkB);

  let phase = "before";
  const t0 = Date.now();
  /** clientMsgId → how it was answered: ack msgId, or error codes, per phase. */
  const answers = new Map<string, { via: string; sentIn: string; msgId?: string; errors: string[]; ms?: number; sentAt: number }>();
  const note = (c: string, via: string) => answers.set(c, { via, sentIn: phase, errors: [], sentAt: Date.now() });
  a0.ws.on("message", () => {
    for (const f of a0.frames.splice(0)) {
      if (f.kind === "sendAck") { const e = answers.get(f.body.clientMsgId); if (e) { e.msgId = f.body.msgId; e.ms = Date.now() - e.sentAt; } }
      else if (f.kind === "error") answers.get(f.body.clientMsgId)?.errors.push(`${f.body.code}@${phase}`);
      else if (f.kind === "pong") pongs.push({ phase, ms: Date.now() - pingAt });
    }
  });
  const pongs: Array<{ phase: string; ms: number }> = [];
  let pingAt = 0;
  const http: Record<string, number> = {};
  const sdkOutcomes: Record<string, number> = {};
  const logins: string[] = [];
  let n = 0;
  let stop = false;
  const sender = (async () => {
    while (!stop) {
      const i = n++;
      const target = i % 3 === 0 ? { to: b.userId } : i % 3 === 1 ? { room } : {};
      const c = `sr-${i}`;
      note(c, "ws");
      a0.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: c, text: `ws ${i}`, to: "", ...target } }));
      if (i % 5 === 0) {
        const h = `sh-${i}`;
        note(h, "http");
        const p = phase;
        api.sendMessage(aToken, { clientMsgId: h, room, text: `http ${i}` })
          .then((r) => { answers.get(h)!.msgId = r.msgId; http[`${p}:202`] = (http[`${p}:202`] ?? 0) + 1; })
          .catch((e: unknown) => { const k = `${p}:${e instanceof CimApiError ? `${e.status} ${e.code}` : String(e)}`; answers.get(h)!.errors.push(k); http[k] = (http[k] ?? 0) + 1; });
        const s = `ss-${i}`;
        note(s, "sdk");
        sdkA.send({ clientMsgId: s, to: b.userId, text: `sdk ${i}` })
          .then((ack) => { answers.get(s)!.msgId = ack.msgId; sdkOutcomes[`${p}:ack`] = (sdkOutcomes[`${p}:ack`] ?? 0) + 1; })
          .catch((e: unknown) => { sdkOutcomes[`${p}:${String(e)}`] = (sdkOutcomes[`${p}:${String(e)}`] ?? 0) + 1; });
        pingAt = Date.now();
        a0.ws.send(encodeFrame({ kind: "ping", body: { ts: pingAt } }));
      }
      await sleep(100);
    }
  })();
  // c: one session, closed while writes are refused; once they are back c must not stay online.
  const c = await registerProbeUser(api, "c");
  const cSession = await open(wsUrl(0), (await api.login(c.name, PROBE_PASSWORD)).token, "c");
  const onlineNow = async (who: { userId: string } = c) => (await api.online(aToken)).users.some((u) => u.userId === who.userId);
  // d: one session on gw-b only, which --kill-gateway kills while writes are refused (route's release meanwhile).
  const d = await registerProbeUser(api, "d");
  sockets.push(await open(wsUrl(1), (await api.login(d.name, PROBE_PASSWORD)).token, "d"));
  const spare = await token(b);
  const extra = await token(b);
  /** Every kind of route request once: its status and code (a 500 is a refusal taken for a bug). */
  const sweep = async () => {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["register", () => api.register(`x-${Math.random().toString(36).slice(2, 7)}`, PROBE_PASSWORD)],
      ["rooms", () => api.rooms(aToken)], ["publicRooms", () => api.publicRooms(aToken)], ["createRoom", () => api.createRoom(aToken, { name: "during", visibility: "public" })],
      ["members", () => api.members(aToken, room)], ["history", () => api.history(aToken, { room })], ["conversations", () => api.conversations(aToken)],
      ["users", () => api.users(aToken, { prefix: "b" })], ["online", () => api.online(aToken)], ["lastSeen", () => api.lastSeen(aToken, [b.userId])],
      ["search", () => api.search(aToken, { q: "ws" })], ["blocks", () => api.blocks(aToken)], ["renameRoom", () => api.renameRoom(aToken, room, "renamed")],
      ["logoutOthers", () => api.logoutOthers(extra)], ["logout", () => api.logout(extra)],
    ];
    const out: Record<string, string> = {};
    for (const [name, call] of calls) out[name] = await call().then(() => "ok", (e: unknown) => (e instanceof CimApiError ? `${e.status} ${e.code}` : String(e)));
    return out;
  };
  const tryLogins = async () => {
    const started = Date.now();
    // A login route issued before: the gateway's own Login, and route's reconnect with it.
    logins.push(`${phase} gateway login (earlier token): ${await gatewayLogin(wsUrl(0), spare)} after ${Date.now() - started} ms`);
    await api.reconnect(spare).then(() => logins.push(`${phase} reconnect 200`), (e: unknown) => logins.push(`${phase} reconnect: ${e instanceof CimApiError ? `${e.status} ${e.code}` : String(e)}`));
    try {
      const answer = await api.login(b.name, PROBE_PASSWORD);
      logins.push(`${phase} route login 200 in ${Date.now() - started} ms`);
      logins.push(`${phase} gateway login: ${await gatewayLogin(wsUrl(1), answer.token)} after ${Date.now() - started} ms`);
    } catch (e) {
      logins.push(`${phase} route login: ${e instanceof CimApiError ? `${e.status} ${e.code} ${e.message}` : String(e)} in ${Date.now() - started} ms`);
    }
  };
  await sleep(3_000);
  phase = "refusing";
  await refuse(redis);
  log("refusing", { at: Date.now() - t0, info: execSync(`redis-cli -p ${redis.port} INFO persistence | grep -E 'aof_last_write_status|aof_last_bgrewrite_status' || true`).toString().trim() });
  await sleep(1_000);
  await tryLogins();
  log("api while refusing", await sweep());
  cSession.ws.close();
  // --kill-gateway: gw-b dies while writes are refused, so a's and b's SDK devices there must log in again meanwhile.
  const states: string[] = [];
  sdkA.onState((s) => states.push(`${Math.round((Date.now() - t0) / 100) / 10}s ${s}`));
  if (values["kill-gateway"]) await stack.gateways[1]!.stop("SIGKILL");
  const sdkState = [sdkA.state, sdkB.state];
  await sleep(FULL_MS - 1_000);
  log("while refusing", { sdkStates: sdkState, sdkANow: sdkA.state, sdkBNow: sdkB.state, unacknowledged: sdkA.unacknowledged, sdkAStates: states });
  phase = "after";
  await allow(redis);
  await waitUntil(() => execSync(`redis-cli -p ${redis.port} SET cim-probe-write 1 || true`).toString().includes("OK"), 20_000, "Redis taking writes").catch(() => log("still refusing", {}));
  log("taking writes", { at: Date.now() - t0 });
  if (values["kill-gateway"] && !values["leave-dead"]) stack.gateways[1] = await stack.startGateway("gw-b");
  await tryLogins();
  await sleep(8_000);
  log("c closed while refused", { onlineAfterWritesBack: await onlineNow() });
  if (values["kill-gateway"]) log("d's gateway killed while refused", { dOnlineAfterWritesBack: await onlineNow(d), routeLines: stack.route.process.output().split("\n").filter((l) => /gone gateway|gateways changed/.test(l)).map((l) => l.slice(0, 300)) });
  stop = true;
  await sender;
  await waitUntil(() => sdkA.unacknowledged === 0, 30_000, "sdk outbox empty").catch(() => log("sdk outbox not empty", { unacknowledged: sdkA.unacknowledged }));
  await sleep(3_000);

  // What history holds: the room, the private chat, the group (paged back to the start of the run).
  const all = async (query: { room?: string; with?: string }) => {
    const out: Array<{ msgId: string; clientMsgId?: string; text: string }> = [];
    let before: string | undefined;
    for (;;) {
      const page = await api.history(aToken, { ...query, limit: 100, ...(before ? { before } : {}) });
      out.unshift(...(page.messages as Array<{ msgId: string; text: string }>));
      if (page.messages.length < 100) return out;
      before = page.messages[0]!.msgId;
    }
  };
  const stored = [...(await all({ room })), ...(await all({ with: b.userId })), ...(await all({}))];
  const storedIds = new Set(stored.map((m) => m.msgId));
  const byText = new Map(stored.map((m) => [m.text, m.msgId]));
  const textOf = (c: string) => (c.startsWith("sr-") ? `ws ${c.slice(3)}` : c.startsWith("sh-") ? `http ${c.slice(3)}` : `sdk ${c.slice(3)}`);
  const summary: Record<string, Record<string, number>> = {};
  const bump = (k: string, v: string) => { (summary[k] ??= {})[v] = (summary[k]![v] ?? 0) + 1; };
  let ackedNotStored = 0;
  let refusedButStored = 0;
  for (const [c, e] of answers) {
    const key = `${e.via}:${e.sentIn}`;
    if (e.msgId) { bump(key, "acked"); if (!storedIds.has(e.msgId)) ackedNotStored++; }
    else if (e.errors.length) { bump(key, `refused ${e.errors[0]}`); if (byText.has(textOf(c))) refusedButStored++; }
    else bump(key, "unanswered");
  }
  // b's raw devices and SDK device: each acked message once, in order per conversation.
  const acked = new Set([...answers.values()].flatMap((e) => (e.msgId ? [e.msgId] : [])));
  const check = (label: string, got: ChatMessage[]) => {
    const seen = new Map<string, number>();
    for (const m of got) seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
    const last = new Map<string, string>();
    let outOfOrder = 0;
    for (const m of got) { const k = m.room || (m.to ? "private" : "group"); if ((last.get(k) ?? "") >= m.msgId && last.has(k)) outOfOrder++; last.set(k, m.msgId); }
    const missing = [...acked].filter((id) => !seen.has(id)).length;
    return { label, got: got.length, missing, twice: [...seen.values()].filter((v) => v > 1).length, outOfOrder };
  };
  log("sdk after", { sdkAStates: states, a: sdkA.state, b: sdkB.state, aOn: sdkA.gateway?.id, bOn: sdkB.gateway?.id });
  log("answers", { summary, ackedNotStored, refusedButStored, pongs: pongs.reduce<Record<string, number[]>>((o, p) => ((o[p.phase] ??= []).push(p.ms), o), {}), http, sdkOutcomes, logins });
  log("receivers", { b: [check("b@gw-a", messagesOf(b0)), check("b@gw-b", messagesOf(b1)), check("b sdk", sdkB.messages)] });
  const latency: Record<string, number[]> = {};
  for (const e of answers.values()) if (e.ms !== undefined) (latency[`${e.via}:${e.sentIn}`] ??= []).push(e.ms);
  log("ack latency max/median", Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, [Math.max(...v), v.sort((x, y) => x - y)[v.length >> 1]]])));
  for (const p of [stack.route, ...stack.gateways]) {
    const lines = p.process.output().split("\n").filter((l) => /"level":(40|50)/.test(l) && !l.includes("web app not built"));
    log("warnings", { app: p.url, count: lines.length, first: lines.slice(0, 6).map((l) => l.replace(/"stack":"[^"]*"/, "").slice(0, 400)) });
  }
} finally {
  for (const c of clients) c.close();
  for (const s of sockets) s.ws.terminate();
  await stack.stop();
  await redis.dispose();
  if (values.how === "disk") execSync(`umount ${MOUNT} || true; rmdir ${MOUNT} || true`);
}
