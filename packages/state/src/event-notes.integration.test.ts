// The notes of stored edits and deletions (note_event, written by the store scripts) under faults, against a real
// redis-server: a connection cut right after the store leaves no event un-noted, a note that failed in its script is
// written by the resend, and the first read of a big stream written meanwhile (its sets' backfill) hands every entry
// out once, in order, with deletions blank and edits newest.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { channels, conv, user } from "./keys.js";
import { BlockStore } from "./blocks.js";
import { PrivateBatch } from "./private-batch.js";
import { InboxStore } from "./inbox.js";
import { MessageStore, type MessageStoreOptions, type StoreInput } from "./messages.js";
import type { Redis } from "./redis.js";
import { recordFields } from "./records.js";
import { account, commandCalls, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const event = (from: string, room: string, clientMsgId: string, editOf: string, text: string, deleted = false): StoreInput & { room: string } =>
  ({ clientMsgId, from, fromName: `user${from}`, fromDevice: `dev-${from}`, text, editOf, deleted, room });
const textsRead = async (store: MessageStore, room: string, after: string, count: number) =>
  (await store.readRoom(room, after, count)).map((entry) => entry.message.text);

/**
 * A store on a connection of its own that is cut (closed) as soon as Redis has answered the script that stores into
 * `stream`: whatever the store sends after it, Redis never gets.
 */
function storeCutAfterItsScript(stream: string, options: Partial<MessageStoreOptions> = {}): { store: MessageStore; cut: () => boolean } {
  const client: Redis = h.connect("cut-after-store");
  let cut = false;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<Redis["sendCommand"]>[0], ...rest: unknown[]) => {
    const sent = (send as (...args: unknown[]) => unknown)(command, ...rest);
    if ((command.name === "evalsha" || command.name === "eval") && command.args.includes(stream)) {
      command.promise.then(() => {
        cut = true;
        client.disconnect();
      }, () => undefined);
    }
    return sent;
  }) as Redis["sendCommand"];
  return { store: new MessageStore(client, options), cut: () => cut };
}

describe("an edit or a deletion whose connection is cut right after its store (Redis gone before anything more)", () => {
  for (const [name, target, options] of [
    ["a room's", { room: "r1" }, {}],
    ["a private chat's, batched", { to: "2" }, {}],
    ["a private chat's, one message a call (as on a Redis Cluster)", { to: "2" }, { batchPrivate: false }],
  ] as const) {
    it(`is noted all the same: ${name} older pages and catch-up reads hand the new text out, never resent`, async () => {
      const store = new MessageStore(h.redis);
      await account(h.redis, "1", "2");
      await roomIn(h.redis, "r1", "1", "2");
      const pin = await send(store, { from: "1", ...target, text: "my pin is 4711" });
      const code = await send(store, { from: "1", ...target, text: "the code is 1234" });
      const kept = await send(store, { from: "1", ...target, text: "kept" });
      const convKey = "room" in target ? "r1" : conv.ofPair("1", "2");
      // The first page stopping short fills both sets and marks them complete: from now on reads trust them.
      await store.history({ userId: "2", ...("room" in target ? { room: "r1" } : { peer: "1" }), before: code.msgId, limit: 1 });
      expect(await h.redis.zscore(conv.deletions(convKey), "complete")).toBe("inf");
      expect(await h.redis.zscore(conv.edits(convKey), "complete")).toBe("inf");
      const stream = conv.messages(convKey);
      const deletion = { ...event("1", "", "del-pin", pin.msgId, "", true), ...target };
      const edition = { ...event("1", "", "edit-code", code.msgId, "the code is 5678"), ...target };
      for (const input of [deletion, edition]) {
        // The store fails (a command after the script) or answers (none): either way its connection is gone.
        const { store: cutStore, cut } = storeCutAfterItsScript(stream, options);
        await cutStore.store(input).catch((error: unknown) => expect(String(error)).toMatch(/Connection is closed/));
        expect(cut()).toBe(true);
      }
      // Both are stored after "kept"; the sender never resends them.
      expect((await h.redis.xrange(stream, "-", "+")).length).toBe(5);
      const history = await store.history({ userId: "2", ...("room" in target ? { room: "r1" } : { peer: "1" }), before: kept.msgId, limit: 2 });
      expect(history.map((message) => message.text)).toEqual(["", "the code is 5678"]);
      const caughtUp = "room" in target
        ? await store.readRoom("r1", "0", 2)
        : await new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 }).read("2", "0", 2);
      expect(caughtUp.map((entry) => entry.message.text)).toEqual(["", "the code is 5678"]);
    });
  }
});

describe("one script call of the private batch mixing messages, edits, deletions and a refused message", () => {
  it("stores each as sent and notes only the edits and deletions, each in its own conversation's sets", async () => {
    const store = new MessageStore(h.redis);
    await account(h.redis, "1", "2", "3", "4");
    const a = await send(store, { from: "1", to: "2", text: "a old" });
    const b = await send(store, { from: "1", to: "3", text: "b old" });
    await new BlockStore(h.redis).block("4", "1");
    const retention = { maxLenPerStream: 1_000, maxAgeSeconds: 0, dedupeTtlSeconds: 60 };
    const batch = new PrivateBatch(h.redis, retention, new InboxStore(h.redis, retention), true);
    const record = (to: string, clientMsgId: string, text: string, event: { editOf?: string; deleted?: boolean } = {}) => {
      const key = conv.ofPair("1", to);
      const message = { from: "1", fromName: "user1", to, room: "", text, ...event };
      return { stream: conv.messages(key), dedupe: conv.dedupe(key, "1", clientMsgId), message, dev: "dev-1", notes: { deletions: conv.deletions(key), edits: conv.edits(key) } };
    };
    const scriptCalls = async () => (await commandCalls(h.redis, "evalsha")) + (await commandCalls(h.redis, "eval"));
    const calls = await scriptCalls();
    // Stored in one event-loop turn: one script call holds them all.
    const results = await Promise.all([
      batch.store(record("2", "m1", "plain 1")),
      batch.store(record("2", "e1", "a new", { editOf: a.msgId })),
      batch.store(record("4", "m2", "refused")),
      batch.store(record("3", "d1", "", { editOf: b.msgId, deleted: true })),
      batch.store(record("3", "m3", "plain 2")),
    ]);
    expect(await scriptCalls()).toBe(calls + 1);
    expect(results.map((result) => ("refused" in result ? result.refused : result.duplicate))).toEqual([false, false, "blocked", false, false]);
    expect(await h.redis.zrange(conv.edits(conv.ofPair("1", "2")), 0, -1)).toEqual([a.msgId]);
    expect(await h.redis.exists(conv.deletions(conv.ofPair("1", "2")), conv.edits(conv.ofPair("1", "3")))).toBe(0);
    expect(await h.redis.zrange(conv.deletions(conv.ofPair("1", "3")), 0, -1)).toEqual([b.msgId]);
    expect((await store.history({ userId: "2", peer: "1", limit: 10 })).map((message) => message.text)).toEqual(["a new", "plain 1", "a new"]);
    expect((await store.history({ userId: "3", peer: "1", limit: 10 })).map((message) => message.text)).toEqual(["", "", "plain 2"]);
  });
});

describe("an edit's or deletion's note in its store's script", () => {
  it("comes from the fields the script holds: a new event reads no entry back, a resend reads its stored entry once", async () => {
    await account(h.redis, "1", "2");
    await roomIn(h.redis, "r1", "1", "2");
    const store = new MessageStore(h.redis);
    const roomMessage = await send(store, { from: "1", room: "r1", text: "room old" });
    const privateMessage = await send(store, { from: "1", to: "2", text: "private old" });
    const retention = { maxLenPerStream: 1_000, maxAgeSeconds: 0, dedupeTtlSeconds: 60 };
    const batch = new PrivateBatch(h.redis, retention, new InboxStore(h.redis, retention), true);
    const key = conv.ofPair("1", "2");
    const notes = { deletions: conv.deletions(key), edits: conv.edits(key) };
    const edit = (clientMsgId: string, text: string, deleted = false) =>
      ({ stream: conv.messages(key), dedupe: conv.dedupe(key, "1", clientMsgId), message: { from: "1", fromName: "user1", to: "2", room: "", text, editOf: privateMessage.msgId, deleted }, dev: "dev-1", notes });
    const unbatched = (clientMsgId: string, text: string) =>
      h.redis.cimStorePrivate(conv.messages(key), conv.dedupe(key, "1", clientMsgId), notes.deletions, notes.edits, "1000", "0", "60", "1000", ...recordFields({ from: "1", fromName: "user1", to: "2", room: "", text, editOf: privateMessage.msgId }, "dev-1"));
    const roomEdit = (clientMsgId: string, text: string) =>
      h.redis.cimStoreRoom(conv.messages("r1"), conv.dedupe("r1", "1", clientMsgId), conv.roomMembers("r1"), conv.deletions("r1"), conv.edits("r1"), "1", "1", "1000", "0", "60", "{}", "1000", ...recordFields({ from: "1", fromName: "user1", to: "", room: "r1", text, editOf: roomMessage.msgId }, "dev-1"));
    // XRANGE calls (the scripts' own: the calls below make no other read) of each store.
    const reads = async (run: () => Promise<unknown>) => {
      const before = await commandCalls(h.redis, "xrange");
      await run();
      return (await commandCalls(h.redis, "xrange")) - before;
    };
    expect({
      batchedNew: await reads(() => batch.store(edit("b1", "private new"))),
      batchedResend: await reads(() => batch.store(edit("b1", "private new"))),
      batchedDeletion: await reads(() => batch.store(edit("b2", "", true))),
      unbatchedNew: await reads(() => unbatched("u1", "private newer")),
      unbatchedResend: await reads(() => unbatched("u1", "private newer")),
      roomNew: await reads(() => roomEdit("r1", "room new")),
      roomResend: await reads(() => roomEdit("r1", "room new")),
    }).toEqual({ batchedNew: 0, batchedResend: 3, batchedDeletion: 0, unbatchedNew: 0, unbatchedResend: 1, roomNew: 0, roomResend: 1 });
    // And noted all the same.
    expect(await h.redis.zrange(conv.deletions(key), 0, -1)).toEqual([privateMessage.msgId]);
    expect(await h.redis.zrange(conv.edits(key), 0, -1)).toEqual([privateMessage.msgId]);
    expect(await h.redis.zrange(conv.edits("r1"), 0, -1)).toEqual([roomMessage.msgId]);
    expect((await store.history({ userId: "2", room: "r1", limit: 10 })).map((message) => message.text)).toEqual(["room new", "room new"]);
  });
});

// The scene of the two late-resend cases below: user 1 wrote "my pin is 4711" and "the code is 1234" to user 2, and
// only the conversation steps were done (the inbox steps failed, their master was down): the sender will resend.
async function conversationStepsAlone(maxLen: number): Promise<{ pin: string; code: string }> {
  const key = conv.ofPair("1", "2");
  const conversationStep = async (clientMsgId: string, text: string) => {
    const record = { from: "1", fromName: "user1", to: "2", room: "", text };
    const [stored] = await h.redis.cimStorePrivate(conv.messages(key), conv.dedupe(key, "1", clientMsgId), conv.deletions(key), conv.edits(key), String(maxLen), "0", "60", "", ...recordFields(record, "d"));
    return stored.split(":")[0]!;
  };
  return { pin: await conversationStep("pin", "my pin is 4711"), code: await conversationStep("code", "the code is 1234") };
}

/** The wake-ups published to gateway `gatewayId` from now on, as they come. */
async function wakesOf(gatewayId: string): Promise<string[]> {
  const subscriber = h.connect(gatewayId);
  const wakes: string[] = [];
  subscriber.on("message", (_channel: string, payload: string) => wakes.push(payload));
  await subscriber.subscribe(channels.gateway(gatewayId));
  return wakes;
}

/** The sender's resends of both, which finish their inbox steps. */
async function resendBoth(store: MessageStore): Promise<void> {
  for (const [clientMsgId, text] of [["pin", "my pin is 4711"], ["code", "the code is 1234"]] as const) {
    await store.store({ clientMsgId, from: "1", fromName: "user1", fromDevice: "d", to: "2", text });
  }
}

/** Both resends' wake-ups name no entry before them: a gateway reads the inbox rather than hand them out as sent. */
async function expectReadersSentToRead(wakes: string[]): Promise<void> {
  await waitUntil(() => wakes.length === 2, 5_000, "the wake-ups of both resends");
  expect(wakes.map((wake) => (JSON.parse(wake) as { prev: string }).prev)).toEqual(["", ""]);
}

describe("a private message whose inbox steps are finished by its resend after it was deleted or edited (a failure between the steps, as on a Redis Cluster)", () => {
  // The event's own inbox step notes the message first, from the conversation (APPEND_INBOX's needs, bd267c3), so the
  // inbox holds it before its event, read with the newest text, and the resends find it there.
  it("reaches the recipient's readers once, before its event, blank or edited, and the resends' wake-ups send readers to read", async () => {
    const store = new MessageStore(h.redis, { batchPrivate: false });
    await account(h.redis, "1", "2");
    await h.redis.hset(user.gateways("2"), "gw-2", "1");
    const { pin, code } = await conversationStepsAlone(1_000);
    // From another device the sender deletes the one and edits the other (both seen in history): stored whole.
    for (const input of [event("1", "", "del", pin, "", true), event("1", "", "edit", code, "the code is 5678")]) {
      expect("message" in (await store.store({ ...input, room: undefined, to: "2" }))).toBe(true);
    }
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    const position = (await inboxes.read("2", "0", 10)).at(-1)!.position; // a device that got both events
    const wakes = await wakesOf("gw-2");
    await resendBoth(store);
    const texts = async (after: string) => (await inboxes.read("2", after, 10)).map((entry) => [entry.message.msgId, entry.message.text, entry.message.editOf ?? ""]);
    // The device that got both events gets nothing more; one catching up from the start gets each message once, before
    // its event, never with its old text.
    expect(await texts(position)).toEqual([]);
    const [del, edit] = (await inboxes.read("2", "0", 10)).filter((entry) => entry.message.editOf).map((entry) => entry.message.msgId);
    expect(await texts("0")).toEqual([[pin, "", ""], [del, "", pin], [code, "the code is 5678", ""], [edit, "the code is 5678", code]]);
    await expectReadersSentToRead(wakes);
  });
});

describe("a private message whose inbox steps are finished by its resend after the recipient's inbox trimmed past it", () => {
  // The event's inbox step finds the message lost to trimming (APPEND_INBOX's needs lets it through), so the resend
  // puts the message after its event: what append_inbox's prev '' and InboxStore.read's check of a message older than
  // its start are for (ada7943).
  it("reaches the recipient's readers blank or edited: a read from past the event asks the sets, and the wake-up sends its readers to read", async () => {
    // A small length limit: the recipient's inbox trims whole blocks of 100 entries past it.
    const options = { maxLenPerStream: 100, maxAgeSeconds: 0 };
    const store = new MessageStore(h.redis, { ...options, batchPrivate: false });
    await account(h.redis, "1", "2", "3");
    await h.redis.hset(user.gateways("2"), "gw-2", "1");
    const { pin, code } = await conversationStepsAlone(options.maxLenPerStream);
    // Another user writes to the recipient meanwhile, past its inbox's length: trimmed, it may have held the two.
    const others = new MessageStore(h.redis, options);
    await Promise.all(Array.from({ length: 300 }, (_, i) => send(others, { from: "3", to: "2", text: `busy ${i}` })));
    expect(await h.redis.xlen(user.inbox("2"))).toBeLessThan(300);
    // From another device the sender deletes the one and edits the other (both seen in history): stored whole, the
    // events noted alone in the recipient's inbox.
    for (const input of [event("1", "", "del", pin, "", true), event("1", "", "edit", code, "the code is 5678")]) {
      expect("message" in (await store.store({ ...input, room: undefined, to: "2" }))).toBe(true);
    }
    const inboxes = new InboxStore(h.redis, options);
    const position = (await inboxes.read("2", "0", 1_000)).at(-1)!.position; // a device that got both events
    const wakes = await wakesOf("gw-2");
    await resendBoth(store);
    expect((await inboxes.read("2", position, 10)).map((entry) => entry.message.text)).toEqual(["", "the code is 5678"]);
    await expectReadersSentToRead(wakes);
  });
});

describe("an edit's or deletion's note", () => {
  it("that failed in its store's script (Redis refusing ZADD after the entry was added) is written by the resend, and reads stopping short apply it", async () => {
    const store = new MessageStore(h.redis);
    await roomIn(h.redis, "r1", "1", "2");
    const pin = await send(store, { from: "1", room: "r1", text: "my pin is 4711" });
    const code = await send(store, { from: "1", room: "r1", text: "the code is 1234" });
    await send(store, { from: "1", room: "r1", text: "kept" });
    // A page stopping short asks both sets: found without their mark, they are backfilled and marked complete.
    expect(await textsRead(store, "r1", "0", 1)).toEqual(["my pin is 4711"]);
    // Redis refuses the notes' ZADD: the store's script fails after it added the entry and its dedupe record.
    await h.redis.call("ACL", "SETUSER", "default", "-zadd");
    const deletion = event("1", "r1", "del-pin", pin.msgId, "", true);
    const edition = event("1", "r1", "edit-code", code.msgId, "the code is 5678");
    try {
      await expect(store.store(deletion)).rejects.toThrow(/NOPERM|permission|can't run this command|EXECABORT/i);
      await expect(store.store(edition)).rejects.toThrow(/NOPERM|permission|can't run this command|EXECABORT/i);
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
