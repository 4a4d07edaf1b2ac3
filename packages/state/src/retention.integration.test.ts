// The sweep of messages past the age limit in conversations and inboxes that went quiet, against a real redis-server.
import { describe, expect, it } from "vitest";
import { InboxStore } from "./inbox.js";
import { conv, user } from "./keys.js";
import { MessageStore } from "./messages.js";
import { account as accountIn, room as roomIn, send, streamIds } from "./message-test-support.js";
import { sweepOldMessages } from "./retention.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("sweepOldMessages", () => {
  it("trims every conversation and inbox to the messages within the age limit, whether or not anyone writes to them again", async () => {
    // No age limit at the store: nothing is trimmed as messages are written, as in a conversation that went quiet.
    const store = new MessageStore(h.redis);
    await accountIn(h.redis, "1", "2", "3");
    await roomIn(h.redis, "r1", "1", "2");
    const old = [await send(store, { from: "1", to: "2", text: "old private" }), await send(store, { from: "1", room: "r1", text: "old room" }), await send(store, { from: "3", text: "old everyone" })];
    const between = Date.now() + 5;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = await send(store, { from: "2", to: "1", text: "new private" });
    expect(old.every((message) => Number(message.msgId) < between * 1000)).toBe(true);
    expect(Number(kept.msgId)).toBeGreaterThan(between * 1000);

    // An hour's limit, an hour after `between`: the old ones are past it, the new one is not.
    const result = await sweepOldMessages(h.redis, 3600, between + 3_600_000);
    expect(result.trimmed).toBe(5); // old private in the pair's stream and both inboxes, old room, old everyone

    expect(await streamIds(h.redis, conv.messages(conv.ofPair("1", "2")))).toEqual([kept.msgId]);
    expect(await streamIds(h.redis, user.inbox("1"))).toEqual([kept.msgId]);
    expect(await streamIds(h.redis, user.inbox("2"))).toEqual([kept.msgId]);
    expect(await streamIds(h.redis, conv.messages("r1"))).toEqual([]);
    expect(await streamIds(h.redis, conv.messages("everyone"))).toEqual([]);
    const history = await store.history({ userId: "2", peer: "1", limit: 10 });
    expect(history.map((message) => message.text)).toEqual(["new private"]);
    // A member back with a position before the swept room message is told it was trimmed (history_trimmed), also
    // now that the sweep emptied the stream; one that had it is not (sec23: neither was, with no entry left).
    const beforeOld = String(BigInt(old[1]!.msgId) - 1n);
    expect([await store.trimmedAfter("r1", beforeOld), await store.trimmedAfter("r1", old[1]!.msgId)]).toEqual([true, false]);
    // Other keys of the conversations are left alone, and a stream emptied still takes newer messages.
    expect(await h.redis.exists(conv.roomMeta("r1"))).toBe(1);
    const after = await send(store, { from: "1", room: "r1", text: "room again" });
    expect(await streamIds(h.redis, conv.messages("r1"))).toEqual([after.msgId]);
  });

  it("a stream swept empty and written to again tells a reader at its newest swept message that it lost nothing", async () => {
    const store = new MessageStore(h.redis);
    await accountIn(h.redis, "1", "2");
    await roomIn(h.redis, "r1", "1", "2");
    const swept = [];
    for (const text of ["one", "two"]) swept.push({ room: await send(store, { from: "1", room: "r1", text }), private: await send(store, { from: "1", to: "2", text }) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sweepOldMessages(h.redis, 3600, Date.now() + 3_600_000);
    expect(await streamIds(h.redis, conv.messages("r1"))).toEqual([]);
    expect(await streamIds(h.redis, user.inbox("2"))).toEqual([]);
    const written = { room: await send(store, { from: "2", room: "r1", text: "again" }), private: await send(store, { from: "1", to: "2", text: "again" }) };
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 10_000, maxAgeSeconds: 0 });
    const [first, last] = [swept[0]!, swept[1]!];
    // A room member and a device of the recipient: before the newest swept message, at it, at the new one.
    expect([await store.trimmedAfter("r1", first.room.msgId), await store.trimmedAfter("r1", last.room.msgId), await store.trimmedAfter("r1", written.room.msgId)]).toEqual([true, false, false]);
    expect([await inboxes.trimmedAfter("2", first.private.msgId), await inboxes.trimmedAfter("2", last.private.msgId), await inboxes.trimmedAfter("2", written.private.msgId)]).toEqual([true, false, false]);
  });

  it("does nothing without an age limit", async () => {
    const store = new MessageStore(h.redis);
    await accountIn(h.redis, "1", "2");
    const message = await send(store, { from: "1", to: "2", text: "kept" });
    expect(await sweepOldMessages(h.redis, 0, Date.now() + 86_400_000 * 365)).toEqual({ streams: 0, trimmed: 0 });
    expect(await streamIds(h.redis, user.inbox("2"))).toEqual([message.msgId]);
  });
});
