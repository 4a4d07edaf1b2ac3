// `node --import tsx scripts/stalled-many-check.ts [--stalled 30] [--messages 3000]`: many sessions that stop reading
// in one room while a writer floods it with 3.9 KB messages: the gateway's memory must stay within about the
// slow-consumer bound per stalled socket (CIM_MAX_BUFFERED_BYTES, 1 MiB), each must be cut off once (4429, one warn
// line), and a reading member on the same gateway must get every message.
import { readFlags } from "./cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { startCluster, waitUntil } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { messagesOf, open, type Raw } from "./raw-session.js";

const values = readFlags(import.meta.url, { stalled: { type: "string", default: "30" }, messages: { type: "string", default: "3000" } });
const log = (what: string, data: object) => console.log(JSON.stringify({ what, ...data }));
const stack = await startCluster({ gateways: 1, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
const sockets: Raw[] = [];
try {
  const api = new RouteApi(stack.route.url);
  const wsUrl = `${stack.gateways[0]!.url.replace(/^http/, "ws")}/ws`;
  const login = async (prefix: string) => { const u = await registerProbeUser(api, prefix); return { ...u, token: (await api.login(u.name, PROBE_PASSWORD)).token }; };
  const writer = await login("w");
  const room = (await api.createRoom(writer.token, { name: "stalled", visibility: "public" })).roomId;
  const reader = await login("r");
  await api.joinRoom(reader.token, room);
  const stalledUsers = [];
  for (let i = 0; i < Number(values.stalled); i++) { const u = await login("s"); await api.joinRoom(u.token, room); stalledUsers.push(u); }
  const w = await open(wsUrl, writer.token);
  const r = await open(wsUrl, reader.token);
  const stalled = await Promise.all(stalledUsers.map((u) => open(wsUrl, u.token)));
  sockets.push(w, r, ...stalled);
  for (const s of stalled) (s.ws as unknown as { _socket: { pause: () => void } })._socket.pause();
  const metric = async (name: string) => (await (await fetch(`${stack.gateways[0]!.url}/metrics`)).text()).split("\n").filter((l) => l.startsWith(name)).map((l) => l.slice(name.length).trim()).join(" ");
  const rss = async () => Math.round(Number((await metric("process_resident_memory_bytes")).split(" ")[0]) / 1e6);
  const heap = async () => Math.round(Number((await metric("nodejs_heap_size_used_bytes")).split(" ")[0]) / 1e6);
  log("before", { rssMb: await rss(), heapMb: await heap() });
  const text = "z".repeat(3_880);
  const t0 = Date.now();
  const peak = { rss: 0, heap: 0 };
  const watch = setInterval(() => void Promise.all([rss(), heap()]).then(([a, b]) => { peak.rss = Math.max(peak.rss, a); peak.heap = Math.max(peak.heap, b); }), 500);
  const total = Number(values.messages);
  // The writer and the reader ping as a client does; the stalled ones write nothing (they are swept idle after 45 s).
  const pings = setInterval(() => { for (const x of [w, r]) x.ws.send(encodeFrame({ kind: "ping", body: { ts: Date.now() } })); }, 5_000);
  for (let i = 0; i < total; i++) {
    w.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `f-${i}`, room, to: "", text: `${i} ${text}` } }));
    // At most 100 in flight (the gateway refuses past CIM_MAX_SENDS_IN_FLIGHT, 200, and this writer does not resend).
    if (i % 100 === 99) await waitUntil(() => w.frames.filter((f) => f.kind === "sendAck").length > i - 50, 30_000, "acks").catch(() => undefined);
  }
  await waitUntil(() => messagesOf(r).length >= total, 120_000, "the reader to have every message").catch(() => undefined);
  clearInterval(watch);
  clearInterval(pings);
  const lines = stack.gateways[0]!.process.output().split("\n").filter((l) => l.includes("closing slow consumer")).length;
  const errors: Record<string, number> = {};
  for (const f of w.frames) if (f.kind === "error") errors[`${f.body.code}: ${f.body.message.slice(0, 60)}`] = (errors[`${f.body.code}: ${f.body.message.slice(0, 60)}`] ?? 0) + 1;
  const warnings = stack.gateways[0]!.process.output().split("\n").filter((l) => /"level":(40|50)/.test(l) && !l.includes("GATEWAY_WS_URL")).map((l) => l.slice(0, 300));
  log("writer errors and gateway warnings", { errors, warnings: warnings.slice(0, 8), warningCount: warnings.length });
  log("after", {
    ms: Date.now() - t0, readerGot: messagesOf(r).length, of: total, acked: w.frames.filter((f) => f.kind === "sendAck").length,
    slowConsumerLines: lines, closes: await metric("cim_gateway_closes_total"), sessions: await metric("cim_gateway_sessions"),
    peakRssMb: peak.rss, peakHeapMb: peak.heap, rssMb: await rss(), heapMb: await heap(),
    stalledSockets: stalled.length, sentToEachMb: Math.round((total * 3_900) / 1e6),
  });
} finally {
  for (const s of sockets) s.ws.terminate();
  await stack.stop();
}
