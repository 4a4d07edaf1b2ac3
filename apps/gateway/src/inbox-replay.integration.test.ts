// A device's inbox replay on a real redis-server, without sockets or processes: InboxDelivery over a session whose
// socket is a recorder that buffers what is sent and drains it slowly, like a device catching up over a slow link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import pino from "pino";
import { startRedis, waitUntil, type Service } from "@cim/devstack";
import { createRedis, InboxStore, keys, type Redis } from "@cim/state";
import { InboxDelivery } from "./inbox-delivery.js";
import { createMetrics } from "./metrics.js";
import { RecordingSocket } from "./recording-socket.js";
import { Session } from "./session.js";
import { SessionTable } from "./session-table.js";

let service: Service | undefined;
let redis: Redis;

beforeAll(async () => {
  service = await startRedis();
  redis = createRedis(service.address, "inbox-replay-test");
});
afterAll(async () => {
  redis?.disconnect();
  await service?.dispose();
});

describe("inbox replay", () => {
  it("a slow reader gets a long private backlog without being cut off: the replay waits for its socket to drain", async () => {
    // Found by scripts/slow-link-probe.ts: a device back on a 1 MB/s link after a stall was cut off (4429) three more
    // times while catching up on ~12 MB of private messages; its room backlog waited for the socket, its inbox did not.
    const inboxes = new InboxStore(redis, { maxLenPerStream: 10_000, maxAgeSeconds: 0 });
    await redis.hset(keys.account("1"), { userName: "reader", passwordHash: "x", createdAt: "0" });
    const text = "y".repeat(1_000);
    for (let i = 0; i < 3_000; i++) {
      const msgId = String(1_700_000_000_000_000 + i * 10);
      await inboxes.append("1", "2", { msgId, from: "2", fromName: "two", to: "1", room: "", text: `${i} ${text}`, ts: 0 }, "");
    }
    const socket = new RecordingSocket(true);
    const session = new Session(socket as unknown as WebSocket, { maxBufferedBytes: 1024 * 1024, ratePerSec: 1_000, rateBurst: 1_000, heartbeatMs: 15_000 }, "test");
    session.user = { userId: "1", userName: "reader", sessionId: "device-1", loginEpoch: 0 };
    const table = new SessionTable();
    table.add(session);
    table.bind("1", session);
    const delivery = new InboxDelivery(inboxes, table, createMetrics(), pino({ level: "silent" }));
    const draining = setInterval(() => socket.drain(64 * 1024), 2);
    try {
      delivery.start(session, "0");
      await waitUntil(() => socket.closedWith !== null || socket.messages().length === 3_000, 30_000, "the replay to end");
    } finally {
      clearInterval(draining);
    }
    expect(socket.closedWith).toBeNull();
    expect(socket.messages().map((m) => m.text.split(" ")[0])).toEqual(Array.from({ length: 3_000 }, (_, i) => String(i)));
    expect(socket.maxBuffered).toBeLessThanOrEqual(1024 * 1024);
  });
});
