import { describe, expect, it } from "vitest";
import pino from "pino";
import { decodeFrame, type Frame } from "@cim/protocol";
import { channels, presenceBucket } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import { PresenceInterest } from "./presence-interest.js";
import type { Session } from "./session.js";

function reader(userId: string) {
  const frames: Frame[] = [];
  const session = { user: { userId, userName: userId, sessionId: "s" }, sendBytes: (bytes: Uint8Array) => frames.push(decodeFrame(bytes)) > 0 };
  return { session: session as unknown as Session, frames };
}

function setUp() {
  const subscribed = new Set<string>();
  const subscriptions = {
    subscribe: async (channel: string) => subscribed.add(channel),
    unsubscribe: async (channel: string) => subscribed.delete(channel),
  };
  const interest = new PresenceInterest(subscriptions, pino({ level: "silent" }));
  return { interest, subscribed, fanOut: new PresenceFanOut(interest, createMetrics()) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve)).then(() => new Promise((resolve) => setImmediate(resolve)));

describe("PresenceFanOut", () => {
  it("sends each session the changes of the users it watches, one frame per tick, the latest per user", async () => {
    const { interest, fanOut } = setUp();
    const [a, b] = [reader("1"), reader("2")];
    await interest.replace(a.session, ["3", "4"]);
    await interest.replace(b.session, ["3", "1"]);
    fanOut.offer({ userId: "3", userName: "cat", online: true });
    fanOut.offer({ userId: "4", userName: "dan", online: true });
    fanOut.offer({ userId: "3", userName: "cat", online: false });
    fanOut.offer({ userId: "1", userName: "1", online: true });
    fanOut.offer({ userId: "5", userName: "eve", online: true });
    await settle();
    expect(a.frames).toEqual([{ kind: "presenceBatch", body: { presences: [
      { userId: "4", userName: "dan", online: true },
      { userId: "3", userName: "cat", online: false },
    ] } }]);
    expect(b.frames).toEqual([{ kind: "presenceBatch", body: { presences: [
      { userId: "3", userName: "cat", online: false },
      { userId: "1", userName: "1", online: true },
    ] } }]);
  });

  it("sends a single change as a plain Presence frame, and nothing to a session that stopped watching", async () => {
    const { interest, fanOut } = setUp();
    const [a, b] = [reader("1"), reader("2")];
    await interest.replace(a.session, ["9"]);
    await interest.replace(b.session, ["9"]);
    await interest.replace(b.session, []);
    fanOut.offer({ userId: "9", userName: "ivy", online: true });
    await settle();
    expect(a.frames).toEqual([{ kind: "presence", body: { userId: "9", userName: "ivy", online: true } }]);
    expect(b.frames).toEqual([]);
  });

  it("keeps a held session's changes until released", async () => {
    const { interest, fanOut } = setUp();
    const a = reader("1");
    await interest.replace(a.session, ["7"]);
    fanOut.hold(a.session);
    fanOut.offer({ userId: "7", userName: "gus", online: true });
    await settle();
    expect(a.frames).toEqual([]);
    expect(fanOut.release(a.session)).toEqual([{ userId: "7", userName: "gus", online: true }]);
  });
});

describe("PresenceInterest", () => {
  it("subscribes a bucket's channel while some session watches a user in it", async () => {
    const { interest, subscribed } = setUp();
    const [a, b] = [reader("1"), reader("2")];
    await interest.replace(a.session, ["10", "11"]);
    await interest.replace(b.session, ["10"]);
    expect(subscribed).toEqual(new Set([channels.presence(presenceBucket("10")), channels.presence(presenceBucket("11"))]));
    interest.forget(a.session);
    expect(subscribed).toEqual(new Set([channels.presence(presenceBucket("10"))]));
    expect([...interest.watchers("10")]).toEqual([b.session]);
    expect(interest.watchedCount).toBe(1);
    subscribed.clear(); // as if the bus had lost it
    await interest.resubscribe();
    expect(subscribed).toEqual(new Set([channels.presence(presenceBucket("10"))]));
    await interest.replace(b.session, []);
    expect(subscribed).toEqual(new Set());
    expect(interest.channelCount).toBe(0);
  });
});
