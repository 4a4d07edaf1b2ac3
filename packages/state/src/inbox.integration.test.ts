// InboxStore.acknowledge against a real redis-server: a receipt moves the reader's acknowledged inbox position
// only to a message of its inbox from the named sender, and never backwards.
import { describe, expect, it } from "vitest";
import { InboxStore } from "./inbox.js";
import { waitUntil } from "@cim/devstack";
import { channels, keys, user } from "./keys.js";
import { MessageStore } from "./messages.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const [SENDER, READER, OTHER] = ["11", "12", "13"] as const;

async function setUp() {
  const store = new MessageStore(h.redis);
  const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
  for (const userId of [SENDER, READER, OTHER]) await h.redis.hset(keys.account(userId), { userName: `user${userId}`, passwordHash: "x", createdAt: "0" });
  const sent = async (text: string, from: string = SENDER, to: string = READER) => {
    const result = await store.store({ clientMsgId: text, from, fromName: "sender", fromDevice: "", to, text });
    if ("error" in result) throw new Error(result.error);
    return result.message.msgId;
  };
  return { inboxes, sent, a: await sent("a"), b: await sent("b"), acked: () => h.redis.get(user.acked(READER)) };
}

describe("acknowledging a private message", () => {
  it("counts only for a message of the reader's inbox from the named sender", async () => {
    const { inboxes, a, acked } = await setUp();
    expect(await inboxes.acknowledge(READER, a, OTHER)).toBe(false); // wrong sender
    expect(await inboxes.acknowledge(OTHER, a, SENDER)).toBe(false); // not in that inbox
    expect(await inboxes.acknowledge(READER, "99999999999999999", SENDER)).toBe(false); // no such message
    expect(await inboxes.acknowledge(READER, "99999999999999999999", SENDER)).toBe(false); // not even a stream id
    expect(await inboxes.acknowledge(READER, `000${a}`, SENDER)).toBe(false); // Redis would read it as a: not its msgId
    expect(await acked()).toBeNull();
    expect(await inboxes.acknowledge(READER, a, SENDER)).toBe(true);
    expect(await acked()).toBe(a);
  });

  it("moves the position forward only, to the entry's own id", async () => {
    const { inboxes, a, b, acked } = await setUp();
    expect(await inboxes.acknowledge(READER, b, SENDER)).toBe(true);
    expect(await inboxes.acknowledge(READER, a, SENDER)).toBe(true); // true, but never backwards
    expect(await acked()).toBe(b);
    expect(await inboxes.acknowledged(READER)).toBe(b);
    expect(await inboxes.acknowledged(OTHER)).toBe("0");
  });

  it("a message noted past its msgId (another chat's newer entry came first) moves the position to its entry", async () => {
    const { inboxes, sent, b, acked } = await setUp();
    // A message of OTHER's chat with an older msgId than b, noted after b: its entry is one past b.
    const older = { msgId: String(Number(b) - 10), from: OTHER, fromName: "other", to: READER, room: "", text: "late", ts: 0 };
    const position = await inboxes.append(READER, OTHER, older, "");
    expect(await inboxes.acknowledge(READER, older.msgId, OTHER)).toBe(true);
    expect(await acked()).toBe(position);
    expect(await inboxes.msgIdAt(READER, position)).toBe(older.msgId);
    await sent("c");
    expect(await inboxes.acknowledge(READER, b, SENDER)).toBe(true); // b's entry is older: the position stays
    expect(await acked()).toBe(position);
  });

  it("repairs a position forged past the inbox: reads resume from the newest message, the next receipt replaces it", async () => {
    const { inboxes, a, b, acked } = await setUp();
    await h.redis.set(user.acked(READER), "99999999999999999999");
    expect(await inboxes.acknowledged(READER)).toBe(b);
    expect(await inboxes.acknowledge(READER, a, SENDER)).toBe(true);
    expect(await acked()).toBe(a);
  });

  it("the sender's own inbox holds what it sent, for its other devices; a receipt naming itself counts there", async () => {
    const { inboxes, a } = await setUp();
    expect((await inboxes.read(SENDER, "0", 10)).map((e) => e.message.msgId)).toContain(a);
    expect(await inboxes.acknowledge(SENDER, a, SENDER)).toBe(true);
    expect(await inboxes.acknowledge(SENDER, a, READER)).toBe(false);
  });
});

describe("what a receipt reads", () => {
  it("reads the one entry at its msgId, not the entries after it: a device catching up acknowledges old messages", async () => {
    // Found by scripts/slow-link-probe.ts: a device catching up on ~1,000 private messages of 2 KB sent a receipt per
    // message, each copying the 100 entries after it into the script (10-24 ms of Redis each, in SLOWLOG). What the
    // script reads is watched (MONITOR shows the commands a script runs), not timed.
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    await h.redis.hset(keys.account(READER), { userName: "reader", passwordHash: "x", createdAt: "0" });
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      const msgId = String(1_700_000_000_000_000 + i * 10);
      await inboxes.append(READER, SENDER, { msgId, from: SENDER, fromName: "sender", to: READER, room: "", text: `m${i}`, ts: 0 }, "");
      ids.push(msgId);
    }
    const monitor = await h.redis.monitor();
    const reads: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === "xrange" && args[1] === user.inbox(READER)) reads.push(args.slice(2));
    });
    try {
      for (let i = 0; i < 20; i++) expect(await inboxes.acknowledge(READER, ids[i]!, SENDER)).toBe(true);
      await waitUntil(() => reads.length >= 20, 5_000, "the receipts' reads");
    } finally {
      monitor.disconnect();
    }
    expect(reads).toEqual(ids.slice(0, 20).map((msgId) => [`${msgId}-0`, "+", "COUNT", "1"]));
  });
});

describe("the inbox's newest entry id kept beside it", () => {
  const message = (msgId: string) => ({ msgId, from: OTHER, fromName: "other", to: READER, room: "", text: `m${msgId}`, ts: 0 });
  const wakes = async () => {
    const heard: Array<{ prev?: string; entry?: string }> = [];
    const sub = h.connect("subscriber");
    sub.on("message", (_channel: string, payload: string) => heard.push(JSON.parse(payload) as { prev?: string; entry?: string }));
    await sub.subscribe(channels.gateway("gw-1"));
    await h.redis.hset(user.gateways(READER), "gw-1", "1");
    return heard;
  };

  it("is read from the stream when missing (data older than it) or behind it, so the message goes past the real newest", async () => {
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    const heard = await wakes();
    // Entries written without the key, as before it existed.
    await h.redis.xadd(user.inbox(READER), "1000-0", "msgId", "1000");
    expect(await inboxes.append(READER, OTHER, message("2000"), "")).toBe("2000");
    expect(await h.redis.get(user.inboxLast(READER))).toBe("2000");
    // The key behind the stream (an entry appended without it): the message goes one past the real newest.
    await h.redis.xadd(user.inbox(READER), "3000-0", "msgId", "3000");
    expect(await inboxes.append(READER, OTHER, message("2500"), "")).toBe("3001");
    expect(await h.redis.get(user.inboxLast(READER))).toBe("3001");
    // A message the inbox holds already is not noted again, and the key keeps the newest.
    expect(await inboxes.append(READER, OTHER, message("2500"), "")).toBe("3001");
    expect(await h.redis.get(user.inboxLast(READER))).toBe("3001");
    await waitUntil(() => heard.length === 3, 5_000, "three wake-ups");
    // 2500 went after an entry as new as it (3000, an edit or deletion of it could be such a one): its wake names no
    // entry before it, so its readers read the inbox (changed: "3000 3001", and a reader at 3000 took it as sent).
    expect(heard.map(({ prev, entry }) => `${prev} ${entry}`)).toEqual(["1000 2000", " 3001", " 3001"]);
    expect((await h.redis.xrange(user.inbox(READER), "-", "+")).map(([id]) => id)).toEqual(["1000-0", "2000-0", "3000-0", "3001-0"]);
  });
});

describe("a message noted more than 100 entries past its msgId (its inbox step done late, on a Redis Cluster)", () => {
  const message = (msgId: string, from: string = OTHER, extra: Record<string, string> = {}) => ({ msgId, from, fromName: "other", to: READER, room: "", text: `m${msgId}`, ts: 0, ...extra });

  it("is found again: a resend, an edit's check of its message and a receipt do not note it twice", async () => {
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 10_000, maxAgeSeconds: 0 });
    await h.redis.hset(keys.account(SENDER), { userName: "sender", passwordHash: "x", createdAt: "0" });
    // 150 messages of another chat, newer than 2000, noted before it.
    for (let i = 1; i <= 150; i++) await inboxes.append(READER, SENDER, message(String(2000 + i), SENDER), "");
    const late = await inboxes.append(READER, OTHER, message("2000"), "");
    expect(late).toBe("2151");
    // The resend's inbox step (it redoes both), and an edit of it whose step asks for its message first (needs).
    expect(await inboxes.append(READER, OTHER, message("2000"), "")).toBe(late);
    const edit = message("2200", OTHER, { editOf: "2000", text: "edited" });
    let readsOfMessage = 0;
    await inboxes.append(READER, OTHER, edit, "", { msgId: "2000", read: async () => (readsOfMessage++, { position: "2000-0", message: message("2000"), dev: "" }) });
    const held = (await h.redis.xrange(user.inbox(READER), "-", "+")).map(([, fields]) => fields[fields.indexOf("msgId") + 1]);
    expect(held.filter((msgId) => msgId === "2000")).toEqual(["2000"]);
    expect(held.length).toBe(152);
    expect(readsOfMessage).toBe(0);
    // A receipt for it counts, at its entry; a client's cursor naming it stands there.
    expect(await inboxes.acknowledge(READER, "2000", OTHER)).toBe(true);
    expect(await inboxes.acknowledged(READER)).toBe(late);
    expect(await inboxes.positionOf(READER, "2000")).toBe(late);
  });

  it("an edit of a message newer than every entry the inbox trimmed waits for it: the trim did not take it", async () => {
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 10_000, maxAgeSeconds: 0 });
    await inboxes.append(READER, OTHER, message("1000"), "");
    await inboxes.append(READER, OTHER, message("3000"), "");
    await h.redis.xtrim(user.inbox(READER), "MAXLEN", 1);
    // 2000's own inbox step is still on its way (a Redis Cluster) when its edit comes. The inbox lost only 1000, older
    // than it; its oldest entry left (3000) is newer, which alone read as "2000 may be lost" (review26).
    let readsOfMessage = 0;
    const edit = message("3100", OTHER, { editOf: "2000", text: "edited" });
    await inboxes.append(READER, OTHER, edit, "", { msgId: "2000", read: async () => (readsOfMessage++, { position: "2000-0", message: message("2000"), dev: "" }) });
    expect(readsOfMessage).toBe(1);
    const held = (await h.redis.xrange(user.inbox(READER), "-", "+")).map(([, fields]) => fields[fields.indexOf("msgId") + 1]);
    expect(held).toEqual(["3000", "2000", "3100"]);
  });

  it("stays found while the inbox holds it: the index, bounded, forgets only entries the inbox trimmed", async () => {
    const KEPT = 120;
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: KEPT, maxAgeSeconds: 0 });
    await h.redis.hset(keys.account(SENDER), { userName: "sender", passwordHash: "x", createdAt: "0" });
    for (let i = 1; i <= 150; i++) await inboxes.append(READER, SENDER, message(String(2000 + i), SENDER), "");
    // Every one of these lands past the 100 entries after its msgId (all newer), so each is noted in the index: more
    // than the inbox keeps, then more than twice that.
    const lateOnes = Array.from({ length: 2 * KEPT + 60 }, (_, i) => String(1000 + i));
    const entryOf = new Map<string, string>();
    const heldNow = async () => (await h.redis.xrange(user.inbox(READER), "-", "+")).map(([, fields]) => fields[fields.indexOf("msgId") + 1]!);
    const resendHeld = async () => {
      const held = new Set(await heldNow());
      for (const msgId of lateOnes) if (held.has(msgId)) expect(await inboxes.append(READER, OTHER, message(msgId), "")).toBe(entryOf.get(msgId));
      return held;
    };
    for (const [i, msgId] of lateOnes.entries()) {
      entryOf.set(msgId, await inboxes.append(READER, OTHER, message(msgId), ""));
      // Past the kept length (the old index was emptied whole there), and past twice it (the bound's cleaning).
      if (i === KEPT || i === 2 * KEPT + 1) await resendHeld();
    }
    const held = await resendHeld();
    expect(held.size).toBeGreaterThan(100);
    const copies = (await heldNow()).filter((msgId) => lateOnes.includes(msgId));
    expect(copies.length - new Set(copies).size).toBe(0);
    // The index names no entry the inbox trimmed beyond its bound, and every held one.
    const index = await h.redis.hgetall(user.inboxLate(READER));
    expect(Object.keys(index).length).toBeLessThanOrEqual(2 * KEPT);
    for (const msgId of held) if (lateOnes.includes(msgId)) expect(index[msgId]).toBe(entryOf.get(msgId));
  });
});
