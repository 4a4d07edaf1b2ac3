// The notes of stored edits and deletions (event-notes.ts) under faults, against a real redis-server: a note that
// failed after its store is written by the resend, and the first read of a big stream written meanwhile (its sets'
// backfill) hands every entry out once, in order, with deletions blank and edits newest.
import { describe, expect, it } from "vitest";
import { conv } from "./keys.js";
import { InboxStore } from "./inbox.js";
import { MessageStore, type StoreInput } from "./messages.js";
import { recordFields } from "./records.js";
import { account, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const event = (from: string, room: string, clientMsgId: string, editOf: string, text: string, deleted = false): StoreInput & { room: string } =>
  ({ clientMsgId, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text, editOf, deleted, room });
const textsRead = async (store: MessageStore, room: string, after: string, count: number) =>
  (await store.readRoom(room, after, count)).map((entry) => entry.message.text);

describe("an edit's or deletion's note", () => {
  it("that failed after the store (Redis refusing in between) is written by the resend, and reads stopping short apply it", async () => {
    const store = new MessageStore(h.redis);
    await roomIn(h.redis, "r1", "1", "2");
    const pin = await send(store, { from: "1", room: "r1", text: "my pin is 4711" });
    const code = await send(store, { from: "1", room: "r1", text: "the code is 1234" });
    await send(store, { from: "1", room: "r1", text: "kept" });
    // A page stopping short asks both sets: found without their mark, they are backfilled and marked complete.
    expect(await textsRead(store, "r1", "0", 1)).toEqual(["my pin is 4711"]);
    // The room's store script writes no sorted set; the notes do. Redis refuses them between the store and the note.
    await h.redis.call("ACL", "SETUSER", "default", "-zadd");
    const deletion = event("1", "r1", "del-pin", pin.msgId, "", true);
    const edition = event("1", "r1", "edit-code", code.msgId, "the code is 5678");
    try {
      await expect(store.store(deletion)).rejects.toThrow(/NOPERM|permission/i);
      await expect(store.store(edition)).rejects.toThrow(/NOPERM|permission|EXECABORT/i);
    } finally {
      await h.redis.call("ACL", "SETUSER", "default", "+zadd");
    }
    // Both are stored (their entries follow "kept"), their notes are not: a page stopping before them hands the old texts out.
    expect(await textsRead(store, "r1", "0", 2)).toEqual(["my pin is 4711", "the code is 1234"]);
    // The sender resends both, as it does after an error: the answer is the first one's, and the note is written.
    const again = [await store.store(deletion), await store.store(edition)];
    expect(again.map((result) => "duplicate" in result && result.duplicate)).toEqual([true, true]);
    expect(await textsRead(store, "r1", "0", 2)).toEqual(["", "the code is 5678"]);
    expect(await textsRead(store, "r1", "0", 10)).toEqual(["", "the code is 5678", "kept", "", "the code is 5678"]);
  });
});

describe("the first read of a big stream (its sets' backfill) while messages are stored into it", () => {
  it("hands every entry out once and in order, deleted ones blank and edited ones with their newest text", async () => {
    const store = new MessageStore(h.redis, { maxLenPerStream: 100_000 });
    await roomIn(h.redis, "big", "1", "2");
    const stream = conv.messages("big");
    // 10,000 entries as a store before the sets left them: every 100th message deleted, every 100th (+50) edited.
    const step = h.redis.pipeline();
    for (let i = 1; i <= 10_000; i++) step.xadd(stream, `${1_000_000 + i}-0`, ...recordFields({ from: "1", fromName: "user1", to: "", room: "big", text: `old ${i}`, ts: 0 }, "dev-1"));
    await step.exec();
    for (let i = 1; i <= 10_000; i += 100) {
      await store.store(event("1", "big", `del-${i}`, String(1_000_000 + i), "", true));
      await store.store(event("1", "big", `edit-${i}`, String(1_000_000 + i + 50), `new ${i + 50}`));
    }
    await h.redis.del(conv.deletions("big"), conv.edits("big"));
    // A device catching up from the start in full pages, while the sender stores 300 more messages.
    let written = false;
    const writing = (async () => {
      for (let i = 0; i < 300; i++) await send(store, { from: "1", room: "big", text: `live ${i}` });
      written = true;
    })();
    const got: Array<{ position: string; text: string }> = [];
    let after = "0";
    for (let done = false; !done; ) {
      const page = await store.readRoom("big", after, 500);
      for (const entry of page) got.push({ position: entry.position, text: entry.message.text });
      if (page.length > 0) after = page.at(-1)!.position;
      done = page.length < 500 && written;
    }
    await writing;
    for (let page = await store.readRoom("big", after, 500); page.length > 0; page = await store.readRoom("big", after, 500)) {
      for (const entry of page) got.push({ position: entry.position, text: entry.message.text });
      after = page.at(-1)!.position;
    }
    const stored = (await h.redis.xrange(stream, "-", "+")).map(([id]) => id.split("-")[0]!);
    expect(got.map((entry) => entry.position)).toEqual(stored);
    const byPosition = new Map(got.map((entry) => [entry.position, entry.text]));
    for (let i = 1; i <= 10_000; i += 100) {
      expect(byPosition.get(String(1_000_000 + i))).toBe("");
      expect(byPosition.get(String(1_000_000 + i + 50))).toBe(`new ${i + 50}`);
    }
    expect(byPosition.get(String(1_000_000 + 2))).toBe("old 2");
    expect(got.filter((entry) => entry.text.startsWith("live ")).map((entry) => entry.text)).toEqual(Array.from({ length: 300 }, (_, i) => `live ${i}`));
  }, 60_000);
});

describe("a Redis that refuses writes (min-replicas-to-write unmet)", () => {
  it("still serves the reads that find a set without its mark: history, a full inbox page and a full room page, deletions and edits applied", async () => {
    const store = new MessageStore(h.redis);
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    await account(h.redis, "1", "2");
    await roomIn(h.redis, "r2", "1", "2");
    for (const target of [{ to: "2" }, { room: "r2" }]) {
      const pin = await send(store, { from: "1", ...target, text: "my pin is 4711" });
      const code = await send(store, { from: "1", ...target, text: "the code is 1234" });
      await store.store({ ...event("1", "", `del-${pin.msgId}`, pin.msgId, "", true), room: "", ...target });
      await store.store({ ...event("1", "", `edit-${code.msgId}`, code.msgId, "the code is 5678"), room: "", ...target });
    }
    // As before the sets existed: the first read asking them backfills them, which writes.
    await h.redis.del(conv.deletions(conv.ofPair("1", "2")), conv.edits(conv.ofPair("1", "2")), conv.deletions("r2"), conv.edits("r2"));
    await h.redis.config("SET", "min-replicas-to-write", "1");
    try {
      await expect(send(store, { from: "1", room: "r2", text: "refused" })).rejects.toThrow(/NOREPLICAS/);
      expect((await inboxes.read("2", "0", 2)).map((entry) => entry.message.text)).toEqual(["", "the code is 5678"]);
      expect(await textsRead(store, "r2", "0", 2)).toEqual(["", "the code is 5678"]);
      const history = await store.history({ userId: "2", room: "r2", limit: 10 });
      expect(history.map((message) => message.text).slice(0, 2)).toEqual(["", "the code is 5678"]);
    } finally {
      await h.redis.config("SET", "min-replicas-to-write", "0");
    }
  });
});
