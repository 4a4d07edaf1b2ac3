// A whole system on free ports: Redis, ZooKeeper, route and N gateways, torn down together. Two layouts: a single
// redis-server and a standalone ZooKeeper (the default), or a Redis Cluster (3 masters, 3 replicas) and a
// 3-server ZooKeeper ensemble.
import { startApp, type AppProcess } from "./apps.js";
import { startRedisCluster, type RedisCluster } from "./redis-cluster.js";
import { startRedis, startZookeeper, type Service } from "./services.js";
import { startZookeeperEnsemble, type ZookeeperEnsemble } from "./zookeeper-ensemble.js";

export const TEST_TOKEN_SECRET = "cim-devstack-secret-0123456789abcdef-test";
export const TEST_ADMIN_TOKEN = "cim-devstack-admin-token";

export type Layout = "single" | "cluster";

let defaultLayout: Layout = "single";

/**
 * The layout of stacks started without `layout`, for this module instance (one test file: vitest isolates them).
 * A `*.cluster.integration.test.ts` sets it and imports a suite, which then runs on the cluster layout.
 */
export function setDefaultLayout(layout: Layout): void {
  defaultLayout = layout;
}

export interface ClusterOptions {
  /** `single` (one redis-server, one ZooKeeper) or `cluster` (Redis Cluster 3+3, ZooKeeper ensemble of 3). */
  layout?: Layout;
  gateways?: number;
  /** Extra env for every app process. */
  env?: Record<string, string>;
  routeEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** Each gateway's open-files limit (`ulimit -n`); the machine's when unset. */
  gatewayOpenFiles?: number;
  /** Run route and gateways from the build output (`npm run build`) with plain node. */
  built?: boolean;
}

export interface Cluster {
  layout: Layout;
  /** The single redis-server (layout `single`; throws on the cluster layout: use `redisCluster`). */
  redis: Service;
  /** The standalone ZooKeeper (layout `single`; throws on the cluster layout: use `ensemble`). */
  zookeeper: Service;
  /** Layout `cluster`: the Redis Cluster and the ZooKeeper ensemble. */
  redisCluster?: RedisCluster;
  ensemble?: ZookeeperEnsemble;
  route: AppProcess;
  gateways: AppProcess[];
  /** The env every app of this cluster runs with. */
  env: Record<string, string>;
  /** Starts one more gateway (or restarts one under the same id). */
  startGateway: (id: string, env?: Record<string, string>) => Promise<AppProcess>;
  /** Starts route again on its port (after it was killed or stopped): `route` is then the new process. */
  restartRoute: () => Promise<AppProcess>;
  stop: () => Promise<void>;
}

/** Starts everything; on a failure part-way, stops what it started and rethrows. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started: Array<{ stop: () => Promise<void> }> = [];
  try {
    const layout = options.layout ?? defaultLayout;
    const parts = await startParts(layout);
    started.push(...parts.stops);
    const env = {
      ...parts.env,
      CIM_TOKEN_SECRET: TEST_TOKEN_SECRET,
      CIM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ZK_SESSION_TIMEOUT_MS: "6000",
      // Every test and bench client is on loopback, which the per-address limits exempt by default (as npm start's).
      ...options.env,
    };
    const gateways: AppProcess[] = [];
    const startRoute = async (port: number) => {
      const route = await startApp("route", { ...env, ...options.routeEnv, PORT: String(port) }, "route", { built: options.built });
      started.push({ stop: () => route.stop("SIGKILL") });
      return route;
    };
    const route = await startRoute(0);
    // Pages served by this route may open sessions on the gateways.
    const origins = [route.url, `http://localhost:${route.port}`].join(",");
    const startGateway = async (id: string, extra: Record<string, string> = {}) => {
      const gateway = await startApp("gateway", { ...env, CIM_ALLOWED_ORIGINS: origins, ...options.gatewayEnv, GATEWAY_ID: id, ...extra }, id, { built: options.built, openFiles: options.gatewayOpenFiles });
      started.push({ stop: () => gateway.stop("SIGKILL") });
      return gateway;
    };
    const count = options.gateways ?? 2;
    for (let i = 0; i < count; i++) gateways.push(await startGateway(`gw-${String.fromCharCode(97 + i)}`));
    const only = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`the ${layout} layout has no ${what}`);
      return value;
    };
    const cluster: Cluster = {
      layout, get redis() { return only(parts.redis, "single redis-server"); }, get zookeeper() { return only(parts.zookeeper, "standalone ZooKeeper"); },
      redisCluster: parts.redisCluster, ensemble: parts.ensemble, route, gateways, env, startGateway, stop: () => stopAll(started),
      restartRoute: async () => (cluster.route = await startRoute(cluster.route.port)),
    };
    return cluster;
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

interface Parts {
  env: Record<string, string>;
  stops: Array<{ stop: () => Promise<void> }>;
  redis?: Service;
  zookeeper?: Service;
  redisCluster?: RedisCluster;
  ensemble?: ZookeeperEnsemble;
}

/** Redis and ZooKeeper of a layout, and the env that points route and gateways at them. */
async function startParts(layout: Layout): Promise<Parts> {
  if (layout === "single") {
    const [redis, zookeeper] = await Promise.all([startRedis(), startZookeeper()]);
    return { redis, zookeeper, env: { REDIS_URL: redis.address, ZK_CONNECT: zookeeper.address }, stops: [{ stop: redis.dispose }, { stop: zookeeper.dispose }] };
  }
  // One after the other: the machine is small, and each waits for its own quorum.
  const redisCluster = await startRedisCluster();
  const ensemble = await startZookeeperEnsemble().catch(async (error: unknown) => {
    await redisCluster.dispose();
    throw error;
  });
  return {
    redisCluster, ensemble,
    env: { REDIS_CLUSTER_NODES: redisCluster.nodes.map((n) => `${n.host}:${n.port}`).join(","), ZK_CONNECT: ensemble.address },
    stops: [{ stop: redisCluster.dispose }, { stop: ensemble.dispose }],
  };
}

async function stopAll(started: Array<{ stop: () => Promise<void> }>): Promise<void> {
  for (const item of started.reverse()) await item.stop().catch(() => undefined);
}
