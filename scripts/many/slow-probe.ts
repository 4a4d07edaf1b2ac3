// `node --import tsx scripts/many/slow-probe.ts [--messages 2000]`: slow readers. A room of 5 writers, 4 readers and
// 3 readers that stop reading (their socket paused), on two gateways; the writers send 4,000-character messages at
// 40/s each. The paused readers must be cut off with 4429 (CIM_MAX_BUFFERED_BYTES) without holding up the others,
// the gateway must log it, and after logging in again with their room cursor they get the rest exactly once.
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { waitUntil } from "@cim/devstack";
import { Device } from "./device.js";
import { keepAlive } from "./session.js";
import { createUsers, issueTokens, metricsOf, sleep, startStack, wsUrlOf } from "./stack.js";

const values = readFlags(import.meta.url, { messages: { type: "string", default: "2000" } });
const PER = Number(values.messages);
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));

const stack = await startStack({ gateways: 2 });
const devices: Device[] = [];
const stopPings = keepAlive(() => devices.map((d) => d.sess));
try {
  await createUsers(stack, "w-", 12);
  const tok = await issueTokens(stack, "w-", 12);
  const api = new RouteApi(stack.route.url);
  const { roomId } = await api.createRoom(tok[0]!.token, { name: "slow", visibility: "public" });
  for (const t of tok.slice(1)) await api.joinRoom(t.token, roomId);
  for (let i = 0; i < 12; i++) devices.push(new Device(api, tok[i]!.token, wsUrlOf(stack, i % 2), `w-${i + 1}`, roomId));
  await Promise.all(devices.map((d) => d.connect().outcome(30_000)));
  const writers = devices.slice(0, 5);
  const fast = devices.slice(5, 9);
  const slow = devices.slice(9);
  const socketOf = (d: Device) => (d.sess.ws as unknown as { _socket: { pause: () => void; resume: () => void } })._socket;
  for (const d of slow) socketOf(d).pause();
  const big = "x".repeat(3_990);
  const t0 = Date.now();
  const texts: string[] = [];
  for (let n = 0; n < PER; n++) {
    writers.forEach((d, j) => { const text = `S${j}:${n}:${big}`; texts.push(text); d.send(`s-${j}-${n}`, { room: roomId, text }); });
    await sleep(25);
  }
  const sentMs = Date.now() - t0;
  const got = (d: Device) => texts.filter((t) => d.room.count.has(t)).length;
  await waitUntil(() => fast.every((d) => got(d) === texts.length), 120_000, "fast readers").catch(() => undefined);
  log("fast readers", { sentMs, doneMs: Date.now() - t0, got: fast.map(got), of: texts.length });
  for (const d of slow) socketOf(d).resume();
  await waitUntil(() => slow.every((d) => d.sess.closed), 20_000, "slow closed").catch(() => undefined);
  log("slow readers", { closes: slow.map((d) => d.sess.closed), got: slow.map(got) });
  const lines = stack.gateways.flatMap((g) => g.process.output().split("\n")).filter((l) => /slow|4429|buffer/i.test(l));
  log("gateway lines", { count: lines.length, lines: lines.slice(0, 4) });
  // Log in again with the room cursor: the rest, once each, in order.
  for (const d of slow) { d.wsUrl = wsUrlOf(stack, 0); d.connect(); }
  await waitUntil(() => slow.every((d) => got(d) === texts.length), 120_000, "slow caught up").catch(() => undefined);
  log("slow readers after logging in again", { got: slow.map(got), dups: slow.map((d) => [...d.room.count.values()].filter((c) => c > 1).length), outOfOrder: slow.map((d) => d.room.outOfOrder.length) });
  const m = await Promise.all(stack.gateways.map((g) => metricsOf(g.url)));
  log("closes metric", { closes: m.map((x) => [...x].filter(([k]) => k.includes("closes_total"))) });
} finally {
  stopPings();
  for (const d of devices) { d.stopped = true; d.sess?.ws.terminate(); }
  await stack.stop();
}
