// The harness of the cluster layout: a Redis Cluster (3 masters, 3 replicas) and a 3-server ZooKeeper ensemble
// start on loopback, and each survives the death of a master or the leader.
import { Cluster } from "ioredis";
import zookeeper from "node-zookeeper-client";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisCluster, type RedisCluster } from "./redis-cluster.js";
import { waitUntil } from "./services.js";
import { startZookeeperEnsemble, type ZookeeperEnsemble } from "./zookeeper-ensemble.js";

let redis: RedisCluster | undefined;
let ensemble: ZookeeperEnsemble | undefined;
afterAll(async () => {
  await redis?.dispose();
  await ensemble?.dispose();
});

describe("Redis Cluster", () => {
  it("serves every slot, and a replica takes over a killed master", { timeout: 120_000 }, async () => {
    redis = await startRedisCluster();
    const roles = await Promise.all(redis.members.map((m) => m.role()));
    expect(roles.filter((r) => r === "master")).toHaveLength(3);
    const client = new Cluster(redis.nodes, { clusterRetryStrategy: () => 200 });
    try {
      for (let i = 0; i < 30; i++) await client.set(`k${i}`, String(i));
      // Replication is asynchronous: a master killed right after a write may take it along (PITFALLS). Each
      // master's connection waits until a replica has its writes, so the failover below must keep all of them.
      for (const master of client.nodes("master")) expect(await master.wait(1, 5_000)).toBe(1);
      const master = redis.members[roles.indexOf("master")]!;
      await master.stop("SIGKILL");
      await waitUntil(async () => (await Promise.all(redis!.members.map((m) => m.role()))).filter((r) => r === "master").length === 3, 30_000, "a replica to be promoted");
      await redis.ready();
      await waitUntil(async () => (await client.get("k1").catch(() => null)) === "1", 20_000, "reads after the failover");
      for (let i = 0; i < 30; i++) expect(await client.get(`k${i}`)).toBe(String(i));
    } finally {
      client.disconnect();
    }
  });
});

describe("ZooKeeper ensemble", () => {
  it("elects a leader, and keeps a client's ephemeral node when the leader dies", { timeout: 120_000 }, async () => {
    ensemble = await startZookeeperEnsemble();
    const leader = await ensemble.leader();
    const client = zookeeper.createClient(ensemble.address, { sessionTimeout: 8_000 });
    const connected = new Promise<void>((resolve) => client.once("connected", () => resolve()));
    client.connect();
    await connected;
    try {
      await new Promise<void>((resolve, reject) => client.create("/probe", Buffer.from("x"), zookeeper.CreateMode.EPHEMERAL, (e) => (e ? reject(e) : resolve())));
      await leader.stop("SIGKILL");
      const next = await ensemble.leader();
      expect(next.id).not.toBe(leader.id);
      await waitUntil(() => new Promise<boolean>((resolve) => client.exists("/probe", (e, stat) => resolve(!e && !!stat))), 20_000, "the ephemeral node after the election");
    } finally {
      client.close();
    }
  });
});
