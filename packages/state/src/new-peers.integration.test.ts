// A user starts at most newPeersPerHour private conversations an hour with users it had none with; its chats and
// answers to those who wrote first never count. Real Redis, two stores (a gateway's and route's, caches apart).
import { describe, expect, it } from "vitest";
import { conv, user } from "./keys.js";
import { MessageStore } from "./messages.js";
import { account as accountIn } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const message = (from: string, to: string, n: number) => ({ clientMsgId: `c-${from}-${to}-${n}`, from, fromName: `u${from}`, fromDevice: "d", text: `hello ${n}`, to });

describe("new private conversations per user and hour", () => {
  it("past the limit a message to a new peer is refused and stores nothing; chats already there and answers go on", async () => {
    const gateway = new MessageStore(h.redis, { newPeersPerHour: 2 });
    const route = new MessageStore(h.redis, { newPeersPerHour: 2, accountKnownMs: 0 });
    await accountIn(h.redis, "1", "2", "3", "4", "5", "6");
    await gateway.store(message("5", "1", 0)); // 5 wrote to 1 first: 1's answer is no new conversation
    expect(await gateway.store(message("1", "2", 0))).toMatchObject({ duplicate: false });
    expect(await route.store(message("1", "3", 0))).toMatchObject({ duplicate: false });
    expect(await gateway.store(message("1", "4", 0))).toEqual({ error: "too_many_new_peers" });
    expect(await route.store(message("1", "4", 1))).toEqual({ error: "too_many_new_peers" });
    expect(await h.redis.exists(conv.messages(conv.ofPair("1", "4")))).toBe(0);
    expect(await h.redis.zscore(user.peers("4"), "1")).toBeNull();
    // Both stores: the chats started, and the answer to 5, whichever process sends.
    for (const [store, n] of [[gateway, 1], [route, 2]] as const) {
      for (const to of ["2", "3", "5"]) expect(await store.store(message("1", to, n))).toMatchObject({ duplicate: false });
    }
    // Another user's budget is its own; the counter goes with the hour.
    expect(await route.store(message("6", "4", 0))).toMatchObject({ duplicate: false });
    expect(await h.redis.pttl(user.newPeers("1"))).toBeGreaterThan(3_500_000);
  });

  it("a burst to one new peer, sent before its first message is stored, counts one new peer", async () => {
    const store = new MessageStore(h.redis, { newPeersPerHour: 2 });
    await accountIn(h.redis, "1", "2", "3");
    const burst = await Promise.all(Array.from({ length: 5 }, (_, n) => store.store(message("1", "2", n))));
    expect(burst.every((result) => "message" in result)).toBe(true);
    expect(await store.store(message("1", "3", 0))).toMatchObject({ duplicate: false });
  });

  it("0 sets no limit", async () => {
    const store = new MessageStore(h.redis, { newPeersPerHour: 0 });
    const ids = Array.from({ length: 12 }, (_, i) => String(100 + i));
    await accountIn(h.redis, "1", ...ids);
    for (const to of ids) expect(await store.store(message("1", to, 0))).toMatchObject({ duplicate: false });
    expect(await h.redis.exists(user.newPeers("1"))).toBe(0);
  });
});
