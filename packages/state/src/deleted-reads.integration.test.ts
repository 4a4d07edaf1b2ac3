// A deleted message read back by the readers behind delivery (inbox and room reads) and by history, against a real
// redis-server: blank once its deletion is stored, also when the deletion was stored before the deletions set existed.
import { describe, expect, it } from "vitest";
import { conv } from "./keys.js";
import { DELETIONS_COMPLETE } from "./deleted-quotes.js";
import { InboxStore } from "./inbox.js";
import { MessageStore, type StoredMessage } from "./messages.js";
import { account as accountIn, commandCalls, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const account = (...userIds: string[]) => accountIn(h.redis, ...userIds);
const room = (roomId: string, ...members: string[]) => roomIn(h.redis, roomId, ...members);
const remove = (store: MessageStore, from: string, target: { to: string } | { room: string }, msgId: string) =>
  store.store({ clientMsgId: `del-${msgId}`, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text: "", editOf: msgId, deleted: true, ...target });
const edit = (store: MessageStore, from: string, target: { to: string } | { room: string }, msgId: string, text: string) =>
  store.store({ clientMsgId: `edit-${msgId}`, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text, editOf: msgId, ...target });
const texts = (messages: StoredMessage[]) => messages.map((m) => m.text);
const calls = (name: string) => commandCalls(h.redis, name);

describe("reads behind delivery", () => {
  it("hand a message deleted by then, and its edit, out blank; the read's own deletion needs no deletions set", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    await account("1", "2");
    await room("r1", "1", "2");
    for (const target of [{ to: "2" }, { room: "r1" }]) {
      const secret = await send(store, { from: "1", ...target, text: "my pin is 4711" });
      await edit(store, "1", target, secret.msgId, "my pin is 4712");
      await send(store, { from: "1", ...target, text: "kept" });
      await remove(store, "1", target, secret.msgId);
    }
    // As a store before sec20 left it: no deletions set. A read that reaches the stream's end holds the deletion.
    await h.redis.del(conv.deletions(conv.ofPair("1", "2")), conv.deletions("r1"));
    const zmscores = await calls("zmscore");
    for (const userId of ["1", "2"]) expect(texts((await inboxes.read(userId, "0", 10)).map((e) => e.message))).toEqual(["", "", "kept", ""]);
    expect(texts((await store.readRoom("r1", "0", 10)).map((e) => e.message))).toEqual(["", "", "kept", ""]);
    expect(await calls("zmscore")).toBe(zmscores);
    // A check of what the stream holds reads it as stored.
    expect(texts((await store.readRoom("r1", "0", 1, { asStored: true })).map((e) => e.message))).toEqual(["my pin is 4711"]);
  });

  it("a full page that stops before the deletion looks its messages up", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    await account("1", "2");
    await room("r2", "1", "2");
    for (const target of [{ to: "2" }, { room: "r2" }]) {
      const secret = await send(store, { from: "1", ...target, text: "my pin is 4711" });
      await send(store, { from: "1", ...target, text: "kept" });
      await remove(store, "1", target, secret.msgId);
    }
    expect(texts((await inboxes.read("2", "0", 2)).map((e) => e.message))).toEqual(["", "kept"]);
    expect(texts((await store.readRoom("r2", "0", 2)).map((e) => e.message))).toEqual(["", "kept"]);
  });
});

describe("deletions stored before the deletions set existed", () => {
  it("are found in the stream at the conversation's first history read, once, and blanked", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2");
    const secret = await send(store, { from: "1", to: "2", text: "my pin is 4711" });
    const kept = await send(store, { from: "1", to: "2", text: "kept" });
    const deletion = await remove(store, "1", { to: "2" }, secret.msgId);
    if ("error" in deletion) throw new Error(deletion.error);
    const deletions = conv.deletions(conv.ofPair("1", "2"));
    await h.redis.del(deletions);

    // The page of the deleted message alone, without its deletion: blank all the same.
    const page = await store.history({ userId: "2", peer: "1", before: kept.msgId, limit: 1 });
    expect(page.map((m) => [m.msgId, m.text])).toEqual([[secret.msgId, ""]]);
    expect(await h.redis.zscore(deletions, secret.msgId)).toBe(secret.msgId);
    expect(await h.redis.zscore(deletions, DELETIONS_COMPLETE)).toBe("inf");

    // Marked: the next reads do not read the stream again.
    const xranges = await calls("xrange");
    expect(texts(await store.history({ userId: "1", peer: "2", limit: 10 }))).toEqual(["", "kept", ""]);
    expect(await calls("xrange")).toBe(xranges);
  });
});
