// Real redis-server and ZooKeeper on free loopback ports, in temporary folders: for tests, bench and `npm start`.
import { accessSync, constants, mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import getPort from "get-port";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";

export interface Service {
  /** The address clients use: a redis:// URL, or host:port for ZooKeeper. */
  address: string;
  port: number;
  /** Stops it (SIGTERM, or SIGKILL with `kill`), keeping its data folder. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /**
   * Starts it again on the same port and data; `extraArgs` are added to its command line this time only (Redis: e.g.
   * `--key-load-delay 100`, microseconds per key loaded, so that it answers LOADING for a while).
   */
  restart: (extraArgs?: string[]) => Promise<void>;
  /** Stops it and removes its data folder. */
  dispose: () => Promise<void>;
  process: () => Spawned;
}

const ZK_JARS = [
  "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar", "netty-handler.jar", "netty-common.jar",
  "netty-buffer.jar", "netty-transport.jar", "netty-resolver.jar", "netty-codec.jar", "netty-transport-native-epoll.jar",
  "netty-transport-native-unix-common.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar",
];
const JAVA_DIR = "/usr/share/java";

/**
 * How every Redis of the project persists (single node, cluster nodes, docker-compose.yml): append-only, fsync every
 * second, no RDB snapshots. A chat store appends about 1.4 KB of AOF per private message (three stream entries, two
 * newest ids, two conversation lists and the count); with Redis' default `auto-aof-rewrite-min-size` of 64 MB a
 * small dataset is rewritten, by a forked child that takes a core for hundreds of ms, every 45,000 messages, and on
 * a machine the servers share every rewrite stalls delivery (docs/BENCHMARKS.md, "2026-11-29, 16:14"). 512 MB lets
 * the AOF grow to a larger base first: rewrites come eight times less often while a restart still loads it in seconds
 * (docs/DEPLOYMENT.md, "Redis persistence").
 */
export const REDIS_PERSISTENCE_ARGS: readonly string[] = [
  "--appendonly", "yes", "--appendfsync", "everysec", "--auto-aof-rewrite-min-size", "512mb", "--save", "",
];

/** True when `command` is an executable file in one of PATH's folders. */
function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || ".", command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Throws one line naming what to install when `command` (redis-server, redis-cli, java) is not on PATH. A missing
 * redis-server ended in setpriv's "failed to execute" under "exited", and a missing java in a 30 s wait for ZooKeeper.
 */
export function requireCommand(command: string, part: "redis" | "zookeeper"): void {
  if (onPath(command)) return;
  const [pkg, env] = part === "redis" ? ["redis-server", "REDIS_URL"] : ["zookeeper (it brings a Java runtime)", "ZK_CONNECT"];
  throw new Error(`${command} not found on PATH: install ${pkg} (sudo apt-get install -y ${pkg.split(" ")[0]}, or bash scripts/ensure-system.sh ${part}), or give npm start ${env} of a running server`);
}

/** Starts redis-server with the project's persistence (REDIS_PERSISTENCE_ARGS). */
export async function startRedis(options: { port?: number; dir?: string } = {}): Promise<Service> {
  requireCommand("redis-server", "redis");
  const port = options.port ?? (await getPort({ host: "127.0.0.1" }));
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "cim-redis-"));
  mkdirSync(dir, { recursive: true });
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, ...REDIS_PERSISTENCE_ARGS,
    "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning",
    // Fault tests stall it on purpose (DEBUG SLEEP), from loopback only.
    "--enable-debug-command", "local"];
  let spawned: Spawned;
  const boot = async (extraArgs: string[] = []) => {
    spawned = spawnTracked("redis-server", [...args, ...extraArgs], {}, `redis:${port}`);
    // A port found free can be taken before we bind it (another suite): only our own process counts as ready.
    await waitUntil(async () => {
      if (spawned.child.exitCode !== null) throw new Error(`redis-server on port ${port} exited:\n${spawned.output().slice(-2000)}`);
      return ping(port, "INFO server\r\n", `process_id:${spawned.child.pid}\r\n`);
    }, 10_000, `redis-server on port ${port}`);
  };
  await boot();
  const stop = (signal: NodeJS.Signals = "SIGTERM") => stopProcess(spawned, signal);
  return {
    address: `redis://127.0.0.1:${port}`, port, stop, restart: (extraArgs) => boot(extraArgs), process: () => spawned,
    dispose: async () => { await stop("SIGKILL"); if (!options.dir) removeDir(dir); },
  };
}

/**
 * Removes a server's data folder. A Redis killed with SIGKILL can leave a forked child behind (the AOF rewrite a
 * replica starts after its sync) that writes one more file while the folder is removed: rmdir then fails with
 * ENOTEMPTY, so the removal is tried again for 3 s, and then left with one line.
 */
export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 30, retryDelay: 100 });
  } catch (error) {
    // A child still writing after 3 s (a large rewrite on a busy machine): the folder is left in the temp dir, and
    // the test that disposed of its server does not fail for it.
    console.warn(`devstack: could not remove ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): left in place`);
  }
}

/**
 * Fills the Redis at `address` with `keys` filler keys and waits for an AOF rewrite to write them into the AOF's base
 * (an RDB preamble, which `--key-load-delay` at the next start slows): tests of a Redis that answers LOADING for
 * seconds after a restart.
 */
export async function fillAndRewriteAof(address: string, keys: number): Promise<void> {
  const { Redis } = await import("ioredis");
  const admin = new Redis(address);
  try {
    await admin.call("DEBUG", "POPULATE", String(keys), "filler", "10");
    await admin.bgrewriteaof();
    const done = async () => {
      const info = await admin.info("persistence");
      return /aof_rewrite_in_progress:0\r\n/.test(info) && /aof_rewrite_scheduled:0\r\n/.test(info);
    };
    await waitUntil(done, 30_000, "the AOF rewrite");
  } finally {
    admin.disconnect();
  }
}

/** The Java classpath of Debian's ZooKeeper 3.8; throws naming the missing jars. */
export function zookeeperClasspath(): string {
  requireCommand("java", "zookeeper");
  const missing = ZK_JARS.filter((jar) => !existsSync(join(JAVA_DIR, jar)));
  if (missing.length) throw new Error(`ZooKeeper jars missing in ${JAVA_DIR}: ${missing.join(", ")} (sudo apt-get install -y zookeeper, or bash scripts/ensure-system.sh zookeeper)`);
  return ZK_JARS.map((jar) => join(JAVA_DIR, jar)).join(":");
}

/** Starts a standalone ZooKeeper 3.8 from Debian's jars, AdminServer off, data in a temporary folder. */
export async function startZookeeper(options: { port?: number; dir?: string; tickMs?: number } = {}): Promise<Service> {
  zookeeperClasspath();
  const port = options.port ?? (await getPort({ host: "127.0.0.1" }));
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "cim-zk-"));
  mkdirSync(join(dir, "data"), { recursive: true });
  const tick = options.tickMs ?? 500;
  const config = join(dir, "zoo.cfg");
  writeFileSync(config, [
    `tickTime=${tick}`, `dataDir=${join(dir, "data")}`, `clientPort=${port}`, "clientPortAddress=127.0.0.1",
    "admin.enableServer=false", "4lw.commands.whitelist=ruok,srvr,mntr", `minSessionTimeout=${tick * 2}`,
    `maxSessionTimeout=${tick * 120}`, "autopurge.purgeInterval=1", "",
  ].join("\n"));
  const classpath = zookeeperClasspath();
  let spawned: Spawned;
  const boot = async () => {
    spawned = spawnTracked("java", ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
      "-cp", classpath, "org.apache.zookeeper.server.ZooKeeperServerMain", config], {}, `zookeeper:${port}`);
    // A JVM that cannot start (or a port taken before it bound) exits: said at once, not after the 30 s wait.
    await waitUntil(() => {
      if (spawned.child.exitCode !== null) throw new Error(`ZooKeeper on port ${port} exited:\n${spawned.output().slice(-2000)}`);
      return ping(port, "ruok", "imok");
    }, 30_000, `ZooKeeper on port ${port}`);
  };
  await boot();
  const stop = (signal: NodeJS.Signals = "SIGTERM") => stopProcess(spawned, signal);
  return {
    address: `127.0.0.1:${port}`, port, stop, restart: boot, process: () => spawned,
    dispose: async () => { await stop("SIGKILL"); if (!options.dir) removeDir(dir); },
  };
}

/** Sends `request` to a loopback port and says whether the reply holds `expected` (redis PING, ZooKeeper 4lw). */
export async function ping(port: number, request: string, expected: string): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(1_000, () => { socket.destroy(); resolve(false); });
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes(expected)) { socket.destroy(); resolve(true); }
    });
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(reply.includes(expected)));
  });
}

/** Polls `check` until it is true; the error names what never became ready. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
