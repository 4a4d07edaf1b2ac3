// `node --import tsx scripts/slow-link-probe.ts [--rate-kbps 200] [--stall-ms 20000]`: a device on a slow link that
// stops reading, while a room of writers and two private senders keep sending to it. Its SDK client reaches the
// gateways through a throttling TCP proxy (gateway → client at --rate-kbps KB/s; 0 = the proxy stops reading its
// upstream socket: a TCP peer that never reads, its window full). Phases: 5 s normal; stalled for --stall-ms;
// then the slow link at the rate until the device has everything. Counted: the stalled device's closes (code, when),
// the gateway's slow-consumer lines, its RSS and buffered bytes; a bystander's latency on the same gateway per phase;
// and on the slow device every acknowledged message (room and private) exactly once, in order.
import { readFlags } from "./cli-flags.mjs";
import WebSocket from "ws";
import { type ChatMessage, type SocketLike } from "@cim/client";
import { RecordingClient, startCluster, startPacedLink, waitUntil } from "@cim/devstack";
import { PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { RouteApi } from "@cim/client";

const values = readFlags(import.meta.url, { "rate-kbps": { type: "string", default: "200" }, "stall-ms": { type: "string", default: "20000" }, "text-bytes": { type: "string", default: "3900" }, "send-ms": { type: "string", default: "40000" }, "tick-ms": { type: "string", default: "50" }, "private-bytes": { type: "string", default: "2000" }, "room-every": { type: "string", default: "1" }, "private-every": { type: "string", default: "2" } });
const ROOM_EVERY = Number(values["room-every"]);
const RATE = Number(values["rate-kbps"]) * 1024;
const STALL_MS = Number(values["stall-ms"]);
const TEXT = "x".repeat(Number(values["text-bytes"]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (what: string, data: object) => console.log(JSON.stringify({ what, t: Math.round((Date.now() - t0) / 100) / 10, ...data }));
const t0 = Date.now();

const stack = await startCluster({ gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "200", CIM_RATE_BURST: "400" } });
const clients: RecordingClient[] = [];
const proxies = await Promise.all(stack.gateways.map((g) => startPacedLink(g.port, Infinity)));
const setRate = (bytesPerSecond: number) => proxies.forEach((proxy) => proxy.setRate(bytesPerSecond));
try {
  const api = new RouteApi(stack.route.url);
  const names = { slow: await registerProbeUser(api, "slow"), by: await registerProbeUser(api, "by") };
  const writers = await Promise.all([0, 1, 2, 3, 4].map(() => registerProbeUser(api, "w")));
  const privates = await Promise.all([0, 1].map(() => registerProbeUser(api, "p")));
  const device = async (name: string, proxied = false) => {
    const c = new RecordingClient(stack.route.url, proxied ? {
      createSocket: (url: string) => {
        const port = Number(new URL(url).port);
        const i = stack.gateways.findIndex((g) => g.port === port);
        return new WebSocket(url.replace(`:${port}/`, `:${proxies[i]!.port}/`)) as unknown as SocketLike;
      },
    } : {});
    await c.logIn(name, PROBE_PASSWORD);
    clients.push(c);
    return c;
  };
  const owner = await device(writers[0]!.name);
  const room = (await api.createRoom(owner.session!.token, { name: "slow-link", visibility: "public" })).roomId;
  for (const u of [...writers.slice(1), names.slow, names.by]) await api.joinRoom((await api.login(u.name, PROBE_PASSWORD)).token, room);
  const ws = [owner, ...(await Promise.all(writers.slice(1).map((w) => device(w.name))))];
  const ps = await Promise.all(privates.map((p) => device(p.name)));
  const slow = await device(names.slow.name, true);
  const bystander = await device(names.by.name);
  const closes: string[] = [];
  slow.onState((s) => closes.push(`${Math.round((Date.now() - t0) / 100) / 10}s ${s}`));
  log("devices", { slowOn: slow.gateway?.id, bystanderOn: bystander.gateway?.id, writersOn: ws.map((w) => w.gateway?.id) });

  const acked = new Map<string, string>(); // msgId -> conversation
  let phase = "normal";
  const latency = new Map<string, number[]>();
  const perSecond = new Map<number, number[]>();
  bystander.onMessage((m: ChatMessage) => {
    if (m.room !== room) return;
    (latency.get(phase) ?? latency.set(phase, []).get(phase)!).push(Date.now() - m.ts);
    const sec = Math.floor((Date.now() - t0) / 1000);
    (perSecond.get(sec) ?? perSecond.set(sec, []).get(sec)!).push(Date.now() - m.ts);
  });
  // The probe's own event-loop lag: its clients' latencies include it.
  const lag: number[] = [];
  let tick = Date.now();
  const lagTimer = setInterval(() => { lag.push(Date.now() - tick - 100); tick = Date.now(); }, 100);
  let sending = true;
  let sent = 0;
  const failures: string[] = [];
  const loop = (async () => {
    for (let i = 0; sending; i++) {
      const w = ws[i % ws.length]!;
      if (i % ROOM_EVERY === 0) w.send({ room, text: `r${i} ${TEXT}` }).then((a) => acked.set(a.msgId, room), (e: unknown) => failures.push(String(e)));
      if (i % Number(values["private-every"]) === 0) { const p = ps[i % 2]!; p.send({ to: names.slow.userId, text: `p${i} ${"y".repeat(Number(values["private-bytes"]))}` }).then((a) => acked.set(a.msgId, `p:${p.session!.userId}`), (e: unknown) => failures.push(String(e))); }
      sent++;
      await sleep(Number(values["tick-ms"]));
    }
  })();
  const metric = async (g: number, name: string) => {
    const text = await (await fetch(`${stack.gateways[g]!.url}/metrics`)).text();
    return text.split("\n").filter((l) => l.startsWith(name)).map((l) => l.slice(name.length).trim()).join(" ");
  };
  const gw = stack.gateways.findIndex((g) => g.process.output().length >= 0 && g.url.endsWith(`:${new URL(slow.gateway!.wsUrl).port}`));
  const rss = async () => Math.round(Number((await metric(gw, "process_resident_memory_bytes")).split(" ")[0]) / 1e6);
  log("rss before", { mb: await rss() });
  await sleep(5_000);
  phase = "stalled";
  setRate(0);
  log("stalled", { rssMb: await rss() });
  for (let s = 0; s < STALL_MS; s += 5_000) { await sleep(5_000); log("stalled", { rssMb: await rss(), closes, slowLines: stack.gateways[gw]!.process.output().split("\n").filter((l) => l.includes("slow consumer")).length }); }
  phase = "slow-link";
  setRate(RATE);
  await sleep(Number(values["send-ms"]) - STALL_MS - 5_000);
  sending = false;
  await loop;
  phase = "after";
  await waitUntil(() => ws.every((w) => w.unacknowledged === 0) && ps.every((p) => p.unacknowledged === 0), 60_000, "writers' outboxes").catch(() => log("outboxes not empty", {}));
  const want = [...acked.keys()];
  const has = () => { const got = new Set(slow.messages.map((m) => m.msgId)); return want.filter((id) => !got.has(id)).length; };
  const doneBy = Date.now();
  await waitUntil(() => has() === 0, 240_000, "slow device to have everything").catch(() => undefined);
  const count = new Map<string, number>();
  for (const m of slow.messages) count.set(m.msgId, (count.get(m.msgId) ?? 0) + 1);
  const last = new Map<string, string>();
  let outOfOrder = 0;
  for (const m of slow.messages) { const k = m.room || m.from; if (last.has(k) && last.get(k)! >= m.msgId) outOfOrder++; last.set(k, m.msgId); }
  const pct = (v: number[], p: number) => v.sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))];
  log("result", {
    sent, acked: acked.size, failures: failures.length, slowMissing: has(), slowTwice: [...count.values()].filter((c) => c > 1).length, outOfOrder,
    catchUpMs: Date.now() - doneBy, closes, slowStats: slow.stats,
    bystander: Object.fromEntries([...latency].map(([k, v]) => [k, { n: v.length, p50: pct(v, 0.5), p99: pct(v, 0.99), max: Math.max(...v) }])),
    bystanderMissing: want.filter((id) => acked.get(id) === room && !bystander.messages.some((m) => m.msgId === id)).length,
    rssMb: await rss(), closesMetric: await metric(gw, "cim_gateway_closes_total"),
  });
  clearInterval(lagTimer);
  log("bystander max latency per second (from 5 s before the stall ends)", { slowOnNow: slow.gateway?.id, perSecond: [...perSecond].filter(([sec]) => sec * 1000 >= (STALL_MS + 8_000)).map(([sec, v]) => `${sec}:${v.length}:${Math.max(...v)}`), probeLagMax: Math.max(...lag), probeLagOver500: lag.filter((l) => l > 500).length });
  for (const g of [0, 1]) log("gateway lag", { g, lag: await metric(g, "nodejs_eventloop_lag_max_seconds"), p99: await metric(g, "nodejs_eventloop_lag_p99_seconds") });
  const { writeFileSync } = await import("node:fs");
  for (const g of stack.gateways) writeFileSync(`/tmp/slow-link-${g.url.split(":").at(-1)}.log`, g.process.output());
  log("gateway logs", { files: stack.gateways.map((g) => `/tmp/slow-link-${g.url.split(":").at(-1)}.log`), slowlog: (await import("node:child_process")).execSync(`redis-cli -p ${stack.redis.port} SLOWLOG GET 10`).toString().split("\n").slice(0, 60).join(" ") });
  const lines = stack.gateways.flatMap((g) => g.process.output().split("\n").filter((l) => /"level":(40|50)/.test(l) && !l.includes("GATEWAY_WS_URL")).map((l) => l.slice(0, 260)));
  log("gateway warnings", { count: lines.length, first: lines.slice(0, 8) });
} finally {
  for (const c of clients) c.close();
  await Promise.all(proxies.map((p) => p.close()));
  await stack.stop();
}
