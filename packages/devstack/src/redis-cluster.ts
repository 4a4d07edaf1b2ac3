// A Redis Cluster on loopback: masters with one replica each (append-only, short node timeout), created with
// `redis-cli --cluster create`; for tests of sharded keys and failover.
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import getPort from "get-port";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";
import { ping, REDIS_PERSISTENCE_ARGS, removeDir, requireCommand, waitUntil } from "./services.js";

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  /** "master" or "slave" as the node reports itself; "down" when it does not answer. */
  role: () => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Sends a signal without waiting for an exit (SIGSTOP, SIGCONT). */
  signal: (signal: NodeJS.Signals) => void;
  /** Starts the node again, with `extraArgs` after its own (a loading delay, say) for this start only. */
  restart: (extraArgs?: string[]) => Promise<void>;
}

export interface RedisCluster {
  /** host:port of every node, for ioredis' Cluster. */
  nodes: Array<{ host: string; port: number }>;
  /** The same as a comma-separated `redis://` list (REDIS_URL of a cluster deployment). */
  address: string;
  members: ClusterNode[];
  /** The node that is master of `key`'s slot now, as a live node reports it. */
  masterOf: (key: string) => Promise<ClusterNode>;
  /** A replica of `master` as `master` reports it (for CLUSTER FAILOVER); throws when it has none. */
  replicaOf: (master: ClusterNode) => Promise<ClusterNode>;
  /** Resolves once every live node reports cluster_state:ok. */
  ready: (timeoutMs?: number) => Promise<void>;
  dispose: () => Promise<void>;
}

/** Redis Cluster's bus port is the node's port + 10,000: Redis binds both, and does not start when either fails. */
const BUS_PORT_OFFSET = 10_000;
/** How long replicaOf asks a master for a live replica before it gives up. */
const REPLICA_WAIT_MS = 10_000;

/**
 * A free loopback port whose bus port is free too. A node given only a free port failed to start now and then
 * ("timed out waiting for redis-server") when its port + 10,000 was in use by another socket.
 */
async function nodePort(): Promise<number> {
  for (;;) {
    const port = await getPort({ host: "127.0.0.1" });
    const bus = port + BUS_PORT_OFFSET;
    // get-port answers the port asked for when it is free, another one otherwise.
    if (bus <= 65_535 && (await getPort({ host: "127.0.0.1", port: bus })) === bus) return port;
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-p", String(port), ...args], { timeout: 5_000 });
  return stdout;
}

/** Starts masters × (1 + replicas) nodes and creates the cluster (3 masters, 1 replica each by default). */
export async function startRedisCluster(options: { masters?: number; replicas?: number; nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
  for (const command of ["redis-server", "redis-cli"]) requireCommand(command, "redis");
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const root = mkdtempSync(join(tmpdir(), "cim-redis-cluster-"));
  const count = masters * (1 + replicas);
  const ports = await Promise.all(Array.from({ length: count }, () => nodePort()));
  const processes: Spawned[] = [];
  const members: ClusterNode[] = [];
  for (const [i, port] of ports.entries()) {
    const dir = join(root, String(port));
    mkdirSync(dir, { recursive: true });
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes",
      "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", String(options.nodeTimeoutMs ?? 2_000),
      ...REDIS_PERSISTENCE_ARGS, "--daemonize", "no", "--loglevel", "warning",
      // A replica (at the start, or a restarted master rejoining) gets its copy at once, not after Redis' default
      // 5 s wait for more replicas to share one diskless transfer: each master has one replica here.
      "--repl-diskless-sync-delay", "0"];
    // With extra arguments the node may still load its data once it listens (PING answered -LOADING): this process
    // answering INFO (served while loading) is enough then.
    const boot = async (extraArgs: string[] = []) => {
      const spawned = (processes[i] = spawnTracked("redis-server", [...args, ...extraArgs], {}, `redis-cluster:${port}`));
      const up = extraArgs.length > 0 ? () => ping(port, "INFO server\r\n", `process_id:${spawned.child.pid}\r\n`) : () => ping(port, "PING\r\n", "+PONG");
      await waitUntil(up, 10_000, `redis-server on port ${port}`);
    };
    await boot();
    members.push({
      port,
      role: async () => /role:(\w+)/.exec(await cli(port, "INFO", "replication").catch(() => ""))?.[1] ?? "down",
      stop: (signal = "SIGTERM") => stopProcess(processes[i]!, signal),
      signal: (signal) => void processes[i]!.child.kill(signal),
      restart: (extraArgs) => boot(extraArgs),
    });
  }
  const dispose = async () => {
    await Promise.all(processes.map((spawned) => stopProcess(spawned, "SIGKILL")));
    removeDir(root);
  };
  const ready = async (timeoutMs = 30_000) => {
    await waitUntil(async () => {
      const states = await Promise.all(members.map(async (m) => ((await m.role()) === "down" ? "down" : cli(m.port, "CLUSTER", "INFO").catch(() => ""))));
      return states.every((info) => info === "down" || info.includes("cluster_state:ok"));
    }, timeoutMs, "cluster_state:ok on every live node");
  };
  // A replica that never synced with its master refuses to take over from it: wait for every link.
  const synced = async () => {
    const infos = await Promise.all(members.map((m) => cli(m.port, "INFO", "replication").catch(() => "")));
    return infos.every((info) => !info.includes("role:slave") || info.includes("master_link_status:up"));
  };
  try {
    await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(replicas), "--cluster-yes"], { timeout: 60_000 });
    await ready(60_000);
    await waitUntil(synced, 60_000, "every replica in sync with its master");
  } catch (error) {
    await dispose();
    throw error;
  }
  const masterOf = async (key: string) => {
    for (const member of members) {
      const [slotText, table] = await Promise.all([cli(member.port, "CLUSTER", "KEYSLOT", key), cli(member.port, "CLUSTER", "NODES")]).catch(() => ["", ""]);
      const slot = Number(slotText.trim());
      if (!table || !Number.isInteger(slot)) continue;
      for (const line of table.split("\n")) {
        const [, address = "", flags = "", , , , , , ...ranges] = line.split(" ");
        if (!flags.split(",").includes("master") || flags.includes("fail")) continue;
        const owns = ranges.some((range) => {
          const [from, to = from] = range.split("-").map(Number);
          return slot >= from! && slot <= to!;
        });
        const port = Number(/:(\d+)@/.exec(address)?.[1]);
        const node = members.find((m) => m.port === port);
        if (owns && node) return node;
      }
    }
    throw new Error(`no live master serves the slot of ${key}`);
  };
  /** The master's live replica; the master may learn of it a moment after the cluster is up, so it is asked again for a while. */
  const replicaOf = async (master: ClusterNode) => {
    for (const deadline = Date.now() + REPLICA_WAIT_MS; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const table = await cli(master.port, "CLUSTER", "NODES");
      const self = table.split("\n").find((line) => line.split(" ")[2]?.split(",").includes("myself"))?.split(" ")[0];
      for (const line of table.split("\n")) {
        const [, address = "", flags = "", masterId = ""] = line.split(" ");
        const node = members.find((m) => m.port === Number(/:(\d+)@/.exec(address)?.[1]));
        if (self && masterId === self && flags.includes("slave") && !flags.includes("fail") && node) return node;
      }
      if (Date.now() > deadline) throw new Error(`no live replica of the master on port ${master.port} within ${REPLICA_WAIT_MS} ms`);
    }
  };
  const nodes = ports.map((port) => ({ host: "127.0.0.1", port }));
  return { nodes, address: ports.map((p) => `redis://127.0.0.1:${p}`).join(","), members, masterOf, replicaOf, ready, dispose };
}
