// Route's app on real Redis and ZooKeeper, without a process: tests call it through app.request() (Hono's way).
import { randomUUID } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync } from "node:zlib";
import { pino } from "pino";
import { GatewayDirectory, GatewayRegistration, ZkSession } from "@cim/discovery";
import { startRedis, startZookeeper, TEST_ADMIN_TOKEN, TEST_TOKEN_SECRET, waitUntil, type Service } from "@cim/devstack";
import { createRedis, type Redis } from "@cim/state";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import type { Services } from "../context.js";
import { createServices } from "../services.js";

export const HARNESS_GATEWAY = { id: "gw-harness", wsUrl: "ws://127.0.0.1:39999/ws" } as const;

export interface RouteHarness {
  /** Registers one more gateway node for real (on the harness's ZooKeeper); resolves once route lists it. */
  addGateway: (id: string, wsUrl: string) => Promise<void>;
  /** Ends a gateway's registration (the harness's own or an added one); resolves once route no longer lists it. */
  removeGateway: (id: string) => Promise<void>;
  app: ReturnType<typeof createApp>;
  services: Services;
  redis: Redis;
  /** The redis-server behind `redis` (to stop, restart or give a replica). */
  redisServer: Service;
  /** JSON request helper; `from` sets X-Forwarded-For (the harness trusts it) to act as another client address. */
  call: Call;
  /** Another route instance over the same Redis and ZooKeeper, configured with `env` over the harness's own. */
  variant: (env: Record<string, string>) => { app: ReturnType<typeof createApp>; call: Call; services: Services };
  stop: () => Promise<void>;
}

export type Call = (method: string, path: string, options?: { body?: unknown; token?: string; from?: string; headers?: Record<string, string> }) => Promise<Response>;

function caller(app: ReturnType<typeof createApp>): Call {
  return (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] ??= "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.from) headers["x-forwarded-for"] = options.from;
    const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    return Promise.resolve(app.request(path, { method, headers, body }));
  };
}

/** Starts Redis and ZooKeeper, registers one gateway node for real, and builds route's app over them. */
export async function startRouteHarness(env: Record<string, string> = {}): Promise<RouteHarness> {
  const [redisServer, zookeeper] = await Promise.all([startRedis(), startZookeeper()]);
  const webDir = mkdtempSync(join(tmpdir(), "cim-web-"));
  mkdirSync(join(webDir, "assets"));
  writeFileSync(join(webDir, "index.html"), "<!doctype html><title>cim</title><script type=module src=/assets/app.js></script>");
  const appJs = `console.log(${JSON.stringify("cim ".repeat(2_000))});`;
  writeFileSync(join(webDir, "assets", "app.js"), appJs);
  // As the web app's build leaves it: a brotli copy beside the file.
  writeFileSync(join(webDir, "assets", "app.js.br"), brotliCompressSync(appJs));
  writeFileSync(join(webDir, "assets", "app.js.map"), "{\"version\":3}");
  // The web app's service worker, at the root as the build writes it.
  writeFileSync(join(webDir, "sw.js"), "self.addEventListener('fetch', () => undefined);");
  const baseEnv = {
    REDIS_URL: redisServer.address, ZK_CONNECT: zookeeper.address, CIM_TOKEN_SECRET: TEST_TOKEN_SECRET, CIM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CIM_TRUST_PROXY: "1", CIM_WEB_DIR: webDir, LOG_LEVEL: "silent", ZK_SESSION_TIMEOUT_MS: "6000", ...env,
  };
  const config = loadConfig(baseEnv);
  const log = pino({ level: "silent" });
  const redis = createRedis(config.REDIS_URL, "route-harness");
  const zk = new ZkSession(config.ZK_CONNECT, { sessionTimeoutMs: config.ZK_SESSION_TIMEOUT_MS });
  const gatewayZk = new ZkSession(config.ZK_CONNECT, { sessionTimeoutMs: config.ZK_SESSION_TIMEOUT_MS });
  await Promise.all([zk.start(), gatewayZk.start()]);
  const registration = new GatewayRegistration(gatewayZk, { ...HARNESS_GATEWAY, startedAt: Date.now(), instance: randomUUID() });
  await registration.start();
  const directory = new GatewayDirectory(zk);
  await directory.start();
  await waitUntil(() => directory.has(HARNESS_GATEWAY.id), 10_000, "the harness gateway in the directory");
  const probe = { healthy: () => redis.status === "ready", health: () => ({ redis: redis.status }) };
  const services = createServices({ config, log, redis, directory });
  const app = createApp(services, probe);
  const variant: RouteHarness["variant"] = (overrides) => {
    const otherServices = createServices({ config: loadConfig({ ...baseEnv, ...overrides }), log, redis, directory });
    const other = createApp(otherServices, probe);
    return { app: other, call: caller(other), services: otherServices };
  };
  const registrations = new Map<string, GatewayRegistration>([[HARNESS_GATEWAY.id, registration]]);
  const addGateway = async (id: string, wsUrl: string) => {
    const added = new GatewayRegistration(gatewayZk, { id, wsUrl, startedAt: Date.now(), instance: randomUUID() });
    registrations.set(id, added);
    await added.start();
    await waitUntil(() => directory.has(id), 10_000, `gateway ${id} in the directory`);
  };
  const removeGateway = async (id: string) => {
    await registrations.get(id)?.stop();
    registrations.delete(id);
    await waitUntil(() => !directory.has(id), 10_000, `gateway ${id} gone from the directory`);
  };
  const stop = async () => {
    for (const r of registrations.values()) await r.stop().catch(() => undefined);
    zk.close();
    gatewayZk.close();
    redis.disconnect();
    await Promise.all([redisServer.dispose(), zookeeper.dispose()]);
    rmSync(webDir, { recursive: true, force: true });
  };
  return { app, services, redis, redisServer, call: caller(app), variant, addGateway, removeGateway, stop };
}
