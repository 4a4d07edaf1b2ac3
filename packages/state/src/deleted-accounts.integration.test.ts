// Deleted accounts against a real redis-server: a send, read, receipt, join, invitation or block checked before the
// deletion and stored after it (an HTTP request in flight, a gateway's Send held for its resend, an account remembered
// as existing) writes no key of the deleted user again, on the single-Redis batch path and on the per-step path of a
// cluster.
import { describe, expect, it } from "vitest";
import { AccountStore } from "./accounts.js";
import { BlockStore } from "./blocks.js";
import { conv, user } from "./keys.js";
import { MessageStore } from "./messages.js";
import { account, pair, send, streamIds } from "./message-test-support.js";
import { ReadStore } from "./reads.js";
import { ReceiptStore } from "./receipts.js";
import { RoomStore } from "./rooms.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

/** The user's own `cim-u:{u:<id>}:*` keys (CONTRACT: none stays after a deletion). */
const ownKeys = (userId: string) => h.redis.keys(`cim-u:{u:${userId}}:*`);
/** A store that remembers accounts for a minute: its check of the recipient was made before the deletion. */
const storeOf = (batchPrivate: boolean) => new MessageStore(h.redis, { batchPrivate, accountKnownMs: 60_000 });
const store = (s: MessageStore, from: string, to: string, clientMsgId: string) => s.store({ clientMsgId, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text: "hi", to });

describe.each([["batched (single Redis)", true], ["step by step (cluster)", false]])("a private message stored after a deletion, %s", (_, batchPrivate) => {
  it("to the deleted user: refused as unknown_recipient, and none of its keys is written again", async () => {
    await account(h.redis, "1", "2");
    const messages = storeOf(batchPrivate);
    await send(messages, { from: "1", to: "2" }); // the store now remembers that 2 exists
    expect(await ownKeys("2")).not.toEqual([]);
    await new AccountStore(h.redis).remove("2");
    expect(await ownKeys("2")).toEqual([]);
    expect(await store(messages, "1", "2", "after")).toEqual({ error: "unknown_recipient" });
    expect(await ownKeys("2")).toEqual([]);
    expect((await streamIds(h.redis, user.inbox("1"))).length).toBe(1);
    // The resend of it is refused the same way.
    expect(await store(messages, "1", "2", "after")).toEqual({ error: "unknown_recipient" });
    expect(await ownKeys("2")).toEqual([]);
  });

  it("from the deleted user (its request checked before the deletion): refused as sender_gone, none of its keys written", async () => {
    await account(h.redis, "1", "2");
    const messages = storeOf(batchPrivate);
    await send(messages, { from: "1", to: "2" });
    await new AccountStore(h.redis).remove("1");
    expect(await store(messages, "1", "2", "last-words")).toEqual({ error: "sender_gone" });
    expect(await ownKeys("1")).toEqual([]);
    if (batchPrivate) expect((await streamIds(h.redis, pair("1", "2"))).length).toBe(1); // nothing stored at all
  });
});

describe("reads and receipts after a deletion", () => {
  it("a read position or a peer's receipt for the deleted user is not kept", async () => {
    await account(h.redis, "1", "2");
    await new AccountStore(h.redis).remove("2");
    expect(await new ReadStore(h.redis).setRead("2", "1", "100")).toBe(false);
    expect(await new ReceiptStore(h.redis).delivered("2", "1", "100")).toBe(false);
    expect(await new ReceiptStore(h.redis).read("2", "1", "100")).toBe(false);
    expect(await ownKeys("2")).toEqual([]);
    // The other user's keys are untouched by the mark.
    expect(await new ReadStore(h.redis).setRead("1", "2", "100")).toBe(true);
  });

  it("a join, an invitation, a room created or a block under way as the account was deleted writes none of its keys", async () => {
    await account(h.redis, "1", "2");
    const rooms = new RoomStore(h.redis);
    const blocks = new BlockStore(h.redis);
    const room = await rooms.create({ name: "club", visibility: "public", owner: "1" });
    await new AccountStore(h.redis).remove("2");
    expect(await rooms.add(room.roomId, "2")).toEqual({ added: false, after: "0" });
    expect(await rooms.join(room.roomId, "2")).toEqual({ added: false, after: "0" });
    expect(await h.redis.smembers(conv.roomMembers(room.roomId))).toEqual(["1"]);
    // Kept in the room's history, the join that came is followed by its end.
    expect(await rooms.join(room.roomId, "2", { userName: "two" })).toEqual({ added: false, after: "0" });
    expect((await rooms.events(room.roomId)).map((e) => `${e.kind} ${e.userName}`)).toEqual(["joined two", "left two"]);
    const own = await rooms.create({ name: "ghost", visibility: "private", owner: "2" });
    expect(await h.redis.smembers(conv.roomMembers(own.roomId))).toEqual([]);
    await blocks.block("1", "2"); // the mirror on the deleted user's tag is not kept
    expect(await blocks.block("2", "1")).toEqual({ state: "unblocked", order: 0 });
    expect(await ownKeys("2")).toEqual([]);
    expect(await blocks.list("1")).toEqual({ ids: ["2"], order: 1 });
  });

  it("removeLeftovers deletes keys written before the mark existed, and leaves an existing account's alone", async () => {
    const accounts = new AccountStore(h.redis);
    await account(h.redis, "1", "2");
    await h.redis.del("cim-account:2"); // an account deleted by an older version: no mark, keys written after
    await h.redis.hset(user.read("2"), "1", "5");
    await new ReadStore(h.redis).setRead("1", "2", "5");
    expect(await accounts.removeLeftovers("2")).toBe(true);
    expect(await ownKeys("2")).toEqual([]);
    expect(await new ReadStore(h.redis).setRead("2", "1", "6")).toBe(false);
    expect(await accounts.removeLeftovers("1")).toBe(false);
    expect(await ownKeys("1")).toEqual([user.read("1")]);
  });
});
