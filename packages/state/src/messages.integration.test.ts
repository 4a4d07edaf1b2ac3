// MessageStore and its scripts against a real redis-server: dedupe, membership, msgIds per conversation,
// idempotent steps of a private message, wake-ups, retention, history and counts.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { compareIds } from "@cim/protocol";
import { InboxStore } from "./inbox.js";
import { channels, conv, keys, user } from "./keys.js";
import { MessageStore, type StoredMessage } from "./messages.js";
import { recordFields } from "./records.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

let counter = 0;
interface SendInput {
  from?: string;
  to?: string;
  room?: string;
  text?: string;
  clientMsgId?: string;
  dev?: string;
}

/** Stores one message with a fresh clientMsgId unless one is given; fails the test on a refusal. */
async function send(store: MessageStore, input: SendInput): Promise<StoredMessage> {
  const from = input.from ?? "1";
  const target = input.to ? { to: input.to } : input.room ? { room: input.room } : {};
  const result = await store.store({ clientMsgId: input.clientMsgId ?? `c-${++counter}`, from, fromName: `user${from}`, fromDevice: input.dev ?? `dev-${from}`, text: input.text ?? "hi", ...target });
  if ("error" in result) throw new Error(`store refused: ${result.error}`);
  return result.message;
}

async function account(...userIds: string[]): Promise<void> {
  for (const userId of userIds) await h.redis.hset(keys.account(userId), { userName: `user${userId}`, passwordHash: "x", createdAt: "0" });
}

async function room(roomId: string, ...members: string[]): Promise<void> {
  await h.redis.hset(conv.roomMeta(roomId), { name: roomId, visibility: "public", owner: members[0] ?? "", createdAt: "0" });
  if (members.length) await h.redis.sadd(conv.roomMembers(roomId), ...members);
}

const streamIds = async (key: string) => (await h.redis.xrange(key, "-", "+")).map(([id]) => id.split("-")[0]!);
const everyone = conv.messages("everyone");
const pair = (a: string, b: string) => conv.messages(conv.ofPair(a, b));

describe("storing", () => {
  it("a resent clientMsgId is stored once and acked again with the first msgId and ts, in every kind of conversation", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    await room("r1", "1");
    for (const target of [{}, { room: "r1" }, { room: "everyone" }, { to: "2" }]) {
      const input = { clientMsgId: `same-${JSON.stringify(target)}`, from: "1", fromName: "one", fromDevice: "d1", text: "hello", ...target };
      const first = await store.store(input);
      const again = await store.store(input);
      expect(first).toMatchObject({ duplicate: false });
      expect(again).toEqual({ ...first, duplicate: true });
    }
    expect((await streamIds(everyone)).length).toBe(2); // the group twice: without room, and as "everyone"
    expect((await streamIds(conv.messages("r1"))).length).toBe(1);
    expect((await streamIds(pair("1", "2"))).length).toBe(1);
    expect((await streamIds(user.inbox("2"))).length).toBe(1);
    expect((await streamIds(user.inbox("1"))).length).toBe(1);
    expect(await store.count()).toBe(4);
  });

  it("the same clientMsgId from two senders is two messages; the dedupe record expires after its TTL", async () => {
    const store = new MessageStore(h.redis, { dedupeTtlSeconds: 30 });
    const a = await send(store, { from: "1", clientMsgId: "x" });
    const b = await send(store, { from: "2", clientMsgId: "x" });
    expect(a.msgId).not.toBe(b.msgId);
    const ttl = await h.redis.ttl(conv.dedupe("everyone", "1", "x"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it("a private message to a user without an account is refused and stores nothing", async () => {
    const store = new MessageStore(h.redis);
    expect(await store.store({ clientMsgId: "c", from: "1", fromName: "one", fromDevice: "", to: "404", text: "anyone?" })).toEqual({ error: "unknown_recipient" });
    expect(await h.redis.dbsize()).toBe(0);
  });

  it("a room message from a non-member is refused with not_member and stores nothing; members and everyone need no more", async () => {
    const store = new MessageStore(h.redis);
    await room("r7", "1", "2");
    expect(await store.store({ clientMsgId: "c", from: "3", fromName: "three", fromDevice: "", room: "r7", text: "let me in" })).toEqual({ error: "not_member" });
    expect(await h.redis.exists(conv.messages("r7"), conv.dedupe("r7", "3", "c"), keys.messageCount)).toBe(0);
    expect(await store.store({ clientMsgId: "c", from: "3", fromName: "three", fromDevice: "", room: "r404", text: "no such room" })).toEqual({ error: "not_member" });
    const inRoom = await send(store, { from: "2", room: "r7", text: "member" });
    expect(inRoom).toMatchObject({ from: "2", fromName: "user2", to: "", room: "r7", text: "member" });
    const group = await send(store, { from: "3", room: "everyone", text: "group" });
    expect(group).toMatchObject({ to: "", room: "", text: "group" });
    expect(await store.history({ userId: "1", room: "r7", limit: 10 })).toEqual([inRoom]);
    expect(await store.history({ userId: "1", limit: 10 })).toEqual([group]);
  });

  it("a private message is in the pair's stream and both users' inboxes under one msgId, with its device", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 100, maxAgeSeconds: 0 });
    await account("1", "10");
    const there = await send(store, { from: "1", to: "10", text: "there", dev: "phone" });
    const back = await send(store, { from: "10", to: "1", text: "back", dev: "" });
    expect(conv.ofPair("10", "1")).toBe(conv.ofPair("1", "10"));
    expect(await streamIds(pair("1", "10"))).toEqual([there.msgId, back.msgId]);
    for (const userId of ["1", "10"]) {
      const entries = await inboxes.read(userId, "0", 10);
      expect(entries.map((e) => e.message)).toEqual([there, back]);
      expect(entries.map((e) => e.dev)).toEqual(["phone", ""]);
      expect(entries.map((e) => e.position)).toEqual([there.msgId, back.msgId]);
    }
    expect(await h.redis.zrange(user.peers("1"), 0, -1, "WITHSCORES")).toEqual(["10", back.msgId]);
    expect(await store.history({ userId: "10", peer: "1", limit: 10 })).toEqual([there, back]);
  });

  it("a private message stored in its conversation but never noted in the inboxes (a crash in between) is healed by the resend", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const record = { from: "1", fromName: "user1", to: "2", room: "", text: "half" };
    // Step 2 alone, as a gateway that died right after it would have left it.
    const [stored] = await h.redis.cimStorePrivate(pair("1", "2"), conv.dedupe(conv.ofPair("1", "2"), "1", "k"), "100", "0", "60", ...recordFields(record, "d"));
    expect(await h.redis.exists(user.inbox("2"), user.inbox("1"))).toBe(0);
    const resent = await store.store({ clientMsgId: "k", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "half" });
    expect(resent).toMatchObject({ duplicate: true, message: { msgId: stored.split(":")[0], text: "half" } });
    expect(await streamIds(user.inbox("2"))).toEqual([stored.split(":")[0]]);
    expect(await streamIds(user.inbox("1"))).toEqual([stored.split(":")[0]]);
    // And once more: still one entry each.
    await store.store({ clientMsgId: "k", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "half" });
    expect((await streamIds(user.inbox("2"))).length).toBe(1);
  });
});

describe("msgIds", () => {
  it("are unique and strictly increase in each conversation while two connections store into several at once", async () => {
    const stores = [new MessageStore(h.redis), new MessageStore(h.connect("second-writer"))];
    await account("1", "2", "3");
    await room("r1", "1");
    const targets: SendInput[] = [{}, { to: "2" }, { to: "3" }, { room: "r1" }];
    const stored = await Promise.all(Array.from({ length: 400 }, (_, i) => send(stores[i % 2]!, { from: "1", ...targets[i % 4], text: `m${i}` })));
    for (const id of stored.map((m) => m.msgId)) expect(id).toMatch(/^[1-9][0-9]*$/);
    for (const key of [everyone, pair("1", "2"), pair("1", "3"), conv.messages("r1"), user.inbox("2"), user.inbox("1")]) {
      const ids = await streamIds(key);
      expect(ids.length).toBe(key === user.inbox("1") ? 200 : 100);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort(compareIds)).toEqual(ids);
    }
    // msgIds are microseconds since the epoch; ts is the same instant in milliseconds.
    for (const m of stored) expect(m.ts).toBe(Math.floor(Number(m.msgId) / 1000));
    expect(Math.abs(stored[0]!.ts - Date.now())).toBeLessThan(60_000);
    expect(await h.redis.exists("cim-msg-seq")).toBe(0);
  });

  it("go on past the conversation's newest when the clock is behind it, in that conversation only", async () => {
    const store = new MessageStore(h.redis);
    const ahead = (Date.now() + 3_600_000) * 1000;
    await h.redis.xadd(everyone, `${ahead}-0`, "from", "9", "text", "from the future");
    const a = await send(store, {});
    const b = await send(store, {});
    expect([a.msgId, b.msgId]).toEqual([String(ahead + 1), String(ahead + 2)]);
    await room("r2", "1");
    expect(compareIds((await send(store, { room: "r2" })).msgId, String(ahead))).toBeLessThan(0);
  });

  it("an inbox notes a message older than its newest entry one past that entry, and maps the msgId to it", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 100, maxAgeSeconds: 0 });
    await account("1", "2", "3");
    const newer = await send(store, { from: "3", to: "2", text: "newer" });
    // A message of another chat whose msgId is older, noted after it (as two senders racing would).
    const older = { msgId: String(Number(newer.msgId) - 500), from: "1", fromName: "user1", to: "2", room: "", text: "older", ts: 0 };
    const position = await inboxes.append("2", "1", older, "");
    expect(position).toBe(String(Number(newer.msgId) + 1));
    expect(await inboxes.append("2", "1", older, "")).toBe(position); // idempotent
    expect((await inboxes.read("2", "0", 10)).map((e) => [e.position, e.message.msgId])).toEqual([[newer.msgId, newer.msgId], [position, older.msgId]]);
    expect(await inboxes.positionOf("2", older.msgId)).toBe(position);
    expect(await inboxes.positionOf("2", newer.msgId)).toBe(newer.msgId);
    expect(await inboxes.positionOf("2", "123")).toBe("123"); // held by no entry: taken as a position
    expect(await inboxes.msgIdAt("2", position)).toBe(older.msgId);
    expect(await inboxes.msgIdAt("2", "0")).toBe("0");
  });
});

describe("wake-ups", () => {
  it("rooms wake their channel, everyone all gateways, private messages each gateway of the recipient and of the sender", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await room("r5", "1");
    await h.redis.hset(user.gateways("2"), "gw-x", "1", "gw-y", "2");
    await h.redis.hset(user.gateways("1"), "gw-y", "1");
    const heard: Array<{ channel: string; payload: Record<string, unknown> }> = [];
    const sub = h.connect("subscriber");
    sub.on("message", (channel: string, payload: string) => heard.push({ channel, payload: JSON.parse(payload) as Record<string, unknown> }));
    await sub.subscribe(channels.all, channels.room("r5"), channels.gateway("gw-x"), channels.gateway("gw-y"));

    const g1 = await send(store, { text: "g1", dev: "d1" });
    const g2 = await send(store, { text: "g2 \"quoted\" \u0000 \ud800 / ✓", dev: "d1" });
    const r1 = await send(store, { room: "r5", text: "r1" });
    const p1 = await send(store, { to: "2", text: "p1", clientMsgId: "p1", dev: "d1" });
    await send(store, { to: "3", text: "to offline 3" }); // wakes only gw-y, for the sender
    await send(store, { to: "2", text: "p1", clientMsgId: "p1", dev: "d1" }); // resent

    await waitUntil(() => heard.length >= 10, 5_000, "ten wake-ups");
    expect(heard[0]).toEqual({ channel: channels.all, payload: { type: "roomMessage", room: "everyone", prev: "0", dev: "d1", message: g1 } });
    expect(heard[1]).toEqual({ channel: channels.all, payload: { type: "roomMessage", room: "everyone", prev: g1.msgId, dev: "d1", message: g2 } });
    expect(g2.text).toBe("g2 \"quoted\" \u0000 \ufffd / ✓"); // a lone surrogate is stored as U+FFFD, and answered so
    expect((await store.history({ userId: "1", limit: 2 }))[1]).toEqual(g2);
    expect(heard[2]).toEqual({ channel: channels.room("r5"), payload: { type: "roomMessage", room: "r5", prev: "0", dev: "dev-1", message: r1 } });
    const privates = heard.slice(3).map(({ channel, payload }) => `${channel} ${String(payload.userId)} ${String(payload.prev)} ${String(payload.entry)}`);
    expect(privates.slice(0, 3).sort()).toEqual([
      `cim-bus:gw:gw-x 2 0 ${p1.msgId}`, `cim-bus:gw:gw-y 1 0 ${p1.msgId}`, `cim-bus:gw:gw-y 2 0 ${p1.msgId}`,
    ]);
    expect(heard[3]!.payload).toMatchObject({ type: "inbox", dev: "d1", message: p1 });
    expect(privates[3]).toMatch(/^cim-bus:gw:gw-y 1 /); // the message to 3: only the sender's gateway
    // The resend wakes again without a prev: readers read the inbox.
    expect(privates.slice(4).sort()).toEqual([`cim-bus:gw:gw-x 2  ${p1.msgId}`, `cim-bus:gw:gw-y 1  ${p1.msgId}`, `cim-bus:gw:gw-y 2  ${p1.msgId}`]);
  });
});

describe("retention", () => {
  it("keeps about CIM_STREAM_MAXLEN messages per stream, oldest dropped, and says when a reader's point was trimmed away", async () => {
    // Small stream nodes make the approximate MAXLEN trim (whole nodes only) tight: 100 to 109 kept.
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const store = new MessageStore(h.redis, { maxLenPerStream: 100 });
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 100, maxAgeSeconds: 0 });
    await account("2");
    const group: StoredMessage[] = [];
    const inbox: StoredMessage[] = [];
    for (let i = 0; i < 300; i++) {
      group.push(await send(store, { text: `g${i}` }));
      inbox.push(await send(store, { to: "2", text: `p${i}` }));
    }
    const kept = (await store.readRoom("everyone", "0", 1_000)).map((e) => e.message);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(110);
    expect(kept.map((m) => m.msgId)).toEqual(group.slice(-kept.length).map((m) => m.msgId));
    for (const key of [user.inbox("2"), user.inbox("1"), pair("1", "2")]) expect(await h.redis.xlen(key)).toBeLessThan(110);

    expect(await store.trimmedAfter("everyone", group[0]!.msgId)).toBe(true);
    expect(await store.trimmedAfter("everyone", "0")).toBe(true);
    expect(await store.trimmedAfter("everyone", kept[0]!.msgId)).toBe(false);
    expect(await store.trimmedAfter("everyone", group.at(-1)!.msgId)).toBe(false);
    expect(await inboxes.trimmedAfter("2", inbox[0]!.msgId)).toBe(true);
    expect(await inboxes.trimmedAfter("2", inbox.at(-1)!.msgId)).toBe(false);
    expect(await inboxes.trimmedAfter("404", "0")).toBe(false);
    expect(await store.trimmedAfter("r9", "0")).toBe(false);
    // A reader whose point was trimmed away reads on from the oldest message left.
    expect((await store.readRoom("everyone", group[0]!.msgId, 1))[0]?.message.msgId).toBe(kept[0]!.msgId);
  });

  it("with an age limit, drops messages older than it (and keeps them without one)", async () => {
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const aged = new MessageStore(h.redis, { maxAgeSeconds: 1 });
    const old: StoredMessage[] = [];
    for (let i = 0; i < 50; i++) old.push(await send(aged, { text: `old ${i}` }));
    // The next msgId lies 10 s ahead: everything stored so far is older than the 1 s limit.
    await h.redis.xadd(everyone, `${(Date.now() + 10_000) * 1000}-0`, "text", "ahead");
    const fresh = await send(aged, { text: "fresh" });
    const left = await aged.readRoom("everyone", "0", 100);
    expect(left.length).toBeLessThanOrEqual(11);
    expect(left.at(-1)?.message.msgId).toBe(fresh.msgId);
    expect(await aged.trimmedAfter("everyone", old[0]!.msgId)).toBe(true);

    await h.redis.del(everyone);
    const keeping = new MessageStore(h.redis, { maxAgeSeconds: 0 });
    for (let i = 0; i < 20; i++) await send(keeping, { text: `kept ${i}` });
    await h.redis.xadd(everyone, `${(Date.now() + 20_000) * 1000}-0`, "text", "ahead");
    await send(keeping, { text: "later" });
    expect((await keeping.readRoom("everyone", "0", 100)).length).toBe(22);
  });
});

describe("reads", () => {
  it("readRoom returns what follows a position in order, in pages; newest is the last msgId", async () => {
    const store = new MessageStore(h.redis);
    expect(await store.newest({ userId: "1", conversation: "everyone" })).toBe("0");
    expect(await store.readRoom("everyone", "0", 10)).toEqual([]);
    const sent: StoredMessage[] = [];
    for (let i = 0; i < 25; i++) sent.push(await send(store, { text: `m${i}`, dev: "d" }));
    expect(await store.newest({ userId: "1", conversation: "everyone" })).toBe(sent.at(-1)!.msgId);
    const pages: StoredMessage[] = [];
    let cursor = "";
    for (;;) {
      const page = await store.readRoom("everyone", cursor, 10);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(10);
      expect(page.every((e) => e.dev === "d" && e.position === e.message.msgId)).toBe(true);
      pages.push(...page.map((e) => e.message));
      cursor = page.at(-1)!.position;
    }
    expect(pages).toEqual(sent);
  });

  it("history pages backwards from `before`, oldest first in each page, per conversation", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const sent: StoredMessage[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(store, i % 2 ? { from: "2", to: "1", text: `${i}` } : { from: "1", to: "2", text: `${i}` }));
    await send(store, { text: "group, not in the pair's history" });
    const newest = await store.history({ userId: "1", peer: "2", limit: 3 });
    expect(newest.map((m) => m.text)).toEqual(["4", "5", "6"]);
    const older = await store.history({ userId: "2", peer: "1", before: newest[0]!.msgId, limit: 3 });
    expect(older.map((m) => m.text)).toEqual(["1", "2", "3"]);
    expect((await store.history({ userId: "1", limit: 10 })).map((m) => m.text)).toEqual(["group, not in the pair's history"]);
    expect(await store.history({ userId: "1", room: "r3", limit: 10 })).toEqual([]);
  });

  it("counts unread messages from others after a position, up to a cap; holds says whether a conversation has a msgId", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    await room("r1", "1", "2");
    const mine = await send(store, { from: "1", room: "r1" });
    const theirs: StoredMessage[] = [];
    for (let i = 0; i < 5; i++) {
      theirs.push(await send(store, { from: "2", room: "r1" }));
      await send(store, { from: "1", room: "r1" });
    }
    const count = (after: string, cap = 1_000) => store.countUnread({ userId: "1", conversation: "r1", after, cap });
    expect(await count("0")).toBe(5);
    expect(await count(mine.msgId)).toBe(5);
    expect(await count(theirs[2]!.msgId)).toBe(2);
    expect(await count("0", 3)).toBe(3);
    expect(await store.countUnread({ userId: "2", conversation: "r1", after: "0", cap: 100 })).toBe(6);
    const p = await send(store, { from: "2", to: "1" });
    expect(await store.countUnread({ userId: "1", conversation: "2", after: "0", cap: 100 })).toBe(1);
    expect(await store.countUnread({ userId: "2", conversation: "1", after: "0", cap: 100 })).toBe(0);

    expect(await store.holds({ userId: "1", conversation: "r1", msgId: mine.msgId })).toBe(true);
    expect(await store.holds({ userId: "1", conversation: "everyone", msgId: mine.msgId })).toBe(false);
    expect(await store.holds({ userId: "1", conversation: "2", msgId: p.msgId })).toBe(true);
    expect(await store.holds({ userId: "2", conversation: "1", msgId: p.msgId })).toBe(true);
    expect(await store.holds({ userId: "1", conversation: "3", msgId: p.msgId })).toBe(false);
    expect(await store.holds({ userId: "1", conversation: "2", msgId: "99999999999999999999" })).toBe(false);
    expect(await store.newest({ userId: "2", conversation: "1" })).toBe(p.msgId);
  });
});
