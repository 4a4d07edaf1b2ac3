// Route process: reads config, builds Redis and ZooKeeper clients, watches gateways, serves HTTP, handles SIGTERM.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { answerClientErrorsAsJson, capConnectionsPerAddress, HostCheck, keepFilesInReserve, listenOn, startFailure, StartupError, watchOpenFiles } from "@cim/config";
import { GatewayDirectory, ZkSession } from "@cim/discovery";
import { createRedisClient, ErrorStreak, GatewayLeases, whenRedisServes } from "@cim/state";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { GoneGateways } from "./gone-gateways.js";
import { RetentionSweep } from "./retention-sweep.js";
import { SilentGateways } from "./silent-gateways.js";
import { createServices } from "./services.js";
import { createRouteServer } from "./http-server.js";
import { lookAlikeClaims, nameKey } from "./user-names.js";

/** How long an idle keep-alive connection stays open (Node's default is 5 s). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

// tsx turns source maps on; an Error's stack then costs a source-map lookup, which a burst of failed
// writes to closing sockets turns into seconds of CPU. Logs keep the compiled positions.
process.setSourceMapsEnabled(false);

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
})();
const log = pino({ level: config.LOG_LEVEL, base: { app: "route" } });

const redis = createRedisClient({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, "cim-route", { commandTimeoutMs: config.CIM_REDIS_COMMAND_TIMEOUT_MS });
const redisErrors = new ErrorStreak({
  first: (message) => log.warn({ err: message }, "Redis error (repeats are counted until errors stop)"),
  ended: (counts) => log.warn({ counts }, "Redis errors stopped"),
});
redis.on("error", (error: Error) => redisErrors.add(error));
redis.on("reconnecting", () => log.warn("Redis reconnecting"));
redis.on("ready", () => log.info("Redis ready"));

let zookeeperUp = 0;
const zk = new ZkSession(config.ZK_CONNECT, {
  sessionTimeoutMs: config.ZK_SESSION_TIMEOUT_MS,
  onState: (state, { sessionId }) => {
    log[state === "connected" ? "info" : "warn"]({ state, sessionId }, `ZooKeeper ${state}`);
    zookeeperUp = state === "connected" ? 1 : 0;
    // Called only once zk.start() runs in main(), after `services` exists.
    services.metrics.zookeeperUp.set(zookeeperUp);
  },
});
const directory = new GatewayDirectory(zk, {
  onChange: ({ added, removed, gateways }) => {
    log.info({ added, removed, live: gateways.map((g) => g.id) }, "gateways changed");
    gone.changed({ added, removed });
  },
  onError: (error) => log.warn({ err: error.message }, "ZooKeeper watch failed, retrying"),
});

const services = createServices({ config, log, redis, directory });
// Reachability of the parts, for alerts (cim_route_redis_up, cim_route_zookeeper_up).
services.metrics.zookeeperUp.set(zookeeperUp);
services.metrics.redisUp.set(redis.status === "ready" ? 1 : 0);
redis.on("ready", () => services.metrics.redisUp.set(1));
redis.on("close", () => services.metrics.redisUp.set(0));
const { sessions, bus, rate } = services;
// A gateway that vanished from ZooKeeper (crash, kill -9, partition) leaves routes behind: release them (the
// directory calls back only once started, in main()).
const gone = new GoneGateways({ sessions, bus, names: (userIds) => services.accounts.names(userIds), log });
// ZooKeeper without quorum reports no dead gateway: their leases in Redis tell of those gone silent long enough.
const silent = new SilentGateways({
  leases: new GatewayLeases(redis), gateways: () => directory.list().map((g) => ({ id: g.id, instance: g.instance })), zookeeperCanTell: () => zk.state === "connected", gone, leaseMs: config.CIM_GATEWAY_LEASE_MS, log,
});
const app = createApp(services, {
  healthy: () => redis.status === "ready" && zk.state === "connected",
  health: () => ({ redis: redis.status, zookeeper: zk.state, gateways: directory.list().length, gatewaysUnreachable: services.health.unreachable().join(","), gatewaysMissing: services.health.missing().join(",") }),
});

async function main(): Promise<void> {
  // No ZooKeeper at ZK_CONNECT (a wrong address or port, or not started): one line saying where it looked.
  await zk.start().catch((error: unknown) => {
    throw new StartupError(`${(error as Error).message}: is ZooKeeper running there? (ZK_CONNECT)`);
  });
  await directory.start();
  // Redis down, or loading its data (LOADING) for longer than the command timeout, would stop the start here.
  // The gateways come from their index (one read): a SCAN of every key added seconds to the start of a large Redis.
  await whenRedisServes(redis, async () => {
    for (const gatewayId of await sessions.gatewaysWithUsers()) {
      if (!directory.has(gatewayId)) await gone.release(gatewayId);
    }
  }, (why) => log.warn({ why }, "waiting for Redis before starting"));
  // Data written before the index: its gateways are found once per Redis (one SCAN), in the background.
  whenRedisServes(redis, () => sessions.indexOldGateways(), () => undefined)
    .then(async (found) => {
      for (const gatewayId of found) if (!directory.has(gatewayId)) await gone.release(gatewayId);
      if (found.length) log.info({ gateways: found.length }, "indexed the gateways of users stored before the index");
    })
    .catch((error: unknown) => log.warn({ err: error }, "indexing the gateways that hold users failed: those of older data are released when seen to leave"));
  await services.health.start();
  silent.start();
  // Accounts older than the user directory (or whose indexing failed) become searchable; in the background.
  // Accounts registered before names claimed their look-alike keys of capitals claim them now (SET NX).
  let claimed = 0;
  const claimLookAlikes = async (accounts: Array<{ userId: string; userName: string }>) => void (claimed += await services.accounts.claimLookAlikes(lookAlikeClaims(accounts)));
  services.users.backfill(nameKey, undefined, claimLookAlikes)
    .then((added) => log.info({ added, lookAlikeKeysClaimed: claimed }, "user directory checked against the accounts"))
    .catch((error: unknown) => log.warn({ err: error }, "indexing accounts for user search failed"));
  rate.start((error) => log.debug({ err: error }, "message rate sample failed"));
  // Conversations and inboxes gone quiet keep no message past CIM_STREAM_MAX_AGE_SECONDS (when set).
  const retention = new RetentionSweep(redis, config.CIM_STREAM_MAX_AGE_SECONDS, log, randomUUID());
  retention.start();
  const server = createRouteServer(app.fetch, { headersTimeoutMs: config.CIM_HEADERS_TIMEOUT_MS, hosts: new HostCheck({ listenHost: config.HOST, allowed: config.CIM_ALLOWED_HOSTS, log }) }, log);
  answerClientErrorsAsJson(server, log);
  if (!config.CIM_TRUST_PROXY) capConnectionsPerAddress(server, { maxPerAddress: config.CIM_MAX_CONNECTIONS_PER_IP, exempt: config.CIM_CONNECT_LIMIT_EXEMPT, log });
  // Clients and proxies reuse idle connections: with Node's 5 s a client pausing a few seconds between requests (a
  // login storm's worker busy with its sockets) sent its next request on a connection route had just closed and got
  // "other side closed". Longer than common proxy idle timeouts (60 s), which must stay below it.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  keepFilesInReserve(server, log);
  const port = await listenOn(server, { port: config.PORT, host: config.HOST, backlog: config.CIM_LISTEN_BACKLOG });
  log.info({ port, strategy: config.CIM_ROUTE_STRATEGY, policy: config.CIM_LOGIN_POLICY, backlog: config.CIM_LISTEN_BACKLOG }, "listening");
  watchOpenFiles(log);
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    rate.stop();
    retention.stop();
    services.health.stop();
    silent.stop();
    server.close();
    zk.close();
    void redis.quit().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));
main().catch((error: unknown) => {
  log.fatal(startFailure(error), "route failed to start");
  process.exit(1);
});
