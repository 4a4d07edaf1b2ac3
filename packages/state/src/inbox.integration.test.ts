// MessageStore.acknowledge against a real redis-server: a receipt moves the reader's inbox cursor only to a
// message of its inbox from the named sender, and never backwards.
import { describe, expect, it } from "vitest";
import { keys } from "./keys.js";
import { MessageStore } from "./messages.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const [SENDER, READER, OTHER] = ["11", "12", "13"];

async function setUp() {
  const store = new MessageStore(h.redis);
  for (const userId of [SENDER, READER, OTHER]) await h.redis.hset(keys.account(userId), { userName: `user${userId}`, passwordHash: "x", createdAt: "0" });
  const sent = async (text: string) => (await store.store({ clientMsgId: text, from: SENDER!, fromName: "sender", to: READER!, text }))!.message.msgId;
  return { store, a: await sent("a"), b: await sent("b"), cursor: () => h.redis.get(keys.inboxCursor(READER!)) };
}

describe("acknowledging a private message", () => {
  it("counts only for a message of the reader's inbox from the named sender", async () => {
    const { store, a, cursor } = await setUp();
    expect(await store.acknowledge(READER!, a, OTHER!)).toBe(false); // wrong sender
    expect(await store.acknowledge(OTHER!, a, SENDER!)).toBe(false); // not in that inbox
    expect(await store.acknowledge(READER!, "99999999999999999", SENDER!)).toBe(false); // no such message
    expect(await store.acknowledge(READER!, "99999999999999999999", SENDER!)).toBe(false); // not even a stream id
    expect(await cursor()).toBeNull();
    expect(await store.acknowledge(READER!, a, SENDER!)).toBe(true);
    expect(await cursor()).toBe(a);
  });

  it("moves the cursor forward only, to the entry's own id", async () => {
    const { store, a, b, cursor } = await setUp();
    expect(await store.acknowledge(READER!, b, SENDER!)).toBe(true);
    expect(await store.acknowledge(READER!, a, SENDER!)).toBe(true); // true, but never backwards
    expect(await cursor()).toBe(b);
    expect(await store.acknowledge(READER!, `000${b}`, SENDER!)).toBe(true); // Redis reads it as b: b is stored
    expect(await cursor()).toBe(b);
    expect(await store.inboxCursor(READER!)).toBe(b);
  });

  it("repairs a cursor forged past the inbox: reads resume from the newest message, the next receipt replaces it", async () => {
    const { store, a, b, cursor } = await setUp();
    await h.redis.set(keys.inboxCursor(READER!), "99999999999999999999");
    expect(await store.inboxCursor(READER!)).toBe(b);
    expect(await store.acknowledge(READER!, a, SENDER!)).toBe(true);
    expect(await cursor()).toBe(a);
  });
});
