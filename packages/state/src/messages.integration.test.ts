// MessageStore and its Lua script against a real redis-server: dedupe, msgId order, wake-ups, retention, reads.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { compareIds } from "@cim/protocol";
import { channels, keys } from "./keys.js";
import { MessageStore, type StoredMessage } from "./messages.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

let counter = 0;
/** Stores one message with a fresh clientMsgId unless one is given. */
async function send(
  store: MessageStore,
  input: { from?: string; to?: string; text?: string; clientMsgId?: string },
): Promise<StoredMessage> {
  const from = input.from ?? "1";
  const result = await store.store({
    clientMsgId: input.clientMsgId ?? `c-${++counter}`,
    from,
    fromName: `user${from}`,
    to: input.to ?? "",
    text: input.text ?? "hi",
  });
  if (!result) throw new Error(`store refused a message to ${input.to}`);
  return result.message;
}

async function account(userId: string): Promise<void> {
  await h.redis.hset(keys.account(userId), { userName: `user${userId}`, passwordHash: "x", createdAt: "0" });
}

const streamIds = async (key: string) => (await h.redis.xrange(key, "-", "+")).map(([id]) => id);

describe("storing", () => {
  it("a resent clientMsgId is stored once and acked again with the first msgId and ts", async () => {
    const store = new MessageStore(h.redis);
    await account("2");
    const first = await store.store({ clientMsgId: "same", from: "1", fromName: "one", to: "", text: "hello" });
    const again = await store.store({ clientMsgId: "same", from: "1", fromName: "one", to: "", text: "hello" });
    expect(first?.duplicate).toBe(false);
    expect(again?.duplicate).toBe(true);
    expect(again?.message).toEqual(first?.message);
    expect(await streamIds(keys.groupStream)).toEqual([`${first!.message.msgId}-0`]);
    expect(await store.count()).toBe(1);

    const p1 = await store.store({ clientMsgId: "same-p", from: "1", fromName: "one", to: "2", text: "psst" });
    const p2 = await store.store({ clientMsgId: "same-p", from: "1", fromName: "one", to: "2", text: "psst" });
    expect(p2).toEqual({ message: p1!.message, duplicate: true });
    expect(await streamIds(keys.inbox("2"))).toEqual([`${p1!.message.msgId}-0`]);
    expect(await streamIds(keys.privateStream("1", "2"))).toEqual([`${p1!.message.msgId}-0`]);
  });

  it("the same clientMsgId from two senders is two messages; the dedupe record expires after its TTL", async () => {
    const store = new MessageStore(h.redis, { dedupeTtlSeconds: 30 });
    const a = await send(store, { from: "1", clientMsgId: "x" });
    const b = await send(store, { from: "2", clientMsgId: "x" });
    expect(a.msgId).not.toBe(b.msgId);
    const ttl = await h.redis.ttl(keys.dedupe("1", "x"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it("a private message to a user without an account is refused and stores nothing", async () => {
    const store = new MessageStore(h.redis);
    expect(await store.store({ clientMsgId: "c", from: "1", fromName: "one", to: "404", text: "anyone?" })).toBeNull();
    expect(await h.redis.exists(keys.inbox("404"), keys.privateStream("1", "404"), keys.dedupe("1", "c"), keys.messageSeq)).toBe(0);
  });

  it("a private message is in the pair's stream and the recipient's inbox under one msgId, both directions share the stream", async () => {
    const store = new MessageStore(h.redis);
    await account("1");
    await account("10");
    const there = await send(store, { from: "1", to: "10", text: "there" });
    const back = await send(store, { from: "10", to: "1", text: "back" });
    expect(keys.privateStream("10", "1")).toBe(keys.privateStream("1", "10"));
    expect(await streamIds(keys.privateStream("1", "10"))).toEqual([`${there.msgId}-0`, `${back.msgId}-0`]);
    expect((await store.readInbox("10", "0", 10)).map((m) => m.text)).toEqual(["there"]);
    expect((await store.readInbox("1", "", 10)).map((m) => m.text)).toEqual(["back"]);
    // What is read back is what the store answered.
    expect(await store.readInbox("1", "", 10)).toEqual([back]);
    expect(back).toMatchObject({ from: "10", fromName: "user10", to: "1", text: "back" });
  });
});

describe("msgIds", () => {
  it("are unique and strictly increase in each stream while two connections store into several conversations at once", async () => {
    const stores = [new MessageStore(h.redis), new MessageStore(h.connect("second-writer"))];
    for (const id of ["1", "2", "3"]) await account(id);
    const writes: Promise<StoredMessage>[] = [];
    for (let i = 0; i < 300; i++) {
      const to = ["", "2", "3"][i % 3]!;
      writes.push(send(stores[i % 2]!, { from: "1", to, text: `m${i}` }));
    }
    const stored = await Promise.all(writes);
    const ids = stored.map((m) => m.msgId);
    expect(new Set(ids).size).toBe(300);
    for (const id of ids) expect(id).toMatch(/^[1-9][0-9]*$/);
    for (const key of [keys.groupStream, keys.inbox("2"), keys.inbox("3"), keys.privateStream("1", "2")]) {
      const inStream = (await streamIds(key)).map((id) => id.split("-")[0]!);
      expect(inStream.length).toBe(100);
      expect([...inStream].sort(compareIds)).toEqual(inStream);
    }
    expect(await h.redis.get(keys.messageSeq)).toBe([...ids].sort(compareIds).at(-1));
    // msgIds are microseconds since the epoch; ts is the same instant in milliseconds.
    for (const m of stored) expect(m.ts).toBe(Math.floor(Number(m.msgId) / 1000));
    expect(Math.abs(stored[0]!.ts - Date.now())).toBeLessThan(60_000);
  });

  it("go on past the last one when the clock is behind it", async () => {
    const store = new MessageStore(h.redis);
    const ahead = (Date.now() + 3_600_000) * 1000;
    await h.redis.set(keys.messageSeq, String(ahead));
    const a = await send(store, {});
    const b = await send(store, {});
    expect(a.msgId).toBe(String(ahead + 1));
    expect(b.msgId).toBe(String(ahead + 2));
  });
});

describe("wake-ups", () => {
  it("group messages wake every gateway with the message and the group id before it; private ones wake only the recipient's gateway", async () => {
    const store = new MessageStore(h.redis);
    await account("2");
    await account("3");
    await h.redis.set(keys.route("2"), "gw-x");
    const heard: Array<{ channel: string; payload: Record<string, unknown> }> = [];
    const sub = h.connect("subscriber");
    sub.on("message", (channel: string, payload: string) =>
      heard.push({ channel, payload: JSON.parse(payload) as Record<string, unknown> }),
    );
    await sub.subscribe(channels.all, channels.gateway("gw-x"), channels.gateway("gw-y"));

    const g1 = await send(store, { text: "g1" });
    const g2 = await send(store, { text: "g2" });
    const p1 = await send(store, { to: "2", text: "p1", clientMsgId: "p1" });
    await send(store, { to: "3", text: "to offline 3" });
    const p2 = await send(store, { to: "2", text: "p2" });
    await send(store, { to: "2", text: "p1", clientMsgId: "p1" }); // resent

    await waitUntil(() => heard.length >= 5, 5_000, "five wake-ups");
    expect(heard[0]).toMatchObject({
      channel: channels.all,
      payload: { type: "group", prev: "0", message: { msgId: g1.msgId, text: "g1", from: "1", to: "" } },
    });
    expect(heard[1]).toMatchObject({ channel: channels.all, payload: { type: "group", prev: g1.msgId, message: { msgId: g2.msgId } } });
    expect(heard[2]).toMatchObject({
      channel: channels.gateway("gw-x"),
      payload: { type: "inbox", userId: "2", prev: "0", message: { msgId: p1.msgId, to: "2" } },
    });
    // The private message to user 3 (no route) woke nobody; the prev of p2 is the inbox's, not the group's.
    expect(heard[3]).toMatchObject({
      channel: channels.gateway("gw-x"),
      payload: { type: "inbox", userId: "2", prev: p1.msgId, message: { msgId: p2.msgId } },
    });
    expect(heard[4]).toEqual({ channel: channels.gateway("gw-x"), payload: { type: "inbox", userId: "2" } });
    expect(heard.length).toBe(5);
  });
});

describe("retention", () => {
  it("keeps about CIM_STREAM_MAXLEN messages per stream, oldest dropped, and says when a reader's point was trimmed away", async () => {
    // Small stream nodes make the approximate MAXLEN trim (whole nodes only) tight: 100 to 109 kept.
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const store = new MessageStore(h.redis, { maxLenPerStream: 100 });
    await account("2");
    const group: StoredMessage[] = [];
    const inbox: StoredMessage[] = [];
    for (let i = 0; i < 300; i++) {
      group.push(await send(store, { text: `g${i}` }));
      inbox.push(await send(store, { to: "2", text: `p${i}` }));
    }
    const kept = await store.readGroup("0", 1_000);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(110);
    expect(kept.map((m) => m.msgId)).toEqual(group.slice(-kept.length).map((m) => m.msgId));
    expect(await h.redis.xlen(keys.inbox("2"))).toBeLessThan(110);
    expect(await h.redis.xlen(keys.privateStream("1", "2"))).toBeLessThan(110);

    expect(await store.trimmedAfter("group", group[0]!.msgId)).toBe(true);
    expect(await store.trimmedAfter("group", "0")).toBe(true);
    expect(await store.trimmedAfter("group", kept[0]!.msgId)).toBe(false);
    expect(await store.trimmedAfter("group", group.at(-1)!.msgId)).toBe(false);
    expect(await store.trimmedAfter({ inboxOf: "2" }, inbox[0]!.msgId)).toBe(true);
    expect(await store.trimmedAfter({ inboxOf: "2" }, inbox.at(-1)!.msgId)).toBe(false);
    expect(await store.trimmedAfter({ inboxOf: "404" }, "0")).toBe(false);
    // A reader whose point was trimmed away reads on from the oldest message left.
    expect((await store.readGroup(group[0]!.msgId, 1))[0]?.msgId).toBe(kept[0]!.msgId);
  });

  it("with an age limit, drops messages older than it (and keeps them without one)", async () => {
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const aged = new MessageStore(h.redis, { maxAgeSeconds: 1 });
    const old: StoredMessage[] = [];
    for (let i = 0; i < 50; i++) old.push(await send(aged, { text: `old ${i}` }));
    // The next msgId lies 10 s ahead: everything stored so far is older than the 1 s limit.
    await h.redis.set(keys.messageSeq, String((Date.now() + 10_000) * 1000));
    const fresh = await send(aged, { text: "fresh" });
    const left = await aged.readGroup("0", 100);
    expect(left.length).toBeLessThanOrEqual(10);
    expect(left.at(-1)?.msgId).toBe(fresh.msgId);
    expect(await aged.trimmedAfter("group", old[0]!.msgId)).toBe(true);

    await h.redis.del(keys.groupStream);
    const keeping = new MessageStore(h.redis, { maxAgeSeconds: 0 });
    for (let i = 0; i < 20; i++) await send(keeping, { text: `kept ${i}` });
    await h.redis.set(keys.messageSeq, String((Date.now() + 20_000) * 1000));
    await send(keeping, { text: "later" });
    expect((await keeping.readGroup("0", 100)).length).toBe(21);
  });
});

describe("reads and cursors", () => {
  it("readGroup returns what follows a cursor in order, in pages; lastGroupId is the newest", async () => {
    const store = new MessageStore(h.redis);
    expect(await store.lastGroupId()).toBe("0");
    expect(await store.readGroup("0", 10)).toEqual([]);
    const sent: StoredMessage[] = [];
    for (let i = 0; i < 25; i++) sent.push(await send(store, { text: `m${i}` }));
    expect(await store.lastGroupId()).toBe(sent.at(-1)!.msgId);
    const pages: StoredMessage[] = [];
    let cursor = "";
    for (;;) {
      const page = await store.readGroup(cursor, 10);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(10);
      pages.push(...page);
      cursor = page.at(-1)!.msgId;
    }
    expect(pages).toEqual(sent);
    expect(await store.readGroup(sent[24]!.msgId, 10)).toEqual([]);
  });

  it("history pages backwards from `before`, oldest first in each page", async () => {
    const store = new MessageStore(h.redis);
    await account("1");
    await account("2");
    const sent: StoredMessage[] = [];
    for (let i = 0; i < 7; i++)
      sent.push(await send(store, i % 2 ? { from: "2", to: "1", text: `${i}` } : { from: "1", to: "2", text: `${i}` }));
    await send(store, { text: "group, not in the pair's history" });
    const newest = await store.history({ userId: "1", peer: "2", limit: 3 });
    expect(newest.map((m) => m.text)).toEqual(["4", "5", "6"]);
    const older = await store.history({ userId: "2", peer: "1", before: newest[0]!.msgId, limit: 3 });
    expect(older.map((m) => m.text)).toEqual(["1", "2", "3"]);
    expect((await store.history({ userId: "1", limit: 10 })).map((m) => m.text)).toEqual(["group, not in the pair's history"]);
  });

  it("readInbox returns a user's private messages after a cursor, and no one else's", async () => {
    const store = new MessageStore(h.redis);
    await account("2");
    await account("3");
    const a = await send(store, { to: "2", text: "a" });
    await send(store, { to: "3", text: "for 3" });
    await send(store, { text: "group" });
    const b = await send(store, { from: "3", to: "2", text: "b" });
    expect((await store.readInbox("2", "0", 10)).map((m) => m.text)).toEqual(["a", "b"]);
    expect((await store.readInbox("2", a.msgId, 10)).map((m) => m.text)).toEqual(["b"]);
    expect(await store.readInbox("2", b.msgId, 10)).toEqual([]);
    expect((await store.readInbox("2", "0", 1)).map((m) => m.text)).toEqual(["a"]);
  });
});
