// A ZooKeeper 3.8 ensemble on loopback: N servers, each with its own dataDir, myid, client, peer and election
// ports, AdminServer off; for tests of discovery when the leader dies.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";
import { ping, removeDir, waitUntil, zookeeperClasspath } from "./services.js";

export interface EnsembleServer {
  id: number;
  port: number;
  /** "leader", "follower", or "down". */
  mode: () => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Sends a signal without waiting for an exit (SIGSTOP, SIGCONT). */
  signal: (signal: NodeJS.Signals) => void;
  restart: () => Promise<void>;
}

export interface ZookeeperEnsemble {
  /** The connect string of every server: `127.0.0.1:p1,127.0.0.1:p2,...`. */
  address: string;
  servers: EnsembleServer[];
  /** The server that leads now (waits for an election). */
  leader: (timeoutMs?: number) => Promise<EnsembleServer>;
  dispose: () => Promise<void>;
}

async function modeOf(port: number): Promise<string> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on("connect", () => socket.write("srvr"));
    socket.on("data", (chunk) => (reply += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(/Mode: (\w+)/.exec(reply)?.[1] ?? "down"));
  });
}

/** Starts `size` servers (3 by default) and waits until each serves and one leads. */
export async function startZookeeperEnsemble(options: { size?: number; tickMs?: number } = {}): Promise<ZookeeperEnsemble> {
  const size = options.size ?? 3;
  const tick = options.tickMs ?? 500;
  const classpath = zookeeperClasspath();
  const root = mkdtempSync(join(tmpdir(), "cim-zk-ensemble-"));
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await getPort(), peer: await getPort(), election: await getPort() })));
  const peers = ports.map((p, i) => `server.${i + 1}=127.0.0.1:${p.peer}:${p.election}`);
  const servers: EnsembleServer[] = [];
  const processes: Spawned[] = [];
  for (const [i, p] of ports.entries()) {
    const id = i + 1;
    const dir = join(root, `server-${id}`);
    mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "data", "myid"), `${id}\n`);
    const config = join(dir, "zoo.cfg");
    writeFileSync(config, [
      `tickTime=${tick}`, `dataDir=${join(dir, "data")}`, `clientPort=${p.client}`, "clientPortAddress=127.0.0.1",
      "initLimit=10", "syncLimit=5", "admin.enableServer=false", "4lw.commands.whitelist=ruok,srvr,mntr",
      `minSessionTimeout=${tick * 2}`, `maxSessionTimeout=${tick * 120}`, ...peers, "",
    ].join("\n"));
    const boot = async () => {
      processes[i] = spawnTracked("java", ["-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
        "-cp", classpath, "org.apache.zookeeper.server.quorum.QuorumPeerMain", config], {}, `zookeeper-${id}:${p.client}`);
    };
    await boot();
    servers.push({
      id, port: p.client,
      mode: () => modeOf(p.client),
      stop: (signal = "SIGTERM") => stopProcess(processes[i]!, signal),
      signal: (signal) => void processes[i]!.child.kill(signal),
      restart: async () => {
        await boot();
        await waitUntil(async () => (await modeOf(p.client)) !== "down", 30_000, `ZooKeeper server ${id} to rejoin`);
      },
    });
  }
  const dispose = async () => {
    await Promise.all(processes.map((spawned) => stopProcess(spawned, "SIGKILL")));
    removeDir(root);
  };
  const leader = async (timeoutMs = 30_000) => {
    let found: EnsembleServer | undefined;
    await waitUntil(async () => {
      const modes = await Promise.all(servers.map((s) => s.mode()));
      found = servers[modes.indexOf("leader")];
      return found !== undefined;
    }, timeoutMs, "a ZooKeeper leader");
    return found!;
  };
  try {
    await waitUntil(async () => (await Promise.all(ports.map((p) => ping(p.client, "ruok", "imok")))).every(Boolean), 60_000, "every ZooKeeper server");
    await leader(60_000);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { address: ports.map((p) => `127.0.0.1:${p.client}`).join(","), servers, leader, dispose };
}
