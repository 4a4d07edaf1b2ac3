// MessageStore's wake-ups and stream retention against a real redis-server.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { parseClusterMessages } from "./bus.js";
import { InboxStore } from "./inbox.js";
import { channels, user } from "./keys.js";
import { MessageStore, type StoredMessage } from "./messages.js";
import { account as accountIn, everyone, pair, room as roomIn, send } from "./message-test-support.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const account = (...userIds: string[]) => accountIn(h.redis, ...userIds);
const room = (roomId: string, ...members: string[]) => roomIn(h.redis, roomId, ...members);

describe("wake-ups", () => {
  it("rooms wake their channel, everyone all gateways, private messages each gateway of the recipient and of the sender", async () => {
    const store = new MessageStore(h.redis);
    await account("1", "2", "3");
    await room("r5", "1");
    await h.redis.hset(user.gateways("2"), "gw-x", "1", "gw-y", "2");
    await h.redis.hset(user.gateways("1"), "gw-y", "1");
    const heard: Array<{ channel: string; payload: Record<string, unknown> }> = [];
    const sub = h.connect("subscriber");
    // A gateway hears a turn's private wake-ups as one array: each is counted on its own.
    sub.on("message", (channel: string, payload: string) => {
      for (const message of parseClusterMessages(payload) ?? []) heard.push({ channel, payload: message as unknown as Record<string, unknown> });
    });
    await sub.subscribe(channels.all, channels.room("r5"), channels.gateway("gw-x"), channels.gateway("gw-y"));

    const g1 = await send(store, { text: "g1", dev: "d1" });
    const g2 = await send(store, { text: "g2 \"quoted\" \u0000 \ud800 / ✓", dev: "d1" });
    const r1 = await send(store, { room: "r5", text: "r1" });
    const p1 = await send(store, { to: "2", text: "p1", clientMsgId: "p1", dev: "d1" });
    await send(store, { to: "3", text: "to offline 3" }); // wakes only gw-y, for the sender
    await send(store, { to: "2", text: "p1", clientMsgId: "p1", dev: "d1" }); // resent

    await waitUntil(() => heard.length >= 10, 5_000, "ten wake-ups");
    expect(heard[0]).toEqual({ channel: channels.all, payload: { type: "roomMessage", room: "everyone", prev: "0", dev: "d1", message: g1 } });
    expect(heard[1]).toEqual({ channel: channels.all, payload: { type: "roomMessage", room: "everyone", prev: g1.msgId, dev: "d1", message: g2 } });
    expect(g2.text).toBe("g2 \"quoted\" \u0000 \ufffd / ✓"); // a lone surrogate is stored as U+FFFD, and answered so
    expect((await store.history({ userId: "1", limit: 2 }))[1]).toEqual(g2);
    expect(heard[2]).toEqual({ channel: channels.room("r5"), payload: { type: "roomMessage", room: "r5", prev: "0", dev: "dev-1", message: r1 } });
    const privates = heard.slice(3).map(({ channel, payload }) => `${channel} ${String(payload.userId)} ${String(payload.prev)} ${String(payload.entry)}`);
    expect(privates.slice(0, 3).sort()).toEqual([
      `cim-bus:gw:gw-x 2 0 ${p1.msgId}`, `cim-bus:gw:gw-y 1 0 ${p1.msgId}`, `cim-bus:gw:gw-y 2 0 ${p1.msgId}`,
    ]);
    expect(heard[3]!.payload).toMatchObject({ type: "inbox", dev: "d1", message: p1 });
    expect(privates[3]).toMatch(/^cim-bus:gw:gw-y 1 /); // the message to 3: only the sender's gateway
    // The resend wakes again without a prev: readers read the inbox.
    expect(privates.slice(4).sort()).toEqual([`cim-bus:gw:gw-x 2  ${p1.msgId}`, `cim-bus:gw:gw-y 1  ${p1.msgId}`, `cim-bus:gw:gw-y 2  ${p1.msgId}`]);
  });
});

describe("retention", () => {
  it("keeps about CIM_STREAM_MAXLEN messages per stream, oldest dropped, and says when a reader's point was trimmed away", async () => {
    // Small stream nodes make the approximate MAXLEN trim (whole nodes only) tight: 100 to 109 kept.
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const store = new MessageStore(h.redis, { maxLenPerStream: 100 });
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 100, maxAgeSeconds: 0 });
    await account("2");
    const group: StoredMessage[] = [];
    const inbox: StoredMessage[] = [];
    for (let i = 0; i < 300; i++) {
      group.push(await send(store, { text: `g${i}` }));
      inbox.push(await send(store, { to: "2", text: `p${i}` }));
    }
    const kept = (await store.readRoom("everyone", "0", 1_000)).map((e) => e.message);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(110);
    expect(kept.map((m) => m.msgId)).toEqual(group.slice(-kept.length).map((m) => m.msgId));
    for (const key of [user.inbox("2"), user.inbox("1"), pair("1", "2")]) expect(await h.redis.xlen(key)).toBeLessThan(110);

    expect(await store.trimmedAfter("everyone", group[0]!.msgId)).toBe(true);
    expect(await store.trimmedAfter("everyone", "0")).toBe(true);
    expect(await store.trimmedAfter("everyone", kept[0]!.msgId)).toBe(false);
    // A reader at the newest message trimmed lost nothing (review26: it was told it did, the oldest left being newer).
    const newestTrimmed = group.at(-kept.length - 1)!.msgId;
    expect([await store.trimmedAfter("everyone", String(BigInt(newestTrimmed) - 1n)), await store.trimmedAfter("everyone", newestTrimmed)]).toEqual([true, false]);
    const inboxKept = await inboxes.read("2", "0", 1_000);
    const inboxTrimmed = inbox.at(-inboxKept.length - 1)!.msgId;
    expect(inboxKept[0]?.message.msgId).toBe(inbox.at(-inboxKept.length)!.msgId);
    expect([await inboxes.trimmedAfter("2", String(BigInt(inboxTrimmed) - 1n)), await inboxes.trimmedAfter("2", inboxTrimmed)]).toEqual([true, false]);
    expect(await store.trimmedAfter("everyone", group.at(-1)!.msgId)).toBe(false);
    expect(await inboxes.trimmedAfter("2", inbox[0]!.msgId)).toBe(true);
    expect(await inboxes.trimmedAfter("2", inbox.at(-1)!.msgId)).toBe(false);
    expect(await inboxes.trimmedAfter("404", "0")).toBe(false);
    expect(await store.trimmedAfter("r9", "0")).toBe(false);
    // A reader whose point was trimmed away reads on from the oldest message left.
    expect((await store.readRoom("everyone", group[0]!.msgId, 1))[0]?.message.msgId).toBe(kept[0]!.msgId);
  });

  it("with an age limit, drops messages older than it (and keeps them without one)", async () => {
    await h.redis.config("SET", "stream-node-max-entries", "10");
    const aged = new MessageStore(h.redis, { maxAgeSeconds: 1 });
    const old: StoredMessage[] = [];
    for (let i = 0; i < 50; i++) old.push(await send(aged, { text: `old ${i}` }));
    // The next msgId lies 10 s ahead: everything stored so far is older than the 1 s limit.
    await h.redis.xadd(everyone, `${(Date.now() + 10_000) * 1000}-0`, "text", "ahead");
    const fresh = await send(aged, { text: "fresh" });
    const left = await aged.readRoom("everyone", "0", 100);
    expect(left.length).toBeLessThanOrEqual(11);
    expect(left.at(-1)?.message.msgId).toBe(fresh.msgId);
    expect(await aged.trimmedAfter("everyone", old[0]!.msgId)).toBe(true);

    await h.redis.del(everyone);
    const keeping = new MessageStore(h.redis, { maxAgeSeconds: 0 });
    for (let i = 0; i < 20; i++) await send(keeping, { text: `kept ${i}` });
    await h.redis.xadd(everyone, `${(Date.now() + 20_000) * 1000}-0`, "text", "ahead");
    await send(keeping, { text: "later" });
    expect((await keeping.readRoom("everyone", "0", 100)).length).toBe(22);
  });
});
