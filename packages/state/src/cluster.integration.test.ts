// The stores on a real Redis Cluster (3 masters, 3 replicas) through createRedisClient: messages of every kind
// wake their readers on sharded channels, cross-slot reads work, SCAN sees every master, WAIT reaches a replica,
// and a subscriber re-subscribes after its master is killed.
import calculateSlot from "cluster-key-slot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { AccountStore } from "./accounts.js";
import { BusPublisher, parseClusterMessage, type ClusterMessage } from "./bus.js";
import { BusWatchdog } from "./bus-watchdog.js";
import { channels, conv, keys, user } from "./keys.js";
import { InboxStore } from "./inbox.js";
import { recordFields } from "./records.js";
import { account, pair, room, send } from "./message-test-support.js";
import { MessageStore } from "./messages.js";
import { RoomStore } from "./rooms.js";
import { Redis } from "ioredis";
import { createRedisClient, isCluster, onBusMessage, publish, scanKeys, subscribe, waitForReplicasOf, type RedisClient } from "./redis.js";
import { SessionStore } from "./sessions.js";
import { UserDirectory } from "./users.js";

let cluster: RedisCluster;
let redis: RedisClient;
let subscriber: RedisClient;
const heard: Array<{ channel: string; message: ClusterMessage | null }> = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  const target = { url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) };
  redis = createRedisClient(target, "cim-state-cluster-test");
  subscriber = createRedisClient(target, "cim-state-cluster-test-sub", { subscriber: true });
  onBusMessage(subscriber, (channel, payload) => heard.push({ channel, message: parseClusterMessage(payload) }));
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  subscriber?.disconnect();
  await cluster?.dispose();
});

describe("the stores on a Redis Cluster", () => {
  it("wake room, group and inbox readers on sharded channels, each in its own slot", async () => {
    expect(isCluster(redis)).toBe(true);
    const gwChannels = ["gw-a", "gw-b", "gw-c"].map(channels.gateway);
    // Channels in several slots, as a gateway subscribes them: one SSUBSCRIBE each.
    expect(new Set([...gwChannels, channels.all, channels.room("r1")].map((c) => calculateSlot(c))).size).toBeGreaterThan(1);
    await subscribe(subscriber, ...gwChannels, channels.all, channels.room("r1"));
    const sessions = new SessionStore(redis);
    const messages = new MessageStore(redis);
    await account(redis, "1", "2");
    await room(redis, "r1", "1", "2");
    await sessions.claim("2", "gw-b");
    const group = await send(messages, { from: "1", text: "to all" });
    const inRoom = await send(messages, { from: "1", room: "r1", text: "to r1" });
    const direct = await send(messages, { from: "1", to: "2", text: "to two" });
    await new BusPublisher(redis, sessions).toGateway("gw-c", { type: "presence", userId: "1", userName: "user1", online: true });
    await waitUntil(() => heard.length >= 4, 10_000, "four wake-ups");
    const of = (channel: string) => heard.filter((h) => h.channel === channel).map((h) => h.message);
    expect(of(channels.all)).toMatchObject([{ type: "roomMessage", room: "everyone", message: { msgId: group.msgId } }]);
    expect(of(channels.room("r1"))).toMatchObject([{ type: "roomMessage", room: "r1", message: { msgId: inRoom.msgId } }]);
    expect(of(channels.gateway("gw-b"))).toMatchObject([{ type: "inbox", userId: "2", message: { msgId: direct.msgId } }]);
    expect(of(channels.gateway("gw-c"))).toMatchObject([{ type: "presence", userId: "1" }]);
    expect(of(channels.gateway("gw-a"))).toEqual([]);
  });

  it("reads names across slots, finds keys on every master with SCAN, and counts a replica with WAIT", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => String(100 + i));
    await account(redis, ...ids);
    const slots = new Set(ids.map((id) => calculateSlot(keys.account(id))));
    expect(slots.size).toBeGreaterThan(3);
    expect(await new AccountStore(redis).names([...ids, "404"])).toEqual([...ids.map((id) => `user${id}`), ""]);
    const sessions = new SessionStore(redis);
    for (const gw of ["gw-x", "gw-y", "gw-z", "gw-w"]) await sessions.claim("1", gw);
    expect((await sessions.gatewaysWithUsers()).sort()).toEqual(expect.arrayContaining(["gw-w", "gw-x", "gw-y", "gw-z"]));
    expect(await sessions.connections(["gw-x", "gw-y", "nope"])).toEqual([1, 1, 0]);
    const directory = new UserDirectory(redis);
    expect(await directory.backfill((name) => name)).toBeGreaterThanOrEqual(ids.length);
    await redis.set(keys.account("wait-probe"), "1");
    expect(await waitForReplicasOf(redis, [keys.account("wait-probe"), keys.account("1")], 1, 5_000)).toEqual({ replicas: 1, demoted: false });
  });

  it("pages a room's members by name: a room kept before the index is indexed from names in other slots", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => String(300 + i));
    await account(redis, ...ids);
    // A room as an older route left it: members, no name index.
    await room(redis, "r-pages", ...ids.slice(0, 20));
    const rooms = new RoomStore(redis, { nameKeyOf: (name) => name });
    for (const id of ids.slice(20)) await rooms.join("r-pages", id, { userName: `user${id}` });
    const seen: string[] = [];
    let after = "";
    do {
      const page = await rooms.memberPage("r-pages", { prefix: "user3", after, limit: 7, budget: 2_000 });
      expect(page.count).toBe(30);
      seen.push(...page.userIds);
      after = page.next;
    } while (after);
    expect(seen).toEqual(ids);
    // The gateways' check of a room read: one MULTI on the room's slot (300 a member kept before joined positions were: "0").
    await rooms.leave("r-pages", "301");
    expect(await rooms.membershipsOf("r-pages", ["300", "301", "325"])).toEqual(new Map([["300", "0"], ["325", "0"]]));
  });

  it("reads the newest entry of conversations in many slots at once (newestOf: one read each there)", async () => {
    await account(redis, "401", "402");
    const store = new MessageStore(redis);
    const rooms = ["r90401", "r90402", "r90403"];
    for (const roomId of rooms) await room(redis, roomId, "401");
    const first = await send(store, { from: "401", room: rooms[0]!, text: "one" });
    const peer = await send(store, { from: "401", to: "402", text: "hi" });
    expect(await store.newestOf("401", [...rooms, "402"])).toEqual([first.msgId, "0", "0", peer.msgId]);
    expect(await store.newestOf("401", [...rooms, "402"], first.msgId)).toEqual([first.msgId, "0", "0", "0"]);
  });

  it("SCAN finds the keys of every master when a master's connection closes under it (ioredis replaced it)", async () => {
    const tags = Array.from({ length: 30 }, (_, i) => `scan-${i}`);
    for (const tag of tags) await redis.set(`cim-scan-test:{${tag}}`, "1");
    const cluster = redis as Exclude<RedisClient, Redis>;
    expect(new Set(tags.map((tag) => calculateSlot(`cim-scan-test:{${tag}}`))).size).toBeGreaterThan(3);
    // The connection SCAN is about to use closes (ioredis replaces a node's connection when its slot map changes).
    cluster.nodes("master")[0]!.disconnect();
    expect((await scanKeys(redis, "cim-scan-test:*")).sort()).toEqual(tags.map((tag) => `cim-scan-test:{${tag}}`).sort());
  });

  it("the watchdog subscribes again when a sharded subscription is gone, and says so", async () => {
    const canary = channels.gateway("gw-canary");
    await subscribe(subscriber, canary);
    let resubscribed = 0;
    const watchdog = new BusWatchdog({ redis, subscriber, canary, channels: () => [canary], onResubscribed: () => resubscribed++, onError: (error) => { throw error; } });
    expect(await watchdog.check()).toBe(false);
    // What a lost re-subscription looks like: the shard no longer sends this channel to us.
    await (subscriber as import("ioredis").Cluster).sunsubscribe(canary);
    expect(await watchdog.check()).toBe(false); // one miss may be ioredis re-subscribing
    expect(await watchdog.check()).toBe(true);
    expect(resubscribed).toBe(1);
    const before = heard.length;
    await waitUntil(async () => {
      await publish(redis, canary, JSON.stringify({ type: "presence", userId: "7", userName: "", online: true }));
      return heard.slice(before).some((h) => h.channel === canary);
    }, 10_000, "a message on the re-subscribed canary");
    expect(await watchdog.check()).toBe(false);
  });

  it("re-subscribes after the master holding a channel's slot is killed (its replica promoted)", { timeout: 90_000 }, async () => {
    const channel = channels.room("r-failover");
    await subscribe(subscriber, channel);
    const roles = await Promise.all(cluster.members.map((m) => m.role()));
    const slotOwnerPort = await nodePortOf(channel);
    const victim = cluster.members.find((m, i) => m.port === slotOwnerPort && roles[i] === "master")!;
    let resubscribed = 0;
    subscriber.on("subscribersReady", () => resubscribed++);
    await victim.stop("SIGKILL");
    await waitUntil(async () => (await nodePortOf(channel).catch(() => victim.port)) !== victim.port, 30_000, "a replica to take over the channel's slot");
    await waitUntil(() => resubscribed > 0, 30_000, "the sharded subscribers to re-subscribe");
    const before = heard.length;
    await waitUntil(async () => {
      await publish(redis, channel, JSON.stringify({ type: "roomMessage", room: "r-failover" }));
      return heard.slice(before).some((h) => h.channel === channel);
    }, 30_000, "a wake-up on the re-subscribed channel");
  });

  it("the watchdog takes a subscription held on a replica of the shard as held (a paused master comes back as one)", async () => {
    // A master paused past cluster-node-timeout comes back as a replica, still holding the subscriptions it had,
    // and Redis sends the shard's messages to them. Here such a subscription is made directly on a replica.
    await cluster.ready();
    // A shard that has a replica (an earlier test killed a master for good).
    let canary = "";
    let replica: Awaited<ReturnType<RedisCluster["replicaOf"]>> | undefined;
    for (let i = 0; !replica; i++) {
      canary = channels.gateway(`gw-on-replica-${i}`);
      replica = await cluster.replicaOf(await cluster.masterOf(canary)).catch(() => undefined);
    }
    const onReplica = new Redis(replica.port, "127.0.0.1");
    try {
      await onReplica.call("READONLY");
      const got: string[] = [];
      onReplica.on("smessage", (_channel: string, payload: string) => got.push(payload));
      await onReplica.ssubscribe(canary);
      await waitUntil(async () => {
        await publish(redis, canary, "ping");
        return got.length > 0;
      }, 10_000, "a message published on the master to reach the subscription on its replica");
      let resubscribed = 0;
      const watchdog = new BusWatchdog({ redis, subscriber, canary, channels: () => [], onResubscribed: () => resubscribed++, onError: (error) => { throw error; } });
      expect([await watchdog.check(), await watchdog.check(), await watchdog.check()]).toEqual([false, false, false]);
      expect(resubscribed).toBe(0);
    } finally {
      onReplica.disconnect();
    }
  });
});

// A private message's steps are calls of their own here (one slot each): what a first attempt that stopped after its
// conversation step (its gateway died, a master failed over) leaves behind must not change what the inboxes note.
describe("a private message's steps on a Redis Cluster", () => {
  const retention = { maxLenPerStream: 100, maxAgeSeconds: 0 };
  const inboxTexts = async (userId: string) => (await new InboxStore(redis, retention).read(userId, "0", 10)).map(({ message }) => [message.msgId, message.text, message.editOf ?? ""]);
  /** The conversation step of a message alone, as a gateway that died right after it left it (a MessageStore made first defines the script). */
  const conversationStepOnly = async (from: string, to: string, clientMsgId: string, text: string): Promise<string> => {
    const record = { from, fromName: `user${from}`, to, room: "", text };
    const convKey = conv.ofPair(from, to);
    const [stored] = await redis.cimStorePrivate(pair(from, to), conv.dedupe(convKey, from, clientMsgId), conv.deletions(convKey), conv.edits(convKey), "100", "0", "60", "", ...recordFields(record, "phone"));
    return stored.split(":")[0]!;
  };

  it("a resend with the same clientMsgId but other text notes the text its conversation holds in both inboxes", async () => {
    await cluster.ready();
    const store = new MessageStore(redis);
    await account(redis, "301", "302");
    const msgId = await conversationStepOnly("301", "302", "k1", "as first sent");
    const resent = await store.store({ clientMsgId: "k1", from: "301", fromName: "user301", fromDevice: "phone", to: "302", text: "other text" });
    for (const userId of ["302", "301"]) expect(await inboxTexts(userId)).toEqual([[msgId, "as first sent", ""]]);
    expect(resent).toMatchObject({ duplicate: true, message: { msgId, text: "as first sent" } });
    expect((await store.history({ userId: "302", peer: "301", limit: 10 })).map((m) => m.text)).toEqual(["as first sent"]);
  });

  it("an edit from the sender's other device reaches both inboxes after its message, also before the message's own inbox steps", async () => {
    await cluster.ready();
    const store = new MessageStore(redis);
    await account(redis, "311", "312");
    // The phone's message, stored in the conversation, where the sender's laptop finds it (its history) and edits it.
    const msgId = await conversationStepOnly("311", "312", "m1", "tpyo");
    const edit = await store.store({ clientMsgId: "e1", from: "311", fromName: "user311", fromDevice: "laptop", to: "312", text: "typo", editOf: msgId });
    if ("error" in edit) throw new Error(edit.error);
    const expected = [[msgId, "typo", ""], [edit.message.msgId, "typo", msgId]];
    for (const userId of ["312", "311"]) expect(await inboxTexts(userId)).toEqual(expected);
    // The phone's resend finishes its steps late: nothing is noted twice.
    await store.store({ clientMsgId: "m1", from: "311", fromName: "user311", fromDevice: "phone", to: "312", text: "tpyo" });
    for (const userId of ["312", "311"]) expect(await inboxTexts(userId)).toEqual(expected);
  });

  it("an edit of a message its inbox no longer holds (trimmed) does not bring the message back", async () => {
    await cluster.ready();
    const store = new MessageStore(redis);
    await account(redis, "321", "322", "323");
    const old = await send(store, { from: "321", to: "322", text: "old" });
    const later = await send(store, { from: "323", to: "322", text: "from another chat" });
    // The inbox holds all of 322's chats: its length limit dropped the old message, which its conversation keeps.
    await redis.xtrim(user.inbox("322"), "MINID", later.msgId);
    const edit = await store.store({ clientMsgId: "e-old", from: "321", fromName: "user321", fromDevice: "laptop", to: "322", text: "old, edited", editOf: old.msgId });
    if ("error" in edit) throw new Error(edit.error);
    expect((await inboxTexts("322")).map(([msgId]) => msgId)).toEqual([later.msgId, edit.message.msgId]);
  });

  it("a device back at the newest message its inbox lost to the age sweep is told it lost nothing, the entry's id past its msgId", async () => {
    await cluster.ready();
    const store = new MessageStore(redis);
    const inboxes = new InboxStore(redis, retention);
    await account(redis, "331", "332");
    const swept = [await send(store, { from: "331", to: "332", text: "one" }), await send(store, { from: "331", to: "332", text: "two" })];
    const newest = await inboxes.newest("332");
    // On a cluster an inbox entry's id is its master's clock, past the msgId the conversation's master gave.
    expect(newest).not.toBe(swept[1]!.msgId);
    // The sweep of a quiet inbox (retention.ts: XTRIM MINID) took both; then a message comes.
    await redis.xtrim(user.inbox("332"), "MINID", `${BigInt(newest) + 1n}-0`);
    // Two devices log in naming their last private msgId (Login's inboxAfter), as the gateway reads them (delivery.ts):
    // with the inbox empty, then after a message comes.
    const toldTrimmed = async (inboxAfter: string) => inboxes.trimmedAfter("332", await inboxes.positionOf("332", inboxAfter));
    expect([await toldTrimmed(swept[0]!.msgId), await toldTrimmed(swept[1]!.msgId)]).toEqual([true, false]);
    await send(store, { from: "331", to: "332", text: "three" });
    expect([await toldTrimmed(swept[0]!.msgId), await toldTrimmed(swept[1]!.msgId)]).toEqual([true, false]);
  });
});

/** The port of the master that serves `key`'s slot, as a live node of the cluster reports it now. */
async function nodePortOf(key: string): Promise<number> {
  const slot = calculateSlot(key);
  for (const member of cluster.members) {
    const probe = new Redis(member.port, "127.0.0.1", { retryStrategy: () => null, maxRetriesPerRequest: 0, lazyConnect: true });
    probe.on("error", () => undefined);
    try {
      const range = (await probe.cluster("SLOTS")).find(([from, to]) => slot >= from && slot <= to);
      if (range?.[2]) return range[2][1];
    } catch {
      // a killed node: ask the next one
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`no live node serves slot ${slot}`);
}
