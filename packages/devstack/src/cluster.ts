// A whole system on free ports: Redis, ZooKeeper, route and N gateways, torn down together.
import { startApp, type AppProcess } from "./apps.js";
import { startRedis, startZookeeper, type Service } from "./services.js";

export const TEST_TOKEN_SECRET = "cim-devstack-secret-0123456789abcdef-test";
export const TEST_ADMIN_TOKEN = "cim-devstack-admin-token";

export interface ClusterOptions {
  gateways?: number;
  /** Extra env for every app process. */
  env?: Record<string, string>;
  routeEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  /** Run route and gateways from the build output (`npm run build`) with plain node. */
  built?: boolean;
}

export interface Cluster {
  redis: Service;
  zookeeper: Service;
  route: AppProcess;
  gateways: AppProcess[];
  /** The env every app of this cluster runs with. */
  env: Record<string, string>;
  /** Starts one more gateway (or restarts one under the same id). */
  startGateway: (id: string, env?: Record<string, string>) => Promise<AppProcess>;
  stop: () => Promise<void>;
}

/** Starts everything; on a failure part-way, stops what it started and rethrows. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started: Array<{ stop: () => Promise<void> }> = [];
  try {
    const [redis, zookeeper] = await Promise.all([startRedis(), startZookeeper()]);
    started.push({ stop: redis.dispose }, { stop: zookeeper.dispose });
    const env = {
      REDIS_URL: redis.address,
      ZK_CONNECT: zookeeper.address,
      CIM_TOKEN_SECRET: TEST_TOKEN_SECRET,
      CIM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ZK_SESSION_TIMEOUT_MS: "6000",
      // Every test and bench user registers from loopback: one address stands for thousands of people here.
      CIM_REGISTER_PER_IP: "100000",
      CIM_REGISTER_PER_MINUTE: "100000",
      CIM_CONNECT_LIMIT_EXEMPT: "127.0.0.0/8,::1",
      ...options.env,
    };
    const gateways: AppProcess[] = [];
    const route = await startApp("route", { ...env, ...options.routeEnv }, "route", { built: options.built });
    started.push({ stop: () => route.stop("SIGKILL") });
    // Pages served by this route may open sessions on the gateways.
    const origins = [route.url, `http://localhost:${route.port}`].join(",");
    const startGateway = async (id: string, extra: Record<string, string> = {}) => {
      const gateway = await startApp("gateway", { ...env, CIM_ALLOWED_ORIGINS: origins, ...options.gatewayEnv, GATEWAY_ID: id, ...extra }, id, { built: options.built });
      started.push({ stop: () => gateway.stop("SIGKILL") });
      return gateway;
    };
    const count = options.gateways ?? 2;
    for (let i = 0; i < count; i++) gateways.push(await startGateway(`gw-${String.fromCharCode(97 + i)}`));
    return { redis, zookeeper, route, gateways, env, startGateway, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(started: Array<{ stop: () => Promise<void> }>): Promise<void> {
  for (const item of started.reverse()) await item.stop().catch(() => undefined);
}
