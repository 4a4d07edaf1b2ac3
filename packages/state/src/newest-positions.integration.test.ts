// The newest entries of many streams at once (newestOf) against a real redis-server: the same answers as one read
// each, in batches, with and without a bound.
import { describe, expect, it } from "vitest";
import { MessageStore } from "./messages.js";
import { NEWEST_BATCH } from "./newest-positions.js";
import { account as accountIn, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("MessageStore.newestOf", () => {
  it("answers each conversation's newest msgId, at or before a bound, over more streams than one batch", async () => {
    const store = new MessageStore(h.redis);
    await accountIn(h.redis, "1", "2");
    const rooms = Array.from({ length: NEWEST_BATCH + 3 }, (_, i) => `r${100 + i}`);
    for (const roomId of rooms) await roomIn(h.redis, roomId, "1");
    const first = await send(store, { room: rooms[0]!, text: "one" });
    const last = await send(store, { room: rooms.at(-1)!, text: "last" });
    const peer = await send(store, { to: "2", text: "hi" });
    const after = await send(store, { room: rooms[0]!, text: "two" });
    const conversations = [...rooms, "2", "everyone"];
    const one = await Promise.all(conversations.map((conversation) => store.newest({ userId: "1", conversation })));
    const many = await store.newestOf("1", conversations);
    expect(many).toEqual(one);
    expect([many[0], many.at(-3), many.at(-2), many.at(-1), many[1]]).toEqual([after.msgId, last.msgId, peer.msgId, "0", "0"]);
    // At or before `last`: the first room's newer message does not count, the private one (after it) neither.
    const bounded = await store.newestOf("1", conversations, last.msgId);
    expect([bounded[0], bounded.at(-3), bounded.at(-2)]).toEqual([first.msgId, last.msgId, "0"]);
  });
});
