// `node --import tsx scripts/many/mem-probe.ts [--users 3000] [--rounds 3]`: does a gateway's memory return after
// its sessions leave? Rounds of: every user logs in (two gateways), lists 50 users' presence, a room of all of them
// gets 20 messages, private messages between pairs, then everyone leaves (half closing cleanly, half cut off). After
// each round, a full GC (bench/src/server-hook.mjs, SIGUSR2) and the gateways' heap and gauges from /metrics.
import { fileURLToPath } from "node:url";
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { waitUntil } from "@cim/devstack";
import { Sess, keepAlive, tally } from "./session.js";
import { complaints, createUsers, issueTokens, metricsOf, sleep, startStack, wsUrlOf } from "./stack.js";

const values = readFlags(import.meta.url, { users: { type: "string", default: "3000" }, rounds: { type: "string", default: "3" }, typers: { type: "string", default: "600" } });
const N = Number(values.users);
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));
const HOOK = fileURLToPath(new URL("../../bench/src/server-hook.mjs", import.meta.url));

const stack = await startStack({ gateways: 2, env: { NODE_OPTIONS: `--import ${HOOK}` } });
let live: Sess[] = [];
const stopPings = keepAlive(() => live);
const heaps = async () => {
  for (const g of stack.gateways) g.process.child.kill("SIGUSR2");
  await sleep(2_500);
  return Promise.all(stack.gateways.map(async (g) => {
    const m = await metricsOf(g.url);
    const get = (k: string) => m.get(k) ?? -1;
    return { lagMaxMs: Math.round(get("nodejs_eventloop_lag_max_seconds") * 1000), heapKB: Math.round(get("nodejs_heap_size_used_bytes") / 1024), sessions: get("cim_gateway_sessions"), connections: get("cim_gateway_connections"), watched: get("cim_gateway_presence_watched_users"), channels: get("cim_gateway_presence_channels"), handles: get("nodejs_active_handles_total") };
  }));
};
try {
  await createUsers(stack, "k-", N);
  const api = new RouteApi(stack.route.url);
  const first = await issueTokens(stack, "k-", N);
  const ids = first.map((t) => t.userId);
  const { roomId } = await api.createRoom(first[0]!.token, { name: "mem", visibility: "public" });
  let next = 1;
  await Promise.all(Array.from({ length: 40 }, async () => { while (next < N) await api.joinRoom(first[next++]!.token, roomId); }));
  // Warm-up: 200 sessions in and out, as the bench's idle workload does.
  const warm = first.slice(0, 200).map((t, i) => Sess.login(wsUrlOf(stack, i % 2), t.token, "warm"));
  await Promise.all(warm.map((s) => s.outcome(30_000)));
  warm.forEach((s) => s.close());
  await sleep(2_000);
  log("baseline", { gateways: await heaps() });
  for (let round = 0; round < Number(values.rounds); round++) {
    const tok = round === 0 ? first : await issueTokens(stack, "k-", N);
    live = tok.map((t, i) => Sess.login(wsUrlOf(stack, i % 2), t.token, `k-${i}`, {}, {}, (f) => f.kind === "message" || f.kind === "messageBatch" || f.kind === "typing"));
    const outcomes = await Promise.all(live.map((s) => s.outcome(60_000)));
    const out = tally(outcomes);
    const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    log(`round ${round} logins`, { p50: ms[ms.length >> 1], p99: ms[Math.floor(ms.length * 0.99)], max: ms.at(-1), closedSoFar: live.filter((s) => s.closed).length });
    live.forEach((s, i) => s.send({ kind: "presenceSubscribe", body: { userIds: Array.from({ length: 50 }, (_, k) => ids[(i * 7 + k * 13) % N]!) } }));
    await sleep(2_000);
    for (let n = 0; n < 20; n++) live[n % 10]!.send({ kind: "send", body: { clientMsgId: `r${round}-${n}`, room: roomId, text: `round ${round} msg ${n}` } });
    for (let k = 0; k < 200; k += 2) live[100 + k]!.send({ kind: "send", body: { clientMsgId: `p${round}-${k}`, to: ids[101 + k]!, text: `private ${round} ${k}` } });
    const every = Math.max(1, Math.floor(N / Math.max(1, Number(values.typers))));
    if (Number(values.typers) > 0) live.forEach((s, i) => { if (i % every === 0) s.send({ kind: "typing", body: { conversation: roomId } }); });
    await sleep(3_000);
    const during = await heaps();
    const earlyCloses = tally(live.filter((s) => s.closed).map((s) => ({ kind: "close", code: s.closed!.code, reason: s.closed!.reason, ms: 0 })));
    const closeMetric = (await Promise.all(stack.gateways.map((g) => metricsOf(g.url).catch(() => new Map<string, number>())))).map((m) => [...m].filter(([k]) => k.includes("closes_total")));
    live.forEach((s, i) => (i % 2 ? s.ws.terminate() : s.close()));
    await waitUntil(async () => (await Promise.all(stack.gateways.map((g) => metricsOf(g.url)))).every((m) => m.get("cim_gateway_connections") === 0), 30_000, "all closed").catch(() => undefined);
    live = [];
    await sleep(3_000);
    log(`round ${round}`, { logins: out, earlyCloses, closeMetric, during, after: await heaps() });
  }
  log("server warnings and errors", { complaints: complaints(stack, [], /^closing/) });
} finally {
  stopPings();
  for (const s of live) s.ws.terminate();
  await stack.stop();
}
