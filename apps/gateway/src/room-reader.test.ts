import { describe, expect, it } from "vitest";
import pino from "pino";
import { decodeFrame, EVERYONE_ROOM } from "@cim/protocol";
import type { StoredMessage, StreamEntry } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { RoomReader, type RoomMemberships } from "./room-reader.js";
import type { Session } from "./session.js";

const message = (msgId: string): StoredMessage => ({ msgId, from: "2", fromName: "two", to: "", text: `m${msgId}`, ts: 1, room: "" });
const entry = (position: string): StreamEntry => ({ position, message: message(position), dev: "" });

/**
 * The group's reader on a gateway whose stream reads answer from `stream` (a stand-in for Redis), but the first ones
 * from `demotedAnswers`; and a session's texts.
 */
function setUp(stream: StreamEntry[], confirmWakes: boolean, demotedAnswers: StreamEntry[][] = [], room = EVERYONE_ROOM, memberships?: RoomMemberships) {
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
  const messages = {
    readRoom: async (_room: string, after: string, count: number) => demotedAnswers.shift() ?? stream.filter((e) => BigInt(e.position) > BigInt(after || "0")).slice(0, count),
    trimmedAfter: async () => false,
    newest: async () => stream.at(-1)?.position ?? "0",
  };
  const log = pino({ level: "silent" });
  const reader = new RoomReader(room, messages, createMetrics(), log, () => false, undefined, confirmWakes, memberships);
  return { reader, session, texts };
}

const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("RoomReader", () => {
  it("on a cluster, a wake-up of a message its master then lost does not move the reader past one the new master stored before it", async () => {
    // A master paused past cluster-node-timeout woke, stored 12 (a send queued for it), published its wake-up and was
    // demoted without it; the new master had stored 11 meanwhile, whose wake-up comes after 12's.
    const stream = [entry("10")];
    const { reader, session, texts } = setUp(stream, true);
    await reader.start();
    reader.join(session);
    reader.offer(message("12"), "10", "");
    await settle();
    expect(texts).toEqual(["m12"]);
    stream.push(entry("11"));
    reader.offer(message("11"), "10", "");
    await settle();
    expect(texts).toEqual(["m12", "m11"]);
    // The reader stands on 11 again: the next wake-up follows it and goes out at once.
    stream.push(entry("13"));
    reader.offer(message("13"), "11", "");
    await settle();
    expect(texts).toEqual(["m12", "m11", "m13"]);
  });

  it("on a cluster, what wake-ups fanned out is not sent again when a read confirms it", async () => {
    const stream = [entry("10")];
    const { reader, session, texts } = setUp(stream, true);
    await reader.start();
    reader.join(session);
    stream.push(entry("11"), entry("12"), entry("13"));
    reader.offer(message("11"), "10", "");
    reader.offer(message("12"), "11", "");
    await settle();
    // 13's wake-up was lost: the next one (14, after 13) does not follow what the reader has, so it reads the stream.
    stream.push(entry("14"));
    reader.offer(message("14"), "13", "");
    await settle();
    expect(texts).toEqual(["m11", "m12", "m13", "m14"]);
  });

  it("on a cluster, a replay's read answered by a master demoted on waking does not move the session past what the new master stored", async () => {
    // A master paused past cluster-node-timeout woke and answered the replay's read queued for it with 12, a message it
    // stored on waking and then lost in its demotion; the new master had stored 11 meanwhile.
    const stream = [entry("10"), entry("11")];
    const demotedAnswers: StreamEntry[][] = [];
    const { reader, session, texts } = setUp(stream, true, demotedAnswers);
    await reader.start();
    reader.attach(session, "10");
    demotedAnswers.push([entry("12")]);
    await reader.replay(session);
    expect(texts).toEqual(["m11"]);
    // The session is live from 11: the next message goes out to it.
    stream.push(entry("12"));
    reader.offer(message("12"), "11", "");
    await settle();
    expect(texts).toEqual(["m11", "m12"]);
  });

  it("a replay sends a user that is no member now nothing of what it read (a leave this gateway has not heard yet), and one that joined again nothing from before its new membership", async () => {
    const stream = [entry("10"), entry("11"), entry("12")];
    // Redis' members: user 1 left after 10 was stored; the gateway has not heard it (its bus backlog holds it).
    let members = new Map<string, string>();
    const { reader, session, texts } = setUp(stream, false, [], "r1", async () => members);
    await reader.start();
    reader.attach(session, "9");
    await reader.replay(session);
    expect(texts).toEqual([]);
    // It joined again after 11: its session (attached anew) gets what follows its new membership only.
    members = new Map([["1", "11"]]);
    reader.leave(session);
    reader.attach(session, "9");
    await reader.replay(session);
    expect(texts).toEqual(["m12"]);
  });

  it("a replay sends nothing more to a session taken out of the room while it waited for the session's socket to drain", async () => {
    const stream = [entry("10"), entry("11")];
    const { reader, session, texts } = setUp(stream, false);
    // A slow device: its socket holds more than the replay's mark until it drains.
    const socket = { bufferedAmount: 10 * 1024 * 1024 };
    Object.assign(session, { socket, maxBufferedBytes: 1024 * 1024 });
    await reader.start();
    reader.attach(session, "9");
    const replay = reader.replay(session);
    await settle();
    // Its user left meanwhile (the leave's event): then its socket drains.
    reader.leave(session);
    socket.bufferedAmount = 0;
    await replay;
    expect(texts).toEqual([]);
  });
});

