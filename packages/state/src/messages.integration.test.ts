// MessageStore and its scripts against a real redis-server: dedupe, membership, msgIds per conversation,
// idempotent steps of a private message, history and counts. (Wake-ups and retention: streams.integration.test.ts.)
import { Command } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { compareIds } from "@cim/protocol";
import { InboxStore } from "./inbox.js";
import { waitUntil } from "@cim/devstack";
import { parseClusterMessages } from "./bus.js";
import { BlockStore } from "./blocks.js";
import { channels, conv, keys, user } from "./keys.js";
import { MessageStore, UNREAD_SCAN, type StoredMessage } from "./messages.js";
import { account as accountIn, commandCalls, everyone, pair, room as roomIn, send, streamIds as streamIdsIn, type SendInput } from "./message-test-support.js";
import { recordFields } from "./records.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

const account = (...userIds: string[]) => accountIn(h.redis, ...userIds);
const room = (roomId: string, ...members: string[]) => roomIn(h.redis, roomId, ...members);
const streamIds = (key: string) => streamIdsIn(h.redis, key);

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

  it("counts a turn's messages once when ioredis sends the count again (after a reconnect, an applied command is re-sent)", async () => {
    const redis = h.connect("count");
    const sendCommand = redis.sendCommand.bind(redis);
    // The count's command goes twice, as a re-send after a reconnect does when Redis applied it but its answer was lost.
    redis.sendCommand = ((command: Command, stream?: never) => {
      const sent = sendCommand(command, stream);
      if (command.args.map(String).includes(keys.messageCount)) void (sendCommand(new Command(command.name, command.args), stream) as Promise<unknown>).catch(() => undefined);
      return sent;
    }) as typeof redis.sendCommand;
    const store = new MessageStore(redis);
    await Promise.all(["a", "b", "c"].map((clientMsgId) => send(store, { clientMsgId })));
    await send(store, { clientMsgId: "d" });
    expect(await store.count()).toBe(4);
    // Another store (another process) counts on: its batches are numbered apart.
    const other = new MessageStore(redis);
    await send(other, { clientMsgId: "e" });
    expect(await other.count()).toBe(5);
    // Private messages are counted by the script call that stores them (single Redis): that call goes twice too, and
    // the second finds them stored.
    await account("1", "2");
    await Promise.all(["p1", "p2"].map((clientMsgId) => send(store, { clientMsgId, to: "2" })));
    expect(await store.count()).toBe(7);
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
    const [stored] = await h.redis.cimStorePrivate(pair("1", "2"), conv.dedupe(conv.ofPair("1", "2"), "1", "k"), conv.deletions(conv.ofPair("1", "2")), conv.edits(conv.ofPair("1", "2")), "100", "0", "60", "", ...recordFields(record, "d"));
    expect(await h.redis.exists(user.inbox("2"), user.inbox("1"))).toBe(0);
    const resent = await store.store({ clientMsgId: "k", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "half" });
    expect(resent).toMatchObject({ duplicate: true, message: { msgId: stored.split(":")[0], text: "half" } });
    expect(await streamIds(user.inbox("2"))).toEqual([stored.split(":")[0]]);
    expect(await streamIds(user.inbox("1"))).toEqual([stored.split(":")[0]]);
    // And once more: still one entry each.
    await store.store({ clientMsgId: "k", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "half" });
    expect((await streamIds(user.inbox("2"))).length).toBe(1);
  });

  it("a resend with other text after the recipient's inbox trimmed the message notes the text its conversation holds, never the resend's", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    const first = await send(store, { from: "1", to: "2", text: "as first sent", clientMsgId: "t" });
    const later = await send(store, { from: "3", to: "2", text: "another chat" });
    // The inbox holds all of 2's chats: its length limit dropped the message, which its conversation keeps.
    await h.redis.xtrim(user.inbox("2"), "MINID", later.msgId);
    await store.store({ clientMsgId: "t", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "the resend's text" });
    const read = await new InboxStore(h.redis, { maxLenPerStream: 100, maxAgeSeconds: 0 }).read("2", "0", 10);
    expect(read.map(({ message }) => [message.msgId === first.msgId ? "first" : "later", message.text])).toEqual([["later", "another chat"], ["first", "as first sent"]]);
  });

  it("a resend after the recipient's inbox trimmed the message notes it again once: another resend finds that entry past 100 newer ones", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    const first = await send(store, { from: "1", to: "2", text: "as first sent", clientMsgId: "t" });
    const later = await send(store, { from: "3", to: "2", text: "another chat 0" });
    for (let i = 1; i < 120; i++) await send(store, { from: "3", to: "2", text: `another chat ${i}` });
    await h.redis.xtrim(user.inbox("2"), "MINID", later.msgId);
    for (let resend = 0; resend < 3; resend++) await store.store({ clientMsgId: "t", from: "1", fromName: "user1", fromDevice: "d", to: "2", text: "as first sent" });
    const entries = await h.redis.xrange(user.inbox("2"), "-", "+");
    const copies = entries.filter(([, fields]) => fields[fields.indexOf("msgId") + 1] === first.msgId);
    expect(copies.length).toBe(1);
    expect(entries.length).toBe(121);
  });
});

describe("private messages of one turn", () => {
  it("are stored with one script call in all, in order, a resend in the same turn being the duplicate", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await send(store, { from: "1", to: "2" }); // the account checks are remembered from here on
    await send(store, { from: "1", to: "3" });
    await h.redis.config("RESETSTAT");
    const input = (to: string, clientMsgId: string, text: string) => ({ clientMsgId, from: "1", fromName: "user1", fromDevice: "d", to, text });
    const results = await Promise.all([input("2", "a", "one"), input("3", "b", "two"), input("2", "a", "one"), input("2", "c", "three")].map((i) => store.store(i)));
    const scriptCalls = Number((await h.redis.info("commandstats")).match(/cmdstat_evalsha:calls=(\d+)/)?.[1]);
    expect(scriptCalls).toBe(1);
    // Each entry names the one before it (prev) from what the scripts read anyway: no stream is asked more for it.
    expect(await commandCalls(h.redis, "xinfo")).toBe(0);
    expect(results.map((r) => ("error" in r ? r.error : r.duplicate))).toEqual([false, false, true, false]);
    expect(results[2]).toEqual({ ...results[0], duplicate: true });
    const history = await store.history({ userId: "1", peer: "2", limit: 10 });
    expect(history.map((m) => m.text)).toEqual(["hi", "one", "three"]);
    expect((await streamIds(user.inbox("2"))).length).toBe(3);
    // The sender's inbox (its other devices) holds every message it sent, each once.
    expect((await streamIds(user.inbox("1"))).length).toBe(5);
  });
});

describe("the sender's own inbox wake-up", () => {
  it("goes to the sender's other gateways, and to the storing gateway in the store's answer instead of its channel", async () => {
    const store = new MessageStore(h.redis, { gatewayId: "gw-a" });
    await account("61", "62");
    await h.redis.hset(user.gateways("61"), { "gw-a": "1", "gw-b": "1" }); // the sender on both gateways
    await h.redis.hset(user.gateways("62"), { "gw-a": "1" }); // the recipient on the storing gateway
    const heard: Array<{ channel: string; userId: string; entry?: string; prev?: string }> = [];
    const sub = h.connect("wake-subscriber");
    sub.on("message", (channel: string, payload: string) => {
      for (const m of parseClusterMessages(payload) ?? []) if (m.type === "inbox") heard.push({ channel, userId: m.userId, entry: m.entry, prev: m.prev });
    });
    await sub.subscribe(channels.gateway("gw-a"), channels.gateway("gw-b"));

    const result = await store.store({ clientMsgId: "own-1", from: "61", fromName: "user61", fromDevice: "d61", to: "62", text: "to 62" });
    if ("error" in result) throw new Error(result.error);
    const msgId = result.message.msgId;
    expect(result.ownInbox).toEqual({ entry: msgId, prev: "0" });
    await waitUntil(() => heard.length >= 2, 5_000, "the wake-ups of both inboxes");
    await h.redis.publish(channels.gateway("gw-a"), JSON.stringify({ type: "inbox", userId: "marker" })); // after the script's publishes
    await waitUntil(() => heard.some((w) => w.userId === "marker"), 5_000, "the marker");
    expect(heard.sort((x, y) => x.channel.localeCompare(y.channel) || x.userId.localeCompare(y.userId))).toEqual([
      { channel: channels.gateway("gw-a"), userId: "62", entry: msgId, prev: "0" },
      { channel: channels.gateway("gw-a"), userId: "marker", entry: undefined, prev: undefined },
      { channel: channels.gateway("gw-b"), userId: "61", entry: msgId, prev: "0" },
    ]);
    // Route names no gateway: every gateway of the sender is woken, and the answer carries nothing more.
    const http = await new MessageStore(h.redis).store({ clientMsgId: "own-2", from: "61", fromName: "user61", fromDevice: "", to: "62", text: "over http" });
    expect(http).not.toHaveProperty("ownInbox");
    await waitUntil(() => heard.filter((w) => w.userId === "61").length === 3, 5_000, "the sender's wake-up on both gateways");
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
    // A private conversation too, where the message is first tried under now; its resend is still the duplicate.
    await account("1", "2");
    await h.redis.xadd(pair("1", "2"), `${ahead}-0`, "from", "9", "text", "from the future");
    const p = await send(store, { to: "2", clientMsgId: "behind" });
    expect(p.msgId).toBe(String(ahead + 1));
    expect(await send(store, { to: "2", clientMsgId: "behind" })).toEqual(p);
    expect(await streamIds(pair("1", "2"))).toEqual([String(ahead), String(ahead + 1)]);
    expect(await streamIds(user.inbox("2"))).toEqual([String(ahead + 1)]);
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

describe("unread counts", () => {
  it("read at most UNREAD_SCAN entries after the position, newest first: a wall of one's own messages or reactions costs no more", async () => {
    const store = new MessageStore(h.redis);
    await room("r2", "1", "2", "3");
    // 3,000 entries the count skips (user 1's own messages and reactions), as one user can write them into a room it
    // reads, or 'everyone', and never send a Read: each list of its conversations read them all, a page at a time.
    const wall = h.redis.pipeline();
    for (let i = 0; i < 3_000; i++) {
      const fields = recordFields({ from: "1", fromName: "user1", to: "", room: "r2", text: i % 2 ? "" : "mine", ...(i % 2 ? { reactTo: "1", reaction: "👍" } : {}) }, "d");
      wall.xadd(conv.messages(conv.ofRoom("r2")), `${1_000_000_000_000_000 + i}-0`, ...fields, "ts", "1");
    }
    await wall.exec();
    await send(store, { from: "2", room: "r2", text: "new" });
    const gone = await send(store, { from: "3", room: "r2", text: "oops" });
    await store.store({ clientMsgId: "del-oops", from: "3", fromName: "user3", fromDevice: "d3", room: "r2", text: "", editOf: gone.msgId, deleted: true });
    const calls = async () => (await commandCalls(h.redis, "xrange")) + (await commandCalls(h.redis, "xrevrange"));
    const before = await calls();
    expect(await store.countUnread({ userId: "1", conversation: "r2", after: "0", cap: 1_000 })).toBe(1);
    // Without the bound: 7 pages of 500 (every entry after the position). (The wall was written without run fields.)
    expect((await calls()) - before).toBeLessThanOrEqual(UNREAD_SCAN / 500);
  });

  it("step over a run of the reader's own messages, or of a user it blocks, from its newest entry: another's message before it costs no read of the run", async () => {
    const store = new MessageStore(h.redis);
    await room("r3", "1", "2", "3");
    const read = await send(store, { from: "2", room: "r3", text: "read" });
    await send(store, { from: "2", room: "r3", text: "unread" });
    const runs: Array<[string, number]> = [["1", 1_000], ["3", 500], ["1", 400]];
    for (const [from, n] of runs) for (let i = 0; i < n; i++) await send(store, { from, room: "r3", text: `${from}: ${i}` });
    const entriesRead = vi.spyOn(h.redis, "xrevrange");
    const countRead = async (uncounted: string[]) => {
      entriesRead.mockClear();
      const count = await store.countUnread({ userId: "1", conversation: "r3", after: read.msgId, cap: 1_000, uncounted: new Set(uncounted) });
      const results = await Promise.all(entriesRead.mock.results.map((r) => r.value as Promise<unknown[]>));
      return { count, read: results.reduce((n, page) => n + page.length, 0) };
    };
    // 1,901 entries after the position, one of them another's message: read were all 1,901 (four pages).
    const blocking = await countRead(["3"]);
    expect(blocking.count).toBe(1);
    expect(blocking.read).toBeLessThan(200);
    // Unblocked, user 3's run counts, every entry of it read; the reader's own runs are still stepped over.
    const all = await countRead([]);
    expect(all.count).toBe(501);
    expect(all.read).toBeLessThan(1_000);
    entriesRead.mockRestore();
  });
});

describe("pipelined private sends", () => {
  it("reach the conversation in the order they were made, even when a recipient check is still in flight", async () => {
    await account("41", "42");
    const store = new MessageStore(h.redis);
    // Hold each EXISTS reply until released, to make the race of the account check deterministic.
    const held: Array<() => void> = [];
    const realExists = h.redis.exists.bind(h.redis);
    h.redis.exists = ((...args: Parameters<typeof realExists>) =>
      new Promise((resolve, reject) => held.push(() => void realExists(...args).then(resolve, reject)))) as typeof h.redis.exists;
    try {
      const texts: string[] = [];
      const sends: Array<Promise<unknown>> = [];
      const sendNext = () => {
        const text = `m${texts.length}`;
        texts.push(text);
        sends.push(store.store({ clientMsgId: `pipe-${text}`, from: "41", fromName: "a", fromDevice: "d", to: "42", text }));
      };
      sendNext(); // a check goes out
      sendNext(); // and another (or the same one) while the first is in flight
      await new Promise((r) => setTimeout(r, 20));
      held.shift()!(); // the first check answers; the second is still in flight
      await new Promise((r) => setTimeout(r, 20));
      sendNext(); // a later send finds the recipient known
      for (const release of held.splice(0)) release();
      await Promise.all(sends);
      const history = await store.history({ userId: "41", peer: "42", limit: 10 });
      expect(history.map((m) => m.text)).toEqual(texts);
    } finally {
      h.redis.exists = realExists as typeof h.redis.exists;
    }
  });
});

describe("blocking", () => {
  it("refuses a private message between users who block each other, both ways, before anything of it is stored; the rest of the turn is stored (batched and not)", async () => {
    for (const batchPrivate of [true, false]) {
      await h.redis.flushdb();
      const store = new MessageStore(h.redis, { batchPrivate });
      const blocks = new BlockStore(h.redis);
      await account("1", "2", "3");
      expect(await blocks.block("1", "2")).toEqual({ state: "blocked", order: 1 });
      const input = (from: string, to: string, clientMsgId: string) => ({ clientMsgId, from, fromName: `u${from}`, fromDevice: "", to, text: "hi" });
      // Started in one turn: on a single Redis one script call stores them all.
      const results = await Promise.all([store.store(input("2", "1", "a")), store.store(input("2", "3", "b")), store.store(input("1", "2", "c"))]);
      expect(results.map((r) => ("error" in r ? r.error : "stored"))).toEqual(["blocked", "stored", "blocking"]);
      const chat = conv.ofPair("1", "2");
      expect(await h.redis.exists(conv.messages(chat), conv.dedupe(chat, "2", "a"), conv.dedupe(chat, "1", "c"), user.inbox("1"))).toBe(0);
      expect((await blocks.list("1")).ids).toEqual(["2"]);
      expect((await blocks.hiddenFrom("2")).sort()).toEqual(["1"]);
      await blocks.unblock("1", "2");
      expect(await store.store(input("2", "1", "a"))).toMatchObject({ duplicate: false, message: { from: "2", to: "1" } });
    }
  });

  it("between users who block nobody, a turn's messages cost the batch one existence check each and no block-set lookup", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await send(store, { from: "1", to: "2" }); // the account checks are remembered from here on
    await send(store, { from: "1", to: "3" });
    await h.redis.config("RESETSTAT");
    const input = (to: string, clientMsgId: string) => ({ clientMsgId, from: "1", fromName: "user1", fromDevice: "d", to, text: "hi" });
    const results = await Promise.all([store.store(input("2", "x")), store.store(input("3", "y")), store.store(input("2", "z"))]);
    expect(results.map((r) => ("error" in r ? r.error : "stored"))).toEqual(["stored", "stored", "stored"]);
    expect(await commandCalls(h.redis, "evalsha")).toBe(1);
    expect(await commandCalls(h.redis, "exists")).toBe(3);
    expect(await commandCalls(h.redis, "sismember")).toBe(0);
  });
});
