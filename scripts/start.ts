// `npm start`: Redis, ZooKeeper, route and two gateways (`-- --gateways N` for N) on loopback, data kept in .run/;
// route and gateways are supervised (a process that exits is reported and started again); Ctrl-C stops them all.
// With `-- --cluster` (or CIM_LAYOUT=cluster): a Redis Cluster of 3 masters and 3 replicas and a ZooKeeper ensemble
// of 3, on free ports, data in temporary folders removed at the end.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import getPort, { portNumbers } from "get-port";
import { readStartFlags } from "./start-flags.mjs";
import { localSecrets, logFileOf, REPO_ROOT, startApp, startRedis, startRedisCluster, startZookeeper, startZookeeperEnsemble, Supervisor, type Service } from "@cim/devstack";

// Read first by start.sh too, before anything is installed or built.
const flags = readStartFlags();
const GATEWAYS = flags.gateways;
// CIM_RUN_DIR: another folder than the checkout's .run (tests).
const runDir = process.env.CIM_RUN_DIR || join(REPO_ROOT, ".run");
mkdirSync(runDir, { recursive: true });
// Every line of every process goes to its file in .run/logs; the console shows their warnings and errors, or all with
// --verbose. Every JSON line echoed buried the "CIM is running" banner within seconds (route's and the gateways' logs).
const logDir = join(runDir, "logs");
process.env.CIM_DEVSTACK_LOG_DIR = logDir;
process.env.CIM_DEVSTACK_ECHO = flags.verbose ? "1" : "problems";
/** A path as the banner shows it: from the checkout when it is in it (.run/...), else whole. */
const shown = (file: string) => (relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file));
const stops: Array<() => Promise<void>> = [];
const supervisor = new Supervisor({ report: (line) => console.log(`[supervisor] ${line}`) });


const isStartProcess = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/start.ts");
  } catch {
    return false;
  }
};

/**
 * One `npm start` per checkout. A second one, in another terminal, found the ports taken and started a second
 * redis-server on the next free port over the first one's data folder (.run/redis, its append-only file), and a
 * second ZooKeeper over .run/zookeeper, beside the first system.
 */
function claimCheckout(): void {
  const pidFile = join(runDir, "start.pid");
  let holder = 0;
  try {
    holder = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    // none yet
  }
  if (holder && holder !== process.pid && isStartProcess(holder)) {
    let routeUrl = "";
    try {
      routeUrl = (JSON.parse(readFileSync(join(runDir, "stack.json"), "utf8")) as StackFile).routeUrl;
    } catch {
      // still starting
    }
    console.error(`npm start already runs in this checkout (pid ${holder}${routeUrl ? `, ${routeUrl}/` : ""}): use it, or stop it first (Ctrl-C in its terminal)`);
    process.exit(1);
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  process.on("exit", () => {
    if (readFileSync(pidFile, "utf8").trim() === String(process.pid)) rmSync(pidFile, { force: true });
  });
}
claimCheckout();

const port = (preferred: number) => getPort({ host: "127.0.0.1", port: portNumbers(preferred, preferred + 50) });

/** What `npm run gateway` needs to join this system: written once everything is up. */
export interface StackFile {
  env: Record<string, string>;
  routeUrl: string;
  gateways: Array<{ id: string; port: number }>;
}

const clusterLayout = flags.cluster;

/**
 * A failed start of route or a gateway in npm start's terms: the app's own line said to set PORT, which npm start sets
 * itself (a supervised restart keeps the port, where the web page and clients look for it; a new npm start picks free
 * ones). Anything else as the app says it.
 */
const inOurTerms = (name: string, port: number) => (reason: string) =>
  /^cannot listen on \S+: the port is in use/.test(reason)
    ? `port ${port} is in use by another process: stop that process (npm start starts ${name} on it again), or stop npm start and start it again (it picks free ports)`
    : reason;

async function main(): Promise<void> {
  let redisUrl = process.env.REDIS_URL;
  let redisClusterNodes = process.env.REDIS_CLUSTER_NODES ?? "";
  let zkConnect = process.env.ZK_CONNECT;
  if (clusterLayout && !redisClusterNodes) {
    console.log("starting a Redis Cluster (3 masters, 3 replicas)...");
    const cluster = await startRedisCluster();
    stops.push(() => cluster.dispose());
    redisClusterNodes = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",");
  }
  if (clusterLayout && !zkConnect) {
    console.log("starting a ZooKeeper ensemble of 3...");
    const ensemble = await startZookeeperEnsemble();
    stops.push(() => ensemble.dispose());
    zkConnect = ensemble.address;
  }
  if (!redisUrl && !redisClusterNodes) {
    const redis: Service = await startRedis({ port: await port(6379), dir: join(runDir, "redis") });
    stops.push(() => redis.stop());
    redisUrl = redis.address;
  }
  if (!zkConnect) {
    const zookeeper: Service = await startZookeeper({ port: await port(2181), dir: join(runDir, "zookeeper"), tickMs: 2000 });
    stops.push(() => zookeeper.stop());
    zkConnect = zookeeper.address;
  }
  // Random per checkout, kept in .run/secrets.json (0600): a gateway started later uses the same file.
  const secrets = localSecrets(join(runDir, "secrets.json"));
  const routePort = await port(flags.routePort);
  const origins = [`http://127.0.0.1:${routePort}`, `http://localhost:${routePort}`, "http://127.0.0.1:5173", "http://localhost:5173"].join(",");
  const env = {
    ...(redisClusterNodes ? { REDIS_CLUSTER_NODES: redisClusterNodes } : { REDIS_URL: redisUrl! }),
    ZK_CONNECT: zkConnect,
    CIM_TOKEN_SECRET: process.env.CIM_TOKEN_SECRET ?? secrets.CIM_TOKEN_SECRET,
    CIM_ADMIN_TOKEN: process.env.CIM_ADMIN_TOKEN ?? secrets.CIM_ADMIN_TOKEN,
    CIM_ALLOWED_ORIGINS: origins,
  };
  stops.unshift(() => supervisor.stop());
  // A restarted app keeps its port, so clients and the web page find it where it was.
  await supervisor.add("route", () => startApp("route", { ...env, PORT: String(routePort) }, "route", { startFailure: inOurTerms("route", routePort) }));
  const gateways: StackFile["gateways"] = [];
  for (let i = 0; i < GATEWAYS; i++) {
    const id = `gw-${String.fromCharCode(97 + i)}`;
    const gatewayPort = await port(8091 + i);
    await supervisor.add(id, () => startApp("gateway", { ...env, PORT: String(gatewayPort), GATEWAY_ID: id, GATEWAY_WS_URL: `ws://127.0.0.1:${gatewayPort}/ws` }, id, { startFailure: inOurTerms(id, gatewayPort) }));
    gateways.push({ id, port: gatewayPort });
  }
  // The hint names a free port after the gateways' (another stack may hold 8091-8093) and the next free id.
  const nextGateway = { id: `gw-${String.fromCharCode(97 + GATEWAYS)}`, port: await port(Math.max(...gateways.map((g) => g.port)) + 1) };
  const stack: StackFile = { env, routeUrl: `http://127.0.0.1:${routePort}`, gateways };
  writeFileSync(join(runDir, "stack.json"), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  console.log(`
CIM is running:
  web app        http://127.0.0.1:${routePort}/        (admin dashboard: /admin, token: ${env.CIM_ADMIN_TOKEN})
  secrets        ${shown(join(runDir, "secrets.json"))} (generated once for this checkout, mode 0600)
  route API      http://127.0.0.1:${routePort}/api
  gateways       ${gateways.map((g) => `ws://127.0.0.1:${g.port}/ws`).join("  ")}   (supervised: restarted if they exit)
  Redis          ${redisClusterNodes ? `Redis Cluster ${redisClusterNodes}` : redisUrl}
  ZooKeeper      ${zkConnect}
  logs           ${shown(logFileOf(logDir, "route"))}, ${gateways.map((g) => `${g.id}.log`).join(", ")} and the others in ${shown(logDir)}/
                 (${flags.verbose ? "every line is shown here too (--verbose)" : "only warnings and errors are shown here; npm start -- --verbose shows every line"})
  console client npm run cli -- --route http://127.0.0.1:${routePort} --user NAME --password PASSWORD --register
  one more gateway  npm run gateway -- --id ${nextGateway.id} --port ${nextGateway.port}
Press Ctrl-C to stop everything.
`);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping...");
  for (const s of stops) await s().catch((error: unknown) => console.error(String(error)));
  process.exit(0);
}
// SIGHUP: the terminal closed (or the SSH session dropped) under `npm start`; it stops everything as Ctrl-C does.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop());

main().catch(async (error: unknown) => {
  console.error(`start failed: ${(error as Error).message}`);
  await stop();
  process.exit(1);
});
