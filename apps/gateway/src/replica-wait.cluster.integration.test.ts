// ReplicaWait on a real Redis Cluster when the master of the group's slot is paused (SIGSTOP) past
// cluster-node-timeout with a store queued for it: its replica takes over, and when it wakes it may take the store
// before it learns so, answer it, and be demoted (resynced without it). That message must not be acknowledged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { conv, createRedisClient, MessageStore, nodeOfKey, ReplicaWait, type Cluster } from "@cim/state";
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
});
