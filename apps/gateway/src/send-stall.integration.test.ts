// A session that stops reading but keeps writing (Pings keep it from the idle sweep) must not hold its unsent bytes
// for ever: once nothing of them drains for CIM_SEND_STALL_TIMEOUT_MS it is closed with 4429, even under the
// buffer bound. A reader that is slow but keeps taking bytes is never cut off by that clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "node:net";
import { RouteApi } from "@cim/client";
import { startCluster, startPacedLink, waitUntil, type Cluster, type PacedLink } from "@cim/devstack";
import { SessionClose } from "@cim/protocol";
import { rawDevice, registerUser, type RawDevice } from "./test-support.js";

/**
 * Above the gaps of a moving reader: the gateway sees its progress only when the kernel, having sent a third or so of
 * its send buffer (up to 4 MB on loopback), takes more from user space: about 1 s at this test's rate.
 */
const STALL_MS = 4_000;
/** Far above what the test sends: only the stall clock may cut a reader off here, never the buffer bound. */
const BOUND_BYTES = 256 * 1024 * 1024;
const MESSAGES = 3_600;
const TEXT = "s".repeat(3_900);
/**
 * The slow reader's link: 14 MB of room messages take it over two stall timeouts to read, with megabytes waiting in
 * the gateway's send buffer for longer than the stall timeout (more than the kernel's buffers take), so a clock that
 * did not count its progress would cut it off.
 */
const SLOW_BYTES_PER_SECOND = 1_500_000;

let cluster: Cluster;
let link: PacedLink;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 1,
    gatewayEnv: { CIM_SEND_STALL_TIMEOUT_MS: String(STALL_MS), CIM_MAX_BUFFERED_BYTES: String(BOUND_BYTES), CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" },
  });
  link = await startPacedLink(cluster.gateways[0]!.port, SLOW_BYTES_PER_SECOND);
});
afterAll(async () => {
  for (const device of devices) device.ws.terminate();
  await link?.close();
  await cluster?.stop();
});

const socketOf = (device: RawDevice) => (device.ws as unknown as { _socket: Socket })._socket;
const output = () => cluster.gateways[0]!.process.output();

describe("a reader that stops draining", () => {
  it("is closed with 4429 once its unsent bytes have not drained for the stall timeout; a slow reader that keeps reading is not", async () => {
    const api = new RouteApi(cluster.route.url);
    const direct = `${cluster.gateways[0]!.url.replace(/^http/, "ws")}/ws`;
    const writer = await registerUser(cluster.route.url, "stall-writer");
    const room = (await api.createRoom(writer.token, { name: `stall-${Date.now()}`, visibility: "public" })).roomId;
    const stalledUser = await registerUser(cluster.route.url, "stalled");
    const slowUser = await registerUser(cluster.route.url, "slow");
    for (const user of [stalledUser, slowUser]) await api.joinRoom(user.token, room);
    const w = await rawDevice(direct, writer.token);
    const stalled = await rawDevice(direct, stalledUser.token);
    const slow = await rawDevice(`ws://127.0.0.1:${link.port}/ws`, slowUser.token);
    devices.push(w, stalled, slow);
    socketOf(stalled).pause();
    // Both readers keep writing Pings, as a client that stopped reading but not writing does: never idle.
    const pings = setInterval(() => {
      for (const device of [w, stalled, slow]) device.send({ kind: "ping", body: { ts: Date.now() } });
    }, 500);
    try {
      let acked = 0;
      for (let i = 0; i < MESSAGES; i += 100) {
        for (let j = i; j < i + 100; j++) w.send({ kind: "send", body: { clientMsgId: `stall-${j}`, room, to: "", text: `${j} ${TEXT}` } });
        await waitUntil(() => (acked = w.frames.filter((f) => f.kind === "sendAck").length) >= i + 100, 30_000, `SendAcks of the first ${i + 100}`);
      }
      expect(acked).toBe(MESSAGES);
      const sent = Date.now();
      await waitUntil(() => output().includes("closing stalled reader"), 4 * STALL_MS + 10_000, "the stalled reader to be closed");
      const line = output().split("\n").find((l) => l.includes("closing stalled reader"))!;
      expect(line).toContain(stalledUser.userId);
      // The slow reader gets everything, in order, and is never closed meanwhile.
      await waitUntil(() => slow.messages().length >= MESSAGES || slow.ws.readyState !== slow.ws.OPEN, 90_000, "the slow reader to have every message");
      const readMs = Date.now() - sent;
      const cutOff = output().split("\n").filter((l) => l.includes("closing stalled reader") || l.includes("closing slow consumer"));
      expect(cutOff.map((l) => (JSON.parse(l) as { userId?: string }).userId)).toEqual([stalledUser.userId]);
      expect(slow.ws.readyState).toBe(slow.ws.OPEN);
      expect(slow.messages().map((m) => Number(m.text.split(" ")[0]))).toEqual([...Array(MESSAGES).keys()]);
      // It was slow for longer than the stall timeout: the clock had the time to cut it off, and did not.
      expect(readMs).toBeGreaterThan(STALL_MS);
      // The stalled one learns of it once it reads again (the close frame or a reset behind what it did not read).
      socketOf(stalled).resume();
      const closed = await Promise.race([stalled.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
      expect(closed?.code === SessionClose.RateLimited || closed?.code === 1006).toBe(true);
      const metrics = await (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`cim_gateway_closes_total\\{code="${SessionClose.RateLimited}"\\} 1\\b`));
    } finally {
      clearInterval(pings);
    }
  }, 180_000);
});
