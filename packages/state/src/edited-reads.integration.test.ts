// An edited message read back, against a real redis-server: history, search, a later reply's quote and the reads
// behind delivery hand it and its earlier edits out with the newest text only, however far after it the edit lies.
import { describe, expect, it } from "vitest";
import { conv } from "./keys.js";
import { EDITS_COMPLETE } from "./edit-notes.js";
import { InboxStore } from "./inbox.js";
import { MessageStore, type StoredMessage } from "./messages.js";
import { searchMessages } from "./search.js";
import { account as accountIn, commandCalls, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const account = (...userIds: string[]) => accountIn(h.redis, ...userIds);
const room = (roomId: string, ...members: string[]) => roomIn(h.redis, roomId, ...members);
type Target = { to: string } | { room: string };
let edits = 0;
const edit = async (store: MessageStore, from: string, target: Target, msgId: string, text: string) => {
  const result = await store.store({ clientMsgId: `edit-${++edits}`, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text, editOf: msgId, ...target });
  if ("error" in result) throw new Error(result.error);
  return result.message;
};
const reply = async (store: MessageStore, from: string, target: Target, replyTo: string, text: string) => {
  const result = await store.store({ clientMsgId: `reply-${++edits}`, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text, replyTo, ...target });
  if ("error" in result) throw new Error(result.error);
  return result.message;
};
const fill = (store: MessageStore, from: string, target: Target, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => send(store, { from, ...target, text: `filler ${i}` })));
const texts = (messages: StoredMessage[]) => messages.map((m) => m.text);
const calls = (name: string) => commandCalls(h.redis, name);

describe("an edited message", () => {
  it("is handed out by a history page without its edit with the newest text, its earlier edit too", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "my password is hunter2" });
    const first = await edit(store, "1", { to: "2" }, secret.msgId, "my password is hunter3");
    const kept = await send(store, { from: "2", to: "1", text: "kept" });
    await edit(store, "1", { to: "2" }, secret.msgId, "my password is (removed)");

    // The page of the message and its first edit alone, without the newest edit.
    const page = await store.history({ userId: "2", peer: "1", before: kept.msgId, limit: 2 });
    expect(page.map((m) => [m.msgId, m.text])).toEqual([[secret.msgId, "my password is (removed)"], [first.msgId, "my password is (removed)"]]);
    // The newest page holds the newest edit: the same, with no lookup of the edits (the one ZMSCORE is the deletions').
    const zmscores = await calls("zmscore");
    expect(texts(await store.history({ userId: "1", peer: "2", limit: 10 }))).toEqual(["my password is (removed)", "my password is (removed)", "kept", "my password is (removed)"]);
    expect(await calls("zmscore")).toBe(zmscores + 1);
  });

  it("is read by a device catching up (room and inbox) with the newest text; a read to the stream's end asks nothing", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    await account("1", "2");
    await room("r1", "1", "2");
    for (const target of [{ to: "2" }, { room: "r1" }]) {
      const secret = await send(store, { from: "1", ...target, text: "my pin is 4711" });
      await send(store, { from: "1", ...target, text: "kept" });
      await edit(store, "1", target, secret.msgId, "my pin is secret");
    }
    // A full page that stops before the edit looks it up.
    expect(texts((await inboxes.read("2", "0", 2)).map((e) => e.message))).toEqual(["my pin is secret", "kept"]);
    expect(texts((await store.readRoom("r1", "0", 2)).map((e) => e.message))).toEqual(["my pin is secret", "kept"]);
    // A read that reaches the end holds the edit: no command more than the read.
    const zmscores = await calls("zmscore");
    expect(texts((await inboxes.read("1", "0", 10)).map((e) => e.message))).toEqual(["my pin is secret", "kept", "my pin is secret"]);
    expect(texts((await store.readRoom("r1", "0", 10)).map((e) => e.message))).toEqual(["my pin is secret", "kept", "my pin is secret"]);
    expect(await calls("zmscore")).toBe(zmscores);
    // A check of what the stream holds reads it as stored.
    expect(texts((await store.readRoom("r1", "0", 1, { asStored: true })).map((e) => e.message))).toEqual(["my pin is 4711"]);
  });

  it("is quoted with its newest text by a reply stored more than 200 entries after the edit", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const old = await send(store, { from: "1", to: "2", text: "old secret" });
    await fill(store, "2", { to: "1" }, 210);
    await edit(store, "1", { to: "2" }, old.msgId, "nothing to see");
    const answer = await reply(store, "2", { to: "1" }, old.msgId, "what was it?");
    expect(answer).toMatchObject({ replyFrom: "1", replyText: "nothing to see" });
  });

  it("is quoted with its newest text by history and search hits of replies stored before the edit", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const old = await send(store, { from: "1", to: "2", text: "the code is 1234" });
    const answer = await reply(store, "2", { to: "1" }, old.msgId, "noted the code");
    await send(store, { from: "2", to: "1", text: "bye" });
    await edit(store, "1", { to: "2" }, old.msgId, "the code is in the safe");
    const hits = await searchMessages(h.redis, { userId: "2", conversations: ["1"], text: "noted", limit: 5 });
    expect(hits.map((hit) => [hit.msgId, hit.replyText])).toEqual([[answer.msgId, "the code is in the safe"]]);
    const page = await store.history({ userId: "2", peer: "1", before: answer.msgId, limit: 1 });
    expect(texts(page)).toEqual(["the code is in the safe"]);
    const replyPage = await store.history({ userId: "2", peer: "1", limit: 3 });
    expect(replyPage[0]).toMatchObject({ msgId: answer.msgId, replyText: "the code is in the safe" });
  });

  it("stored before the edits set existed is found in the stream once, then marked", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "my pin is 4711" });
    const kept = await send(store, { from: "1", to: "2", text: "kept" });
    const newest = await edit(store, "1", { to: "2" }, secret.msgId, "my pin is secret");
    const edited = conv.edits(conv.ofPair("1", "2"));
    await h.redis.del(edited);

    const page = await store.history({ userId: "2", peer: "1", before: kept.msgId, limit: 1 });
    expect(texts(page)).toEqual(["my pin is secret"]);
    expect(await h.redis.zscore(edited, secret.msgId)).toBe(newest.msgId);
    expect(await h.redis.zscore(edited, EDITS_COMPLETE)).toBe("inf");
    const xranges = await calls("xrange");
    expect(texts(await store.history({ userId: "1", peer: "2", before: kept.msgId, limit: 1 }))).toEqual(["my pin is secret"]);
    // One entry read (the edit's text), no scan of the stream again.
    expect(await calls("xrange")).toBe(xranges + 1);
  });

  it("deleted after its edit stays blank, the edit too", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "my pin is 4711" });
    const kept = await send(store, { from: "1", to: "2", text: "kept" });
    await edit(store, "1", { to: "2" }, secret.msgId, "my pin is 4712");
    await store.store({ clientMsgId: "del-1", from: "1", fromName: "user1", fromDevice: "dev-1", text: "", editOf: secret.msgId, deleted: true, to: "2" });
    expect(texts(await store.history({ userId: "2", peer: "1", before: kept.msgId, limit: 1 }))).toEqual([""]);
    expect(texts(await store.history({ userId: "2", peer: "1", limit: 10 }))).toEqual(["", "kept", "", ""]);
  });
});
