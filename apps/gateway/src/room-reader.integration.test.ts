// Room delivery on a real redis-server, without sockets or processes: RoomReader over sessions whose socket is a
// recorder. Covers long replays (all messages, in pages that wait for a slow reader), the hand-over from replay
// to live fan-out when a read lands in between, devices (a message never returns to the one that sent it), and a
// membership that begins while the member is connected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import pino from "pino";
import { startRedis, waitUntil, type Service } from "@cim/devstack";
import { ErrorCode } from "@cim/protocol";
import { conv, createRedis, MessageStore, RoomStore, type Redis, type StoredMessage, type StreamEntry } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { RoomDelivery } from "./room-delivery.js";
import { RoomReader } from "./room-reader.js";
import { RecordingSocket } from "./recording-socket.js";
import { Session } from "./session.js";

let service: Service | undefined;
let redis: Redis;

beforeAll(async () => {
  // The PING that said "ready" may have come from another suite's server that took the port first: ours must answer.
  for (let attempt = 1; ; attempt++) {
    service = await startRedis();
    redis = createRedis(service.address, "group-delivery-test");
    const info = await redis.info("server");
    if (info.match(/process_id:(\d+)/)?.[1] === String(service.process().child.pid)) return;
    redis.disconnect();
    await service.dispose();
    if (attempt === 3) throw new Error(`redis-server on port ${service.port} is not the one we started`);
  }
});
beforeEach(async () => {
  await redis.flushall();
});
afterAll(async () => {
  redis?.disconnect();
  await service?.dispose();
});

function setUp(messages: MessageStore, room = "everyone"): {
  reader: RoomReader;
  connect: (userId: string, socket?: RecordingSocket, device?: string, messageBatches?: boolean) => { session: Session; socket: RecordingSocket };
} {
  const reader = new RoomReader(room, messages, createMetrics(), pino({ level: "silent" }));
  const connect = (userId: string, socket = new RecordingSocket(), device = `s-${userId}`, messageBatches = true) => {
    const session = new Session(
      socket as unknown as WebSocket,
      { maxBufferedBytes: 1024 * 1024, ratePerSec: 1_000, rateBurst: 1_000, heartbeatMs: 15_000 },
      "test",
    );
    session.user = { userId, userName: `user${userId}`, sessionId: device, loginEpoch: 0 };
    session.messageBatches = messageBatches;
    return { session, socket };
  };
  return { reader, connect };
}

async function storeIn(messages: MessageStore, room: string, count: number, text = (i: number) => `m${i}`, from = "100", device = "talker-phone"): Promise<StoredMessage[]> {
  const writes = Array.from({ length: count }, (_, i) =>
    messages.store({ clientMsgId: `c${i}-${Math.random()}`, from, fromName: "talker", fromDevice: device, room, text: text(i) }),
  );
  return (await Promise.all(writes)).map((r) => {
    if ("error" in r) throw new Error(r.error);
    return r.message;
  });
}

const storeGroup = (messages: MessageStore, count: number, text?: (i: number) => string) => storeIn(messages, "everyone", count, text);

/** Attaches a session that has seen up to `seen` and replays what came after. */
async function recover(reader: RoomReader, session: Session, seen: string): Promise<void> {
  reader.attach(session, seen);
  await reader.replay(session);
}

describe("group replay", () => {
  it("a client that missed 7,000 group messages gets every one, in order, without a history_trimmed notice", async () => {
    const messages = new MessageStore(redis);
    const stored = await storeGroup(messages, 7_001);
    const { reader, connect } = setUp(messages);
    await reader.start();
    const { session, socket } = connect("1");
    await recover(reader, session, stored[0]!.msgId);
    const got = socket.messages().map((m) => m.msgId);
    expect(got.length).toBe(7_000);
    expect(got).toEqual(stored.slice(1).map((m) => m.msgId));
    expect(socket.errors()).toEqual([]);
  });

  it("a slow reader gets a long replay without being cut off: the replay waits for its socket to drain", async () => {
    const messages = new MessageStore(redis);
    const stored = await storeGroup(messages, 4_001, (i) => `${i} `.padEnd(1_000, "x")); // ~4 MB to replay
    const { reader, connect } = setUp(messages);
    await reader.start();
    const { session, socket } = connect("1", new RecordingSocket(true));
    const draining = setInterval(() => socket.drain(128 * 1024), 2);
    try {
      await recover(reader, session, stored[0]!.msgId);
    } finally {
      clearInterval(draining);
    }
    expect(socket.closedWith).toBeNull();
    expect(socket.messages().length).toBe(4_000);
    expect(socket.maxBuffered).toBeLessThanOrEqual(1024 * 1024);
  });

  it("tells the client to load history when the stream was trimmed past its point, and replays what is left", async () => {
    await redis.config("SET", "stream-node-max-entries", "10");
    const messages = new MessageStore(redis, { maxLenPerStream: 100 });
    const stored = await storeGroup(messages, 300);
    const { reader, connect } = setUp(messages);
    await reader.start();
    const { session, socket } = connect("1");
    await recover(reader, session, stored[0]!.msgId);
    expect(socket.errors()).toEqual([ErrorCode.HistoryTrimmed]);
    const got = socket.messages().map((m) => m.msgId);
    expect(got.length).toBeGreaterThanOrEqual(100);
    expect(got).toEqual(stored.slice(-got.length).map((m) => m.msgId));
  });
});

/** A store whose room reads, once `gate` is set, hold their answers until it is released. */
class GatedStore extends MessageStore {
  parked = 0;
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  /** Lets every held read go on, in the order they were answered by Redis. */
  release(): void {
    this.gate = null;
    this.open();
  }

  override async readRoom(room: string, afterId: string, count: number): Promise<StreamEntry[]> {
    const answer = await super.readRoom(room, afterId, count);
    if (this.gate) {
      this.parked++;
      await this.gate;
    }
    return answer;
  }
}

describe("the hand-over from replay to live delivery", () => {
  it("a read that lands right after the replay's last one does not skip the session", async () => {
    const messages = new GatedStore(redis);
    const [m1, m2, m3] = await storeGroup(messages, 3, (i) => `m${i + 1}`);
    const { reader, connect } = setUp(messages);
    await reader.start(); // the gateway has fanned out up to m3
    const { session, socket } = connect("1");

    messages.close();
    const recovering = recover(reader, session, m1!.msgId);
    await waitUntil(() => messages.parked === 1, 10_000, "the replay's read (m2, m3) to be answered");
    const [m4] = await storeGroup(messages, 1, () => "m4");
    reader.wake(); // the gateway's own read of the stream (a wake-up that came out of order)
    await waitUntil(() => messages.parked === 2, 10_000, "the gateway's read (m4) to be answered");
    // Both answers go on in one turn: the replay finds itself caught up, then the gateway fans m4 out.
    messages.release();
    await recovering;

    const [m5] = await storeGroup(messages, 1, () => "m5");
    reader.wake();
    await waitUntil(() => socket.messages().some((m) => m.msgId === m5!.msgId), 10_000, "m5 to reach the session");
    expect(socket.messages().map((m) => m.text)).toEqual(["m2", "m3", "m4", "m5"]);
    expect(socket.messages().map((m) => m.msgId)).toEqual([m2, m3, m4, m5].map((m) => m!.msgId));
  });
});

describe("a hold that begins while the gateway reads the room", () => {
  it("the read's answer is not fanned out until the hold ends, and then reaches the member once", async () => {
    const messages = new GatedStore(redis);
    await redis.sadd(conv.roomMembers("r1"), "100", "1");
    let held = false;
    const reader = new RoomReader("r1", messages, createMetrics(), pino({ level: "silent" }), () => held);
    await reader.start();
    const { session, socket } = setUp(messages, "r1").connect("1");
    reader.join(session);

    messages.close();
    const [stored] = await storeIn(messages, "r1", 1, () => "stored while the bus was lost");
    reader.wake(); // a read of the stream under way when the bus drops (a removal of "1" may be lost with it)
    await waitUntil(() => messages.parked === 1, 10_000, "the gateway's read to be answered");
    held = true;
    messages.release();
    await waitUntil(() => !reader.busy, 10_000, "the read to end");
    expect(socket.messages()).toEqual([]);

    held = false; // memberships are current again (MembershipSync wakes the rooms)
    reader.wake();
    await waitUntil(() => socket.messages().length === 1, 10_000, "the message once the hold ended");
    expect(socket.messages()).toMatchObject([stored]);
  });
});

describe("rooms and devices", () => {
  it("a room's messages reach the sessions reading it, each device of the sender but the one that sent them", async () => {
    const messages = new MessageStore(redis);
    await redis.sadd(conv.roomMembers("r1"), "100", "1");
    const { reader, connect } = setUp(messages, "r1");
    await reader.start();
    const phone = connect("100", new RecordingSocket(), "talker-phone");
    const laptop = connect("100", new RecordingSocket(), "talker-laptop");
    const member = connect("1");
    const outsider = connect("2");
    for (const { session } of [phone, laptop, member]) reader.join(session);
    const stored = await storeIn(messages, "r1", 3);
    await storeGroup(messages, 1); // another room: not this reader's
    reader.wake();
    await waitUntil(() => member.socket.messages().length === 3 && laptop.socket.messages().length === 3, 10_000, "the room's messages");
    expect(member.socket.messages()).toMatchObject(stored);
    expect(laptop.socket.messages()).toMatchObject(stored);
    expect(phone.socket.messages()).toEqual([]);
    expect(outsider.socket.messages()).toEqual([]);
    expect(stored.every((m) => m.room === "r1")).toBe(true);

    // A replay skips the device's own messages too, but moves past them.
    const { session, socket } = connect("100", new RecordingSocket(), "talker-phone");
    await recover(reader, session, "0");
    expect(socket.messages()).toEqual([]);
    reader.leave(member.session);
    const [later] = await storeIn(messages, "r1", 1, () => "later", "1", "s-1");
    reader.wake();
    await waitUntil(() => socket.messages().length === 1, 10_000, "the replayed session to be served live");
    expect(socket.messages()).toMatchObject([later]);
    expect(member.socket.messages().length).toBe(3);
  });
});

describe("frames", () => {
  // A client of the first protocol (Login.messageBatches unset) knows no MessageBatch: a batch's messages were lost to it.
  it("messages fanned out together are one MessageBatch to a client that takes it and a Message each to one that does not", async () => {
    const messages = new MessageStore(redis);
    const { reader, connect } = setUp(messages);
    await reader.start();
    const modern = connect("1");
    const seed = connect("2", new RecordingSocket(), "s-2", false);
    for (const { session } of [modern, seed]) await recover(reader, session, "0");
    const stored = await storeGroup(messages, 5);
    reader.wake();
    await waitUntil(() => modern.socket.messages().length === 5 && seed.socket.messages().length === 5, 10_000, "the group's messages");
    expect(modern.socket.frames.map((f) => f.kind)).toEqual(["messageBatch"]);
    expect(seed.socket.frames.map((f) => f.kind)).toEqual(stored.map(() => "message"));
    expect(seed.socket.messages()).toMatchObject(stored);

    // And a replay alike.
    const late = connect("3", new RecordingSocket(), "s-3", false);
    await recover(reader, late.session, "0");
    expect(late.socket.frames.map((f) => f.kind)).toEqual(stored.map(() => "message"));
  });
});

describe("a membership that begins while the member is connected", () => {
  it("the new member's session gets the messages stored between the invitation and its gateway hearing of it", async () => {
    const messages = new MessageStore(redis);
    const rooms = new RoomStore(redis);
    const room = await rooms.create({ name: "plans", visibility: "private", owner: "100" });
    const [before] = await storeIn(messages, room.roomId, 1, () => "before the invitation");
    const invited = await rooms.add(room.roomId, "1");
    expect(invited).toEqual({ added: true, after: before!.msgId });
    // Sent at once by the inviter: stored before the membership event reaches the new member's gateway.
    const [right] = await storeIn(messages, room.roomId, 1, () => "right after it");

    const delivery = new RoomDelivery({
      messages, subscriptions: { subscribe: async () => 1, unsubscribe: async () => 1 }, metrics: createMetrics(), log: pino({ level: "silent" }),
    });
    const { session, socket } = setUp(messages, room.roomId).connect("1");
    await delivery.joinLive(session, room.roomId, () => true, invited.after);
    expect(socket.messages().map((m) => m.text)).toEqual(["right after it"]);

    const [later] = await storeIn(messages, room.roomId, 1, () => "later");
    delivery.offer(room.roomId, later, right!.msgId, "talker-phone");
    await waitUntil(() => socket.messages().length === 2, 10_000, "the next message live");
    expect(socket.messages().map((m) => m.msgId)).toEqual([right!.msgId, later!.msgId]);
  });

  it("without the event's position (an older route, a lost event, a login under way) it starts where Redis says the membership began", async () => {
    const messages = new MessageStore(redis);
    const rooms = new RoomStore(redis);
    const room = await rooms.create({ name: "lost", visibility: "public", owner: "100" });
    await storeIn(messages, room.roomId, 1, () => "before the join");
    await rooms.join(room.roomId, "1");
    await storeIn(messages, room.roomId, 2, (i) => `after the join ${i}`);

    const delivery = new RoomDelivery({
      messages, rooms, subscriptions: { subscribe: async () => 1, unsubscribe: async () => 1 }, metrics: createMetrics(), log: pino({ level: "silent" }),
    });
    const { connect } = setUp(messages, room.roomId);
    const member = connect("1");
    await delivery.joinLive(member.session, room.roomId, () => true);
    expect(member.socket.messages().map((m) => m.text)).toEqual(["after the join 0", "after the join 1"]);

    // A membership that began before these positions were kept: from the room's newest on, as before.
    await redis.hdel(conv.roomJoined(room.roomId), "100");
    const owner = connect("100", new RecordingSocket(), "owner-laptop");
    await delivery.joinLive(owner.session, room.roomId, () => true);
    expect(owner.socket.messages()).toEqual([]);
  });
});

describe("Redis lost", () => {
  it("the failed reads of many rooms are logged once per window, not once per room and wake-up", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const lost = Object.assign(new Error("Command aborted due to connection close"), { name: "AbortError" });
    const reads: string[] = [];
    const messages = { newest: async () => "0", trimmedAfter: async () => false, readRoom: (room: string) => (reads.push(room), Promise.reject(lost)) };
    const delivery = new RoomDelivery({ messages, subscriptions: { subscribe: async () => 1, unsubscribe: async () => 1 }, metrics: createMetrics(), log });
    const rooms = Array.from({ length: 40 }, (_, i) => `r${i + 1}`);
    for (const room of rooms) await delivery.reader(room);
    for (let wake = 0; wake < 2; wake++) for (const room of rooms) delivery.offer(room, undefined, "", "");
    await waitUntil(() => reads.length >= 80, 5_000, "every room read twice");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((line) => line.includes("room delivery failed"))).toHaveLength(1);
  });
});
