// `node --import tsx scripts/many/messages-probe.ts [--users 2400]`: messages while thousands of sessions are
// connected. Every user (one device, user i on gateway i mod 3) is in one public room; six of them write to it, 150
// pairs on different gateways write privately, and gw-b is SIGKILLed while they do: its devices reconnect through
// route (avoid gw-b) with their cursors and resend what was not acknowledged. Each device must get every room message
// and every private message to it exactly once and in order. Then slow readers: in a room of 20, three devices stop
// reading while five members write 4,000-character messages; they must be cut off (4429) without holding up the
// others, and get the rest exactly once after logging in again with their cursor.
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { waitUntil } from "@cim/devstack";
import { Device } from "./device.js";
import { keepAlive, tally } from "./session.js";
import { createUsers, issueTokens, metricsOf, sleep, startStack, wsUrlOf, type Issued } from "./stack.js";

const values = readFlags(import.meta.url, { users: { type: "string", default: "2400" }, "room-msgs": { type: "string", default: "40" } });
const N = Number(values.users);
const PER_SENDER = Number(values["room-msgs"]);
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await fn(items[next++]!); }));
}

const stack = await startStack({ gateways: 3 });
const devices: Device[] = [];
const stopPings = keepAlive(() => devices.map((d) => d.sess));
try {
  await createUsers(stack, "m-", N);
  const tok: Issued[] = await issueTokens(stack, "m-", N);
  const api = new RouteApi(stack.route.url);
  const { roomId } = await api.createRoom(tok[0]!.token, { name: "many", visibility: "public" });
  await pool(tok.slice(1), 40, (t) => api.joinRoom(t.token, roomId));
  const gwB = "gw-b";
  const onGone = (d: Device, code: number) => { if (code === 1006 && !d.reconnecting) void sleep(Math.random() * 2_000).then(() => d.reconnect(gwB)); };
  for (let i = 0; i < N; i++) devices.push(new Device(api, tok[i]!.token, wsUrlOf(stack, i % 3), `m-${i + 1}`, roomId, onGone));
  log("logins", { tally: tally(await Promise.all(devices.map((d) => d.connect().outcome(90_000)))) });
  log("rooms in LoginAck", { withRoom: devices.filter((d) => d.sess.ack?.rooms.some((r) => r.room === roomId)).length });

  // Writers: six room senders (two per gateway), 150 private pairs (2k, 2k+1: different gateways).
  const roomSenders = [10, 11, 12, 13, 14, 15].map((i) => devices[i]!);
  const pairs = Array.from({ length: 150 }, (_, k) => [devices[100 + 2 * k]!, devices[101 + 2 * k]!] as const);
  const roomTexts: string[] = [];
  const writerOf = new Map<string, Device>();
  const privTo = new Map<Device, string[]>();
  let killed = false;
  const t0 = Date.now();
  for (let n = 0; n < PER_SENDER; n++) {
    roomSenders.forEach((d, j) => { const text = `R${j}:${n}`; roomTexts.push(text); writerOf.set(text, d); d.send(`r-${j}-${n}`, { room: roomId, text }); });
    if (n < 10) pairs.forEach(([a, b], k) => {
      for (const [from, to, fi] of [[a, b, 0], [b, a, 1]] as const) {
        const text = `P${k}.${fi}:${n}`;
        privTo.set(to, [...(privTo.get(to) ?? []), text]);
        from.send(`p-${k}-${fi}-${n}`, { to: to.sess.ack!.userId, text });
      }
    });
    if (n === Math.floor(PER_SENDER / 3) && !killed) { killed = true; await stack.gateways[1]!.stop("SIGKILL"); log("gw-b killed", { atMs: Date.now() - t0 }); }
    await sleep(150);
  }
  const writers = [...roomSenders, ...pairs.flat()];
  await waitUntil(() => writers.every((d) => d.unacked() === 0 && !d.reconnecting), 90_000, "every send acknowledged").catch((e: unknown) => log("unacked", { error: String(e), left: writers.reduce((n, d) => n + d.unacked(), 0) }));
  await waitUntil(() => devices.every((d) => !d.reconnecting), 90_000, "reconnects").catch(() => undefined);
  // A device never gets back what it sent itself (CONTRACT, "Devices").
  const roomFor = (d: Device) => roomTexts.filter((t) => writerOf.get(t) !== d);
  const complete = (d: Device) => roomFor(d).every((t) => d.room.count.get(t) === 1) && (privTo.get(d) ?? []).every((t) => d.priv.count.get(t) === 1);
  await waitUntil(() => devices.every(complete), 60_000, "deliveries").catch(() => undefined);
  await sleep(3_000);
  const report = { devices: devices.length, reconnected: devices.filter((d) => d.sessions.length > 1).length, missingRoom: 0, dupRoom: 0, oooRoom: 0, missingPriv: 0, dupPriv: 0, oooPriv: 0, stray: 0, examples: [] as string[] };
  for (const d of devices) {
    for (const t of roomFor(d)) { const c = d.room.count.get(t) ?? 0; if (c === 0) report.missingRoom++; if (c > 1) report.dupRoom++; if (c !== 1 && report.examples.length < 10) report.examples.push(`${d.label} ${t} x${c}`); }
    for (const t of privTo.get(d) ?? []) { const c = d.priv.count.get(t) ?? 0; if (c === 0) report.missingPriv++; if (c > 1) report.dupPriv++; if (c !== 1 && report.examples.length < 10) report.examples.push(`${d.label} ${t} x${c}`); }
    report.oooRoom += d.room.outOfOrder.length;
    report.oooPriv += d.priv.outOfOrder.length;
    report.stray += [...d.priv.count.keys()].filter((t) => !(privTo.get(d) ?? []).includes(t)).length;
  }
  log("phase A (room of N, private pairs, gw-b killed)", { ...report, roomMsgs: roomTexts.length, closes: tally(devices.flatMap((d) => d.closes).map((c) => ({ kind: "close", code: c, ms: 0 }))), ms: Date.now() - t0 });

  // Phase B: slow readers. A room of 20 on the two gateways left; 3 stop reading; 5 write 4,000 characters at 40/s.
  const members = devices.slice(1000, 1020).filter((d) => !d.sess.closed);
  const { roomId: slowRoom } = await api.createRoom(members[0]!.token, { name: "slow", visibility: "public" });
  await pool(members.slice(1), 10, (d) => api.joinRoom(d.token, slowRoom));
  const slowCounts = new Map<Device, number>();
  await sleep(1_000);
  for (const d of members) {
    const prev = d.sess.sink!;
    d.sess.sink = (f) => {
      if (f.kind === "messageBatch" || f.kind === "message") for (const m of f.kind === "message" ? [f.body] : f.body.messages) if (m.room === slowRoom) slowCounts.set(d, (slowCounts.get(d) ?? 0) + 1);
      return prev(f);
    };
  }
  const slow = members.slice(17);
  for (const d of slow) (d.sess.ws as unknown as { _socket: { pause: () => void } })._socket.pause();
  const big = "x".repeat(3_990);
  const writersB = members.slice(0, 5);
  const TOTAL_B = 5 * 240;
  const tB = Date.now();
  for (let n = 0; n < 240; n++) {
    writersB.forEach((d, j) => d.send(`s-${j}-${n}`, { room: slowRoom, text: `S${j}:${n}:${big}` }));
    await sleep(25);
  }
  const fast = members.slice(5, 17);
  const fastDone = await waitUntil(() => fast.every((d) => (slowCounts.get(d) ?? 0) >= TOTAL_B), 60_000, "fast readers").then(() => Date.now() - tB, () => -1);
  log("phase B fast readers", { sendMs: Date.now() - tB, fastDoneMs: fastDone, fastCounts: fast.map((d) => slowCounts.get(d) ?? 0) });
  for (const d of slow) (d.sess.ws as unknown as { _socket: { resume: () => void } })._socket.resume();
  await sleep(5_000);
  log("phase B slow readers", { closes: slow.map((d) => d.closes), counts: slow.map((d) => slowCounts.get(d) ?? 0) });
  const gwLines = stack.gateways.map((g) => g.process.output?.() ?? "").join("\n").split("\n").filter((l) => /slow/i.test(l));
  log("gateway log lines about slow consumers", { lines: gwLines.slice(0, 5), count: gwLines.length });
  const m = await Promise.all([stack.gateways[0]!, stack.gateways[2]!].map((g) => metricsOf(g.url)));
  log("closes by code", { gwA: [...m[0]!].filter(([k]) => k.startsWith("cim_gateway_closes_total")), gwC: [...m[1]!].filter(([k]) => k.startsWith("cim_gateway_closes_total")) });
} finally {
  stopPings();
  for (const d of devices) { d.stopped = true; d.sess?.ws.terminate(); }
  await stack.stop();
}
