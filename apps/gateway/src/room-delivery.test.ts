import { describe, expect, it } from "vitest";
import pino from "pino";
import { decodeFrame } from "@cim/protocol";
import type { StoredMessage, StreamEntry } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { RoomDelivery } from "./room-delivery.js";
import type { Session } from "./session.js";

const ROOM = "r1";
const message = (msgId: string): StoredMessage => ({ msgId, from: "2", fromName: "two", to: "", text: `m${msgId}`, ts: 1, room: ROOM });
const entry = (position: string): StreamEntry => ({ position, message: message(position), dev: "" });

/**
 * A gateway's room delivery whose stream reads answer from `stream` (a stand-in for Redis), the first `failures` of
 * them failing as when Redis is unavailable; and a session's texts.
 */
function setUp(stream: StreamEntry[], failures: { newest: number; readRoom: number }, joinedAfter?: () => Promise<string | null>) {
  const texts: string[] = [];
  const session = {
    socket: { bufferedAmount: 0 },
    isOpen: true,
    user: { userId: "1", userName: "one", sessionId: "s1" },
    sendBytes: (bytes: Uint8Array) => {
      const frame = decodeFrame(bytes);
      texts.push(...(frame.kind === "message" ? [frame.body] : frame.kind === "messageBatch" ? frame.body.messages : []).map((m) => m.text));
      return true;
    },
  } as unknown as Session;
  const unavailable = () => Promise.reject(new Error("Command timed out"));
  const messages = {
    readRoom: async (_room: string, after: string, count: number) =>
      failures.readRoom-- > 0 ? unavailable() : stream.filter((e) => BigInt(e.position) > BigInt(after || "0")).slice(0, count),
    trimmedAfter: async () => false,
    newest: async () => (failures.newest-- > 0 ? unavailable() : (stream.at(-1)?.position ?? "0")),
  };
  const subscriptions = { subscribe: async () => undefined, unsubscribe: async () => undefined };
  const rooms = joinedAfter && { joinedAfter };
  const delivery = new RoomDelivery({ messages, subscriptions, metrics: createMetrics(), log: pino({ level: "silent" }), ...(rooms ? { rooms } : {}) });
  return { delivery, session, texts };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("RoomDelivery", () => {
  it("a session whose start in a room it joined failed (Redis unavailable) is started at the next poll and gets the room's messages", async () => {
    const stream = [entry("10")];
    const { delivery, session, texts } = setUp(stream, { newest: 1, readRoom: 0 });
    await expect(delivery.joinLive(session, ROOM, () => true)).rejects.toThrow("Command timed out");
    delivery.wakeAll(); // the room poll, every 2 s
    await settle();
    stream.push(entry("11"));
    delivery.offer(ROOM, message("11"), "10", "");
    await settle();
    expect(texts).toEqual(["m11"]);
  });

  it("a session whose replay from where it joined failed is caught up at the next poll, then served live", async () => {
    const stream = [entry("10"), entry("11")];
    const { delivery, session, texts } = setUp(stream, { newest: 0, readRoom: 1 });
    // Joined after 10 (the membership event's position): 11 was stored since, and the replay's read fails.
    await expect(delivery.joinLive(session, ROOM, () => true, "10")).rejects.toThrow("Command timed out");
    delivery.wakeAll();
    await settle();
    stream.push(entry("12"));
    delivery.offer(ROOM, message("12"), "11", "");
    await settle();
    expect(texts).toEqual(["m11", "m12"]);
  });

  it("a failed start is not tried again once the session left the room or closed", async () => {
    const stream = [entry("10")];
    const { delivery, session, texts } = setUp(stream, { newest: 1, readRoom: 0 });
    let member = true;
    await expect(delivery.joinLive(session, ROOM, () => member)).rejects.toThrow("Command timed out");
    member = false;
    delivery.wakeAll();
    await settle();
    stream.push(entry("11"));
    delivery.offer(ROOM, message("11"), "10", "");
    await settle();
    expect(texts).toEqual([]);
    expect(delivery.roomsOf(session)).toEqual([]);
  });

  it("the room's reader started for a session is not closed by the poll before the session joins it", async () => {
    const stream = [entry("10")];
    let answer: (after: string | null) => void = () => undefined;
    const joined = new Promise<string | null>((resolve) => (answer = resolve));
    const { delivery, session, texts } = setUp(stream, { newest: 0, readRoom: 0 }, () => joined);
    const joining = delivery.joinLive(session, ROOM, () => true);
    await settle();
    // The room poll (every 2 s) while where the membership began is being read: the reader has no session yet.
    delivery.wakeAll();
    answer("10");
    await joining;
    stream.push(entry("11"));
    delivery.offer(ROOM, message("11"), "10", "");
    await settle();
    expect(texts).toEqual(["m11"]);
  });
});

