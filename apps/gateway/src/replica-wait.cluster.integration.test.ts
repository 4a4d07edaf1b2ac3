// ReplicaWait on a real Redis Cluster when the master of the group's slot is paused (SIGSTOP) past
// cluster-node-timeout with a store queued for it: its replica takes over, and when it wakes it may take the store
// before it learns so, answer it, and be demoted (resynced without it). That message must not be acknowledged: a
// conversation step lost so, or a private message's inbox step (its inbox lies on another master than its
// conversation).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { conv, createRedisClient, keys, MessageStore, nodeOfKey, ReplicaWait, toEntry, user, type Cluster } from "@cim/state";
import { createMetrics } from "./metrics.js";

let cluster: RedisCluster;
let redis: Cluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedisClient({ url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) }, "replica-wait-cluster-test") as Cluster;
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await cluster?.dispose();
});

const GROUP = conv.ofRoom("everyone");
const ATTEMPTS = 3;

describe("ReplicaWait on a Redis Cluster", () => {
  it("does not acknowledge a message stored by a master that was paused past the node timeout and demoted on waking", { timeout: 180_000 }, async () => {
    const store = new MessageStore(redis, { gatewayId: "gw-test" });
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: 1_000 }, createMetrics(), pino({ level: "silent" }));
    const send = (clientMsgId: string) => store.store({ clientMsgId, from: "1", fromName: "a", fromDevice: "d1", text: clientMsgId });
    await send("warm-up");
    // The paused master takes the queued store only if ioredis did not move it to the new master first (a slot map
    // refresh in between): tried a few times, and at least one attempt must have taken that path.
    const paths: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && !paths.includes("demoted master"); attempt++) {
      await cluster.ready();
      const master = await cluster.masterOf(conv.messages(GROUP));
      // A master demoted by an earlier attempt is marked failing by the new one for a moment after the cluster is ok.
      let found: Awaited<ReturnType<RedisCluster["replicaOf"]>> | undefined;
      await waitUntil(async () => (found = await cluster.replicaOf(master).catch(() => undefined)) !== undefined, 20_000, "a live replica of the master");
      const replica = found!;
      master.signal("SIGSTOP");
      const clientMsgId = `c${attempt}`;
      const storing = send(clientMsgId);
      try {
        await waitUntil(async () => (await replica.role()) === "master", 30_000, "the replica to take over");
      } finally {
        master.signal("SIGCONT");
      }
      const stored = await storing;
      if ("error" in stored) throw new Error(`store refused: ${stored.error}`);
      // The gateway's next command to the slot is redirected (MOVED) and ioredis maps the slot to the new master.
      await waitUntil(async () => {
        await redis.xlen(conv.messages(GROUP)).catch(() => undefined);
        return nodeOfKey(redis, conv.messages(GROUP))?.options.port === replica.port;
      }, 30_000, "ioredis to map the group's slot to the new master");
      await waitUntil(async () => (await master.role()) === "slave", 30_000, "the old master to rejoin as a replica");
      const held = (await redis.get(conv.dedupe(GROUP, "1", clientMsgId))) === `${stored.message.msgId}:${stored.message.ts}`;
      const acknowledged = await wait.confirm(stored.message, clientMsgId).then(() => true, () => false);
      paths.push(held ? "new master" : "demoted master");
      // Acknowledged exactly when the master serving the conversation now holds the message.
      expect({ attempt, held, acknowledged }).toEqual({ attempt, held, acknowledged: held });
    }
    console.log(`replica-wait cluster test: the queued store was taken by ${paths.join(", ")}`);
    expect(paths).toContain("demoted master");
  });

  it("does not acknowledge a private message whose inbox step a paused master took and lost on its demotion", { timeout: 240_000 }, async () => {
    const from = "101";
    // The conversation step must reach a live master: the master of the chosen inbox is paused just before it (after
    // the reads on that user's slot the store makes first), so the inbox step is queued for the paused master.
    let beforeConversationStep: (() => void) | undefined;
    const hooked = new Proxy(redis, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "cimStorePrivate" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          beforeConversationStep?.();
          beforeConversationStep = undefined;
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const store = new MessageStore(hooked, { gatewayId: "gw-test" });
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: 1_000 }, createMetrics(), pino({ level: "silent" }));
    const send = (to: string, clientMsgId: string) => store.store({ clientMsgId, from, fromName: "a", fromDevice: "d1", text: clientMsgId, to });
    const entriesOf = async (to: string, msgId: string) => (await redis.xrange(user.inbox(to), "-", "+")).filter(([id, fields]) => toEntry(id, fields).message.msgId === msgId).length;
    const paths: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && !paths.includes("demoted master"); attempt++) {
      await cluster.ready();
      // A recipient whose inbox's master serves neither the conversation nor the sender's inbox (masters move between attempts).
      let to = "";
      for (let candidate = 102; !to; candidate++) {
        const [inbox, conversation, own] = await Promise.all([user.inbox(String(candidate)), conv.messages(conv.ofPair(from, String(candidate))), user.inbox(from)].map((key) => cluster.masterOf(key)));
        if (inbox !== conversation && inbox !== own) to = String(candidate);
      }
      await redis.hset(keys.account(to), "name", `u${to}`);
      await send(to, `warm-up-${attempt}`);
      const master = await cluster.masterOf(user.inbox(to));
      let found: Awaited<ReturnType<RedisCluster["replicaOf"]>> | undefined;
      await waitUntil(async () => (found = await cluster.replicaOf(master).catch(() => undefined)) !== undefined, 20_000, "a live replica of the master");
      const replica = found!;
      const clientMsgId = `p${attempt}`;
      let paused = false;
      beforeConversationStep = () => {
        master.signal("SIGSTOP");
        paused = true;
      };
      const storing = send(to, clientMsgId);
      try {
        await waitUntil(async () => paused && (await replica.role()) === "master", 30_000, "the replica to take over");
      } finally {
        master.signal("SIGCONT");
      }
      const stored = await storing;
      if ("error" in stored) throw new Error(`store refused: ${stored.error}`);
      await waitUntil(async () => {
        await redis.xlen(user.inbox(to)).catch(() => undefined);
        return nodeOfKey(redis, user.inbox(to))?.options.port === replica.port;
      }, 30_000, "ioredis to map the inbox's slot to the new master");
      await waitUntil(async () => (await master.role()) === "slave", 30_000, "the old master to rejoin as a replica");
      const held = (await entriesOf(to, stored.message.msgId)) === 1;
      const acknowledged = await wait.confirm(stored.message, clientMsgId, stored.inboxes).then(() => true, () => false);
      paths.push(held ? "new master" : "demoted master");
      // Acknowledged exactly when the recipient's inbox, on the master serving it now, holds the message.
      expect({ attempt, held, acknowledged }).toEqual({ attempt, held, acknowledged: held });
      if (held) continue;
      // The client resends it (same clientMsgId): stored once, acknowledged, and in the recipient's inbox once.
      const resent = await send(to, clientMsgId);
      if ("error" in resent) throw new Error(`resend refused: ${resent.error}`);
      await wait.confirm(resent.message, clientMsgId, resent.inboxes);
      expect({ msgId: resent.message.msgId, duplicate: resent.duplicate, inInbox: await entriesOf(to, resent.message.msgId) }).toEqual({ msgId: stored.message.msgId, duplicate: true, inInbox: 1 });
    }
    console.log(`replica-wait cluster test: the queued inbox step was taken by ${paths.join(", ")}`);
    expect(paths).toContain("demoted master");
  });
});
