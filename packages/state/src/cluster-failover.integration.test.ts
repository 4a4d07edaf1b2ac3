// The cluster client (createRedisClient) through a master failover on a real Redis Cluster: writes to keys of
// every slot go on while a master is SIGKILLed, its replica takes over and the old master comes back as a replica;
// each is redirected or retried, none fails.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import calculateSlot from "cluster-key-slot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { createRedisClient, type RedisClient } from "./redis.js";

let cluster: RedisCluster;
let redis: RedisClient;
beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedisClient({ url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) }, "cluster-failover-test");
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await cluster?.dispose();
});

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();

/** Writes in flight at once, each to its own key (spread over every slot), a burst every few milliseconds. */
const BURST = 50;

describe("cluster client through a failover", () => {
  it("commands to two slots that moved to another master together are each redirected (MOVED), none fails", async () => {
    // Two keys of two slots on one master, then both slots handed to another master (empty slots: SETSLOT NODE).
    const from = await cluster.masterOf("moved-0");
    const keys = ["moved-0"];
    for (let i = 1; keys.length < 2; i++) {
      const key = `moved-${i}`;
      if (calculateSlot(key) !== calculateSlot(keys[0]!) && (await cluster.masterOf(key)) === from) keys.push(key);
    }
    await Promise.all(keys.map((key) => redis.del(key)));
    const roles = await Promise.all(cluster.members.map(async (m) => ({ m, role: await m.role() })));
    const to = roles.find(({ m, role }) => role === "master" && m !== from)!.m;
    const toId = await cli(to.port, "CLUSTER", "MYID");
    // A resharding's order (the slots are empty, so no keys to migrate): the destination is told first, while it
    // imports the slot, so its config epoch is bumped and its claim wins; then the source and the other masters.
    // Told in another order, the replicas (never told SETSLOT) could keep the old owner and gossip it back.
    const fromId = await cli(from.port, "CLUSTER", "MYID");
    const slots = keys.map((key) => String(calculateSlot(key)));
    for (const slot of slots) {
      await cli(to.port, "CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
      await cli(from.port, "CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    }
    for (const slot of slots) await cli(to.port, "CLUSTER", "SETSLOT", slot, "NODE", toId);
    for (const slot of slots) {
      for (const { m, role } of roles) if (role === "master" && m !== to) await cli(m.port, "CLUSTER", "SETSLOT", slot, "NODE", toId);
    }
    await waitUntil(async () => (await Promise.all(keys.map((key) => cluster.masterOf(key)))).every((m) => m === to), 30_000, "both slots served by the other master");
    // Sent in one tick: ioredis still maps both slots to the first master.
    const answers = await Promise.allSettled(keys.map((key) => redis.set(key, "v")));
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value : (a.reason as Error).message))).toEqual(["OK", "OK"]);
    await cluster.ready();
  });

  it("writes made while a master dies are redirected and retried, none fails", { timeout: 120_000 }, async () => {
    const failures = new Map<string, number>();
    const writes: Array<Promise<unknown>> = [];
    let n = 0;
    let writing = true;
    const burst = () => {
      for (let i = 0; i < BURST; i++, n++) {
        writes.push(redis.incr(`failover-probe-${n}`).catch((error: Error) => failures.set(error.message, (failures.get(error.message) ?? 0) + 1)));
      }
    };
    const loop = (async () => {
      while (writing) {
        burst();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await waitUntil(() => n >= BURST * 20, 30_000, "writes before the kill");
    const master = await cluster.masterOf("failover-probe-0");
    const replica = await cluster.replicaOf(master);
    await master.stop("SIGKILL");
    await waitUntil(async () => (await replica.role()) === "master", 30_000, "the replica to take over");
    // The old master comes back claiming its slots until it learns otherwise: commands sent to it are MOVED.
    await master.restart();
    await waitUntil(async () => (await master.role()) === "slave", 30_000, "the old master to rejoin as a replica");
    const rejoined = n;
    await waitUntil(() => n >= rejoined + BURST * 20, 30_000, "writes after the old master rejoined");
    writing = false;
    await loop;
    await Promise.all(writes);
    expect(Object.fromEntries(failures)).toEqual({});
  });
});
