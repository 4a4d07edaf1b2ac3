// The cluster client (createRedisClient) with a master that loads its data after a restart (a large AOF; here
// `--key-load-delay`, a debugging option, makes a small one load for seconds): commands to its slots fail at once
// with LOADING, as on a single node (loading-guard.ts), are never sent afterwards, and the other masters' slots
// are served meanwhile. The cluster client has no command timeout: before, such a command waited for the whole load.
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping, startRedisCluster, waitUntil, type ClusterNode, type RedisCluster } from "@cim/devstack";
import { createRedisClient, isRedisUnavailable, onNodeLoaded, type RedisClient } from "./redis.js";

const FILLER_KEYS = 20_000;
/** Microseconds per key loaded: FILLER_KEYS of them take about 10 s. */
const KEY_LOAD_DELAY_US = 500;

let cluster: RedisCluster;
let redis: RedisClient;
beforeAll(async () => {
  // No replicas, and a node timeout longer than the load: the loading master keeps its slots (no failover, no
  // CLUSTERDOWN), so what the client meets is its LOADING only.
  cluster = await startRedisCluster({ replicas: 0, nodeTimeoutMs: 60_000 });
  redis = createRedisClient({ url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) }, "cluster-loading-test");
  redis.on("error", () => undefined);
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await cluster?.dispose();
});

const outcome = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: Error) => ({ error }));
const stillLoading = (node: ClusterNode) => ping(node.port, "PING\r\n", "-LOADING");

/** Fills `node` with keys of `key`'s slot (its hash tag) and rewrites its AOF, so a restart loads them. */
async function fill(node: ClusterNode, tag: string): Promise<void> {
  const admin = new IORedis(node.port, "127.0.0.1");
  try {
    for (let i = 0; i < FILLER_KEYS; i += 1_000) {
      const batch = admin.pipeline();
      for (let j = i; j < i + 1_000; j++) batch.set(`{${tag}}:filler:${j}`, "0123456789");
      await batch.exec();
    }
    await admin.bgrewriteaof();
    await waitUntil(async () => /aof_rewrite_in_progress:0\r\n[\s\S]*aof_rewrite_scheduled:0\r\n/.test(await admin.info("persistence")), 30_000, "the AOF rewrite");
  } finally {
    admin.disconnect();
  }
}

describe("a cluster master loading its data", () => {
  it("fails commands to its slots with LOADING while it loads, sends none of them afterwards, serves the other slots, and says when it has loaded", { timeout: 120_000 }, async () => {
    const loading = await cluster.masterOf("kept");
    let elsewhere = "elsewhere-0";
    for (let i = 1; (await cluster.masterOf(elsewhere)) === loading; i++) elsewhere = `elsewhere-${i}`;
    await redis.set("kept", "before");
    await redis.set(elsewhere, "before");
    await fill(loading, "kept");

    let loadedEvents = 0;
    onNodeLoaded(redis, () => loadedEvents++);
    await loading.stop("SIGKILL");
    await loading.restart(["--key-load-delay", String(KEY_LOAD_DELAY_US), "--loading-process-events-interval-bytes", "1024"]);
    expect(await stillLoading(loading)).toBe(true);

    const [read, write, other] = await Promise.all([outcome(redis.get("kept")), outcome(redis.set("{kept}:ghost", "written while loading")), outcome(redis.get(elsewhere))]);
    // Answered while the master still loads (before: the first two waited for the end of the load, then were served).
    expect(await stillLoading(loading)).toBe(true);
    for (const answer of [read, write]) {
      expect("error" in answer && answer.error.message).toMatch(/^LOADING/);
      expect("error" in answer && isRedisUnavailable(answer.error)).toBe(true);
    }
    expect(other).toEqual({ value: "before" });

    await waitUntil(async () => !(await stillLoading(loading)), 60_000, "the master to have loaded");
    await waitUntil(async () => (await redis.get("kept").catch(() => null)) === "before", 30_000, "the master's slots to be served");
    // The refused write was not sent once the master served, and the client said once that the node has loaded.
    expect(await redis.get("{kept}:ghost")).toBeNull();
    expect(loadedEvents).toBe(1);
  });
});
