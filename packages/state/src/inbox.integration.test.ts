// InboxStore.acknowledge against a real redis-server: a receipt moves the reader's acknowledged inbox position
// only to a message of its inbox from the named sender, and never backwards.
import { describe, expect, it } from "vitest";
import { InboxStore } from "./inbox.js";
import { keys, user } from "./keys.js";
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
