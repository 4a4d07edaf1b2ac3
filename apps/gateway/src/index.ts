// Gateway process: reads config, builds Redis and ZooKeeper clients, listens, handles SIGTERM.
import { pino } from "pino";
import { ZkSession } from "@cim/discovery";
import { startFailure, StartupError, watchOpenFiles } from "@cim/config";
import { createRedisClient, ErrorStreak } from "@cim/state";
import { loadConfig } from "./config.js";
import { createGateway } from "./gateway.js";

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
const log = pino({ level: config.LOG_LEVEL, base: { app: "gateway", gatewayId: config.GATEWAY_ID } });

const target = { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES };
const commandTimeoutMs = config.CIM_REDIS_COMMAND_TIMEOUT_MS;
const redis = createRedisClient(target, `cim-gateway-${config.GATEWAY_ID}`, { commandTimeoutMs });
const subscriber = createRedisClient(target, `cim-gateway-${config.GATEWAY_ID}-sub`, { subscriber: true, commandTimeoutMs });
for (const [name, client] of [["redis", redis], ["redis-subscriber", subscriber]] as const) {
  const errors = new ErrorStreak({
    first: (message) => log.warn({ part: name, err: message }, "Redis error (repeats are counted until errors stop)"),
    ended: (counts) => log.warn({ part: name, counts }, "Redis errors stopped"),
  });
  client.on("error", (error: Error) => errors.add(error));
  client.on("reconnecting", () => log.warn({ part: name }, "Redis reconnecting"));
  client.on("ready", () => log.info({ part: name }, "Redis ready"));
}
const zk = new ZkSession(config.ZK_CONNECT, {
  sessionTimeoutMs: config.ZK_SESSION_TIMEOUT_MS,
  onState: (state, { sessionId }) => log[state === "connected" ? "info" : "warn"]({ state, sessionId }, `ZooKeeper ${state}`),
});

const gateway = createGateway({ config, log, redis, subscriber, zk });

async function main(): Promise<void> {
  // No ZooKeeper at ZK_CONNECT (a wrong address or port, or not started): one line saying where it looked.
  await zk.start().catch((error: unknown) => {
    throw new StartupError(`${(error as Error).message}: is ZooKeeper running there? (ZK_CONNECT)`);
  });
  const port = await gateway.start();
  log.info({ port }, "listening");
  watchOpenFiles(log);
}

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await gateway.stop();
  } catch (error) {
    log.error({ err: error }, "shutdown failed");
  }
  zk.close();
  await Promise.allSettled([redis.quit(), subscriber.quit()]);
  clearTimeout(force);
  process.exit(0);
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));

main().catch((error: unknown) => {
  log.fatal(startFailure(error), "gateway failed to start");
  process.exit(1);
});
