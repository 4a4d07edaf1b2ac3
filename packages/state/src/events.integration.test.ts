// Replies, edits, deletions and reactions in the message store, and search, against a real redis-server.
import { describe, expect, it } from "vitest";
import { conv, user } from "./keys.js";
import { InboxStore } from "./inbox.js";
import { MessageStore } from "./messages.js";
import { account as accountIn, room as roomIn, send } from "./message-test-support.js";
import { readAfter } from "./stream-reads.js";
import { searchMessages } from "./search.js";
import { sweepOldMessages } from "./retention.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const account = (...userIds: string[]) => accountIn(h.redis, ...userIds);
const room = (roomId: string, ...members: string[]) => roomIn(h.redis, roomId, ...members);

const base = (from: string, clientMsgId: string) => ({ clientMsgId, from, fromName: `user${from}`, fromDevice: `dev-${from}` });

describe("events", () => {
  it("an edit and a deletion of one's own message are stored in order in the conversation and in history", async () => {
    const store = new MessageStore(h.redis);
    await room("r1", "1", "2");
    const original = await send(store, { from: "1", room: "r1", text: "helo" });
    const edit = await store.store({ ...base("1", "e1"), room: "r1", text: "hello", editOf: original.msgId });
    const removal = await store.store({ ...base("1", "d1"), room: "r1", text: "", editOf: original.msgId, deleted: true });
    expect(edit).toMatchObject({ duplicate: false, message: { editOf: original.msgId, text: "hello" } });
    expect(removal).toMatchObject({ duplicate: false, message: { editOf: original.msgId, deleted: true } });
    const history = await store.history({ userId: "2", room: "r1", limit: 10 });
    // The deleted message and its edits are handed out blank (sec20): a page without its deletion must not show them.
    expect(history.map((m) => [m.text, m.editOf, m.deleted])).toEqual([["", undefined, undefined], ["", original.msgId, undefined], ["", original.msgId, true]]);
  });

  it("edits and deletions do not count as unread, and a message deleted while unread no longer counts", async () => {
    const store = new MessageStore(h.redis);
    const kept = await send(store, { from: "1", text: "kept" });
    await store.store({ ...base("1", "u1"), text: "kept!", editOf: kept.msgId });
    const gone = await send(store, { from: "1", text: "oops" });
    await store.store({ ...base("1", "u2"), text: "", editOf: gone.msgId, deleted: true });
    expect(await store.countUnread({ userId: "2", conversation: "everyone", after: "0", cap: 100 })).toBe(1);
    // Deleted after the reader's position, but the message itself was read before it: nothing to take off.
    expect(await store.countUnread({ userId: "2", conversation: "everyone", after: gone.msgId, cap: 100 })).toBe(0);
    await send(store, { from: "1", text: "new" });
    expect(await store.countUnread({ userId: "2", conversation: "everyone", after: gone.msgId, cap: 100 })).toBe(1);
  });

  it("a reaction to anyone's message is stored with its emoji (\"\" when taken back), is not unread, and a reply to it or a reaction to a deleted message is not found", async () => {
    const store = new MessageStore(h.redis);
    await room("r1", "1", "2");
    const theirs = await send(store, { from: "2", room: "r1", text: "lunch?" });
    const like = await store.store({ ...base("1", "r1"), room: "r1", text: "", reactTo: theirs.msgId, reaction: "👍" });
    const back = await store.store({ ...base("1", "r2"), room: "r1", text: "", reactTo: theirs.msgId, reaction: "" });
    expect(like).toMatchObject({ duplicate: false, message: { reactTo: theirs.msgId, reaction: "👍" } });
    expect(back).toMatchObject({ duplicate: false, message: { reactTo: theirs.msgId, reaction: "" } });
    const history = await store.history({ userId: "2", room: "r1", limit: 10 });
    expect(history.map((m) => [m.from, m.reactTo, m.reaction])).toEqual([["2", undefined, undefined], ["1", theirs.msgId, "👍"], ["1", theirs.msgId, ""]]);
    expect(await store.countUnread({ userId: "2", conversation: "r1", after: theirs.msgId, cap: 100 })).toBe(0);
    if ("error" in like) throw new Error(like.error);
    expect(await store.store({ ...base("2", "r3"), room: "r1", text: "re", replyTo: like.message.msgId })).toEqual({ error: "not_found" });
    await store.store({ ...base("2", "r4"), room: "r1", text: "", editOf: theirs.msgId, deleted: true });
    expect(await store.store({ ...base("1", "r5"), room: "r1", text: "", reactTo: theirs.msgId, reaction: "🎉" })).toEqual({ error: "not_found" });
  });

  it("a resent edit is stored once", async () => {
    const store = new MessageStore(h.redis);
    const original = await send(store, { from: "1", text: "a" });
    const first = await store.store({ ...base("1", "same"), text: "b", editOf: original.msgId });
    const again = await store.store({ ...base("1", "same"), text: "b", editOf: original.msgId });
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await store.history({ userId: "1", limit: 10 })).length).toBe(2);
  });

  it("a stored reaction resent after its message's deletion gets its first answer, not not_found (private chat and room)", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    await room("r6", "1", "2");
    for (const [toTheirs, toMine] of [[{ to: "2" }, { to: "1" }], [{ room: "r6" }, { room: "r6" }]] as const) {
      const theirs = await send(store, { from: "1", ...toTheirs, text: "lunch?" });
      // Stored, and its SendAck lost (a gateway stopped or killed); the message is deleted before the resend.
      const like = { ...base("2", `like-${"to" in toMine ? "p" : "r"}`), ...toMine, text: "", reactTo: theirs.msgId, reaction: "👍" };
      const first = await store.store(like);
      expect(first).toMatchObject({ duplicate: false });
      await store.store({ ...base("1", `del-${theirs.msgId}`), ...toTheirs, text: "", editOf: theirs.msgId, deleted: true });
      expect(await store.store(like)).toEqual({ ...first, duplicate: true });
      // A reaction not stored before is refused as ever.
      expect(await store.store({ ...like, clientMsgId: `${like.clientMsgId}-new` })).toEqual({ error: "not_found" });
    }
  });

  it("a resend under the clientMsgId of a message trimmed from the inboxes since writes nothing there (batched and not)", async () => {
    for (const [ann, bob, batchPrivate] of [["11", "12", true], ["13", "14", false]] as const) {
      await account(ann, bob);
      const store = new MessageStore(h.redis, { batchPrivate });
      const hello = await send(store, { from: ann, to: bob, text: "hi bob", clientMsgId: "ann-hello" });
      await new Promise((resolve) => setTimeout(resolve, 5)); // the next message a millisecond later at least
      const owed = await send(store, { from: bob, to: ann, text: "I owe ann 5" });
      // Route's age sweep between the two: ann's message leaves the conversation and both inboxes, bob's stays; the
      // dedupe record of "ann-hello" lives on (24 h).
      await sweepOldMessages(h.redis, 1, Math.floor(Number(owed.msgId) / 1000) + 1_000);
      const again = await store.store({ ...base(ann, "ann-hello"), to: bob, text: "as I said yesterday: you owe me 500" });
      expect(again).toMatchObject({ duplicate: true, message: { msgId: hello.msgId } });
      // Neither inbox (what devices are handed, live and catching up) holds anything under the first msgId now.
      for (const owner of [bob, ann]) {
        expect((await readAfter(h.redis, user.inbox(owner), "0", 10)).map((e) => e.message.text)).toEqual(["I owe ann 5"]);
      }
    }
  });

  it("editing someone else's message is forbidden; a target outside the conversation, or an event, is not found; nothing is stored", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await room("r1", "1", "2");
    const theirs = await send(store, { from: "2", room: "r1", text: "mine" });
    const elsewhere = await send(store, { from: "1", text: "in everyone" });
    expect(await store.store({ ...base("1", "x1"), room: "r1", text: "hijack", editOf: theirs.msgId })).toEqual({ error: "forbidden" });
    expect(await store.store({ ...base("1", "x2"), room: "r1", text: "", editOf: theirs.msgId, deleted: true })).toEqual({ error: "forbidden" });
    expect(await store.store({ ...base("1", "x3"), room: "r1", text: "wrong room", editOf: elsewhere.msgId })).toEqual({ error: "not_found" });
    expect(await store.store({ ...base("1", "x4"), room: "r1", text: "no such", replyTo: "123" })).toEqual({ error: "not_found" });
    expect(await store.store({ ...base("1", "x5"), to: "3", text: "not in our chat", replyTo: elsewhere.msgId })).toEqual({ error: "not_found" });
    const edit = await store.store({ ...base("1", "x6"), text: "edited", editOf: elsewhere.msgId });
    if ("error" in edit) throw new Error(edit.error);
    expect(await store.store({ ...base("1", "x7"), text: "edit of an edit", editOf: edit.message.msgId })).toEqual({ error: "not_found" });
    expect((await store.history({ userId: "1", room: "r1", limit: 10 })).length).toBe(1);
  });

  it("an edit, deletion or reply from outside a room is refused with not_member, whether or not its target exists there", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await room("r5", "1", "2");
    const theirs = await send(store, { from: "2", room: "r5", text: "members only" });
    // Were the answers to differ (forbidden or not_found), an outsider could probe which msgIds the room holds.
    for (const target of [theirs.msgId, String(BigInt(theirs.msgId) + 1n)]) {
      expect(await store.store({ ...base("3", `o-e${target}`), room: "r5", text: "edit", editOf: target })).toEqual({ error: "not_member" });
      expect(await store.store({ ...base("3", `o-d${target}`), room: "r5", text: "", editOf: target, deleted: true })).toEqual({ error: "not_member" });
      expect(await store.store({ ...base("3", `o-r${target}`), room: "r5", text: "reply", replyTo: target })).toEqual({ error: "not_member" });
    }
    expect((await store.history({ userId: "1", room: "r5", limit: 10 })).length).toBe(1);
  });

  it("a reply in a private chat reaches both inboxes with replyTo", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const question = await send(store, { from: "1", to: "2", text: "lunch?" });
    const answer = await store.store({ ...base("2", "r"), to: "1", text: "yes", replyTo: question.msgId });
    expect(answer).toMatchObject({ message: { replyTo: question.msgId } });
    for (const userId of ["1", "2"]) {
      const entries = await readAfter(h.redis, user.inbox(userId), "0", 10);
      expect(entries.map((e) => e.message.replyTo)).toEqual([undefined, question.msgId]);
    }
  });

  it("a reply keeps the quoted message's sender, name and text as it is then (its newest edit, nothing once deleted, the start of a long one): in the stream, both inboxes and history", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const question = await send(store, { from: "1", to: "2", text: "lunch at 12?" });
    await store.store({ ...base("1", "q-edit"), to: "2", text: "lunch at 1?", editOf: question.msgId });
    // A caller's own quote is not taken: the store reads the message quoted.
    const answer = await store.store({ ...base("2", "q-r1"), to: "1", text: "yes", replyTo: question.msgId, replyText: "forged", replyFromName: "someone" });
    const quote = { replyFrom: "1", replyFromName: "user1", replyText: "lunch at 1?" };
    expect(answer).toMatchObject({ message: { replyTo: question.msgId, ...quote } });
    for (const userId of ["1", "2"]) {
      const entries = await readAfter(h.redis, user.inbox(userId), "0", 10);
      expect(entries.at(-1)?.message).toMatchObject({ replyTo: question.msgId, ...quote });
    }
    expect((await store.history({ userId: "2", peer: "1", limit: 10 })).at(-1)).toMatchObject(quote);

    const long = await send(store, { from: "1", to: "2", text: "é".repeat(250) });
    const toLong = await store.store({ ...base("2", "q-r2"), to: "1", text: "tl;dr", replyTo: long.msgId });
    expect(toLong).toMatchObject({ message: { replyText: `${"é".repeat(200)}…` } });

    await store.store({ ...base("1", "q-del"), to: "2", text: "", editOf: long.msgId, deleted: true });
    const toDeleted = await store.store({ ...base("2", "q-r3"), to: "1", text: "what was it?", replyTo: long.msgId });
    expect(toDeleted).toMatchObject({ message: { replyFrom: "1", replyText: "" } });
  });

  it("a deletion blanks the quotes of its message kept by earlier replies, in history, the inboxes and room reads", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    await room("r9", "1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "my secret" });
    const reply = await store.store({ ...base("2", "bd-r1"), to: "1", text: "ok", replyTo: secret.msgId });
    expect(reply).toMatchObject({ message: { replyText: "my secret" } });
    const inRoom = await send(store, { from: "1", room: "r9", text: "room secret" });
    await store.store({ ...base("2", "bd-r2"), room: "r9", text: "ok", replyTo: inRoom.msgId });
    await store.store({ ...base("1", "bd-d1"), to: "2", text: "", editOf: secret.msgId, deleted: true });
    await store.store({ ...base("1", "bd-d2"), room: "r9", text: "", editOf: inRoom.msgId, deleted: true });
    const quotes = (messages: { replyTo?: string; replyText?: string }[]) => messages.filter((m) => m.replyTo).map((m) => m.replyText);
    expect(quotes(await store.history({ userId: "2", peer: "1", limit: 10 }))).toEqual([""]);
    // The page holding the deleted message alone, without its deletion, does not show its text either.
    expect((await store.history({ userId: "2", peer: "1", before: "message" in reply ? reply.message.msgId : "", limit: 1 })).map((m) => [m.msgId, m.text])).toEqual([[secret.msgId, ""]]);
    expect(quotes(await store.history({ userId: "1", room: "r9", limit: 10 }))).toEqual([""]);
    expect(quotes((await store.readRoom("r9", "0", 10)).map((e) => e.message))).toEqual([""]);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    for (const userId of ["1", "2"]) expect(quotes((await inboxes.read(userId, "0", 10)).map((e) => e.message))).toEqual([""]);
  });

  it("a deletion resent with its clientMsgId but naming another message blanks nothing of that one", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const first = await send(store, { from: "1", to: "2", text: "first" });
    const kept = await send(store, { from: "1", to: "2", text: "kept" });
    await store.store({ ...base("1", "rd-1"), to: "2", text: "", editOf: first.msgId, deleted: true });
    const again = await store.store({ ...base("1", "rd-1"), to: "2", text: "", editOf: kept.msgId, deleted: true });
    expect(again).toMatchObject({ duplicate: true });
    const texts = (await store.history({ userId: "2", peer: "1", limit: 10 })).filter((m) => !m.editOf).map((m) => m.text);
    expect(texts).toEqual(["", "kept"]);
  });

  it("a reply to a message deleted more than 200 entries after it quotes nothing of it", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const old = await send(store, { from: "1", to: "2", text: "old secret" });
    await Promise.all(Array.from({ length: 210 }, (_, i) => store.store({ ...base("2", `gap-${i}`), to: "1", text: `filler ${i}` })));
    await store.store({ ...base("1", "gap-del"), to: "2", text: "", editOf: old.msgId, deleted: true });
    const reply = await store.store({ ...base("2", "gap-r"), to: "1", text: "what was it?", replyTo: old.msgId });
    expect(reply).toMatchObject({ message: { replyFrom: "1", replyText: "" } });
  });

  it("a stream kept longer than 10,000 entries keeps the note of each deletion in it: its message stays blank", async () => {
    const store = new MessageStore(h.redis, { maxLenPerStream: 20_000 });
    await account("1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "old secret" });
    await store.store({ ...base("1", "many-d1"), to: "2", text: "", editOf: secret.msgId, deleted: true });
    // 10,000 deletions after it (noted as the store notes them), all still within the stream's 20,000 entries.
    const notes = conv.deletions(conv.ofPair("1", "2"));
    const later = Array.from({ length: 10_000 }, (_, i) => String(BigInt(secret.msgId) + BigInt(i + 1)));
    await h.redis.zadd(notes, ...later.flatMap((msgId) => [Number(msgId), msgId]));
    const other = await send(store, { from: "1", to: "2", text: "another" });
    await store.store({ ...base("1", "many-d2"), to: "2", text: "", editOf: other.msgId, deleted: true });
    const page = await store.history({ userId: "2", peer: "1", limit: 10 });
    expect(page.filter((m) => !m.editOf).map((m) => m.text)).toEqual(["", ""]);
  });

  it("a sender's message pipelined after an edit is stored after it", async () => {
    const store = new MessageStore(h.redis);
    const original = await send(store, { from: "1", text: "one" });
    const [edit, next] = await Promise.all([
      store.store({ ...base("1", "p1"), text: "one!", editOf: original.msgId }),
      store.store({ ...base("1", "p2"), text: "two" }),
    ]);
    if ("error" in edit || "error" in next) throw new Error("refused");
    expect(BigInt(edit.message.msgId) < BigInt(next.message.msgId)).toBe(true);
  });
});

describe("search", () => {
  it("finds messages by their current text, never deleted ones, only in the conversations named", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await room("r1", "1", "2");
    await room("r2", "2", "3");
    const kept = await send(store, { from: "2", room: "r1", text: "Apple pie" });
    const edited = await send(store, { from: "1", room: "r1", text: "pear" });
    await store.store({ ...base("1", "e"), room: "r1", text: "apple crumble", editOf: edited.msgId });
    const gone = await send(store, { from: "1", text: "apple juice" });
    await store.store({ ...base("1", "d"), text: "", editOf: gone.msgId, deleted: true });
    const direct = await send(store, { from: "1", to: "2", text: "an apple for you" });
    await send(store, { from: "2", room: "r2", text: "apple in a room 1 is not in" });
    await send(store, { from: "2", to: "3", text: "apple between others" });
    const hits = await searchMessages(h.redis, { userId: "1", conversations: ["everyone", "r1", "2"], text: "APPLE", limit: 10 });
    expect(hits.map((hit) => [hit.conversation, hit.msgId, hit.text, hit.edited])).toEqual([
      ["2", direct.msgId, "an apple for you", false],
      ["r1", edited.msgId, "apple crumble", true],
      ["r1", kept.msgId, "Apple pie", false],
    ]);
    expect(await searchMessages(h.redis, { userId: "1", conversations: ["r1"], text: "pear", limit: 10 })).toEqual([]);
    expect((await searchMessages(h.redis, { userId: "1", conversations: ["everyone", "r1", "2"], text: "apple", limit: 1 })).length).toBe(1);
  });

  it("scans only the newest entries of each conversation", async () => {
    const store = new MessageStore(h.redis);
    const old = await send(store, { from: "1", text: "needle" });
    for (let i = 0; i < 5; i++) await send(store, { from: "1", text: `hay ${i}` });
    expect(await searchMessages(h.redis, { userId: "1", conversations: ["everyone"], text: "needle", limit: 5, scanPerConversation: 5 })).toEqual([]);
    const found = await searchMessages(h.redis, { userId: "1", conversations: ["everyone"], text: "needle", limit: 5, scanPerConversation: 6 });
    expect(found.map((hit) => hit.msgId)).toEqual([old.msgId]);
  });
});
