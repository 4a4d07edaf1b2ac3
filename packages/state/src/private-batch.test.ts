// The per-message private path (a Redis Cluster): inbox steps follow the order the conversation step stored in.
import { describe, expect, it } from "vitest";
import type { InboxStore } from "./inbox.js";
import { PrivateBatch } from "./private-batch.js";
import type { RedisClient } from "./redis.js";

describe("PrivateBatch without batching", () => {
  it("issues a conversation's inbox steps in store order when the step before them takes longer for the first message", async () => {
    let clock = 100;
    // The conversation step answers in call order, as one master does.
    const redis = { cimStorePrivate: async () => [`${clock++}:1`, 0] } as unknown as RedisClient;
    const appended: string[] = [];
    const inboxes = { append: async (userId: string, _peer: string, message: { msgId: string }) => (appended.push(`${userId} ${message.msgId}`), message.msgId) } as unknown as InboxStore;
    // A replica wait that takes longer for the first message than for the second.
    const delays = [30, 0];
    const beforeInboxes = () => new Promise<void>((resolve) => setTimeout(resolve, delays.shift()));
    const batch = new PrivateBatch(redis, { maxLenPerStream: 100, maxAgeSeconds: 0, dedupeTtlSeconds: 60, beforeInboxes }, inboxes, false);
    const record = (clientMsgId: string) => ({ stream: "cim-c:{c:p1-2}:messages", dedupe: `cim-c:{c:p1-2}:dedupe:1:${clientMsgId}`, message: { from: "1", to: "2", fromName: "ann", text: clientMsgId, clientMsgId }, dev: "" });
    await Promise.all([batch.store(record("a") as never), batch.store(record("b") as never)]);
    expect(appended).toEqual(["2 100", "1 100", "2 101", "1 101"]);
  });

  it("a message whose step before the inboxes fails does not hold up the next one", async () => {
    let clock = 100;
    const redis = { cimStorePrivate: async () => [`${clock++}:1`, 0] } as unknown as RedisClient;
    const appended: string[] = [];
    const inboxes = { append: async (userId: string, _peer: string, message: { msgId: string }) => (appended.push(`${userId} ${message.msgId}`), message.msgId) } as unknown as InboxStore;
    let calls = 0;
    const beforeInboxes = async () => {
      if (calls++ === 0) throw new Error("not held by the replicas");
    };
    const batch = new PrivateBatch(redis, { maxLenPerStream: 100, maxAgeSeconds: 0, dedupeTtlSeconds: 60, beforeInboxes }, inboxes, false);
    const record = (clientMsgId: string) => ({ stream: "s", dedupe: `d:${clientMsgId}`, message: { from: "1", to: "2", fromName: "ann", text: clientMsgId, clientMsgId }, dev: "" });
    const [first, second] = await Promise.allSettled([batch.store(record("a") as never), batch.store(record("b") as never)]);
    expect(first.status).toBe("rejected");
    expect(second.status).toBe("fulfilled");
    expect(appended).toEqual(["2 101", "1 101"]);
  });
});
