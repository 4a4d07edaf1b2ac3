// The shared harness of this package's integration tests: one real ZooKeeper per test file; the sessions and
// clients a test opens are closed after it and /cim/gateways is left empty, also when the test failed.
import { afterAll, afterEach, beforeAll } from "vitest";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from "node:net";
import zookeeper, { type Client } from "node-zookeeper-client";
import { startZookeeper, waitUntil, type Service } from "@cim/devstack";
import { GATEWAYS_PATH } from "./gateway-info.js";
import { CreateMode, zk, ZkSession, type ZkSessionOptions } from "./zk-session.js";

/** Session timeout of test sessions (the server allows 1 s to 60 s). */
export const TEST_SESSION_TIMEOUT_MS = 4_000;
const PROBES_PATH = "/cim-test/probes";

export type MakeSession<T extends ZkSession> = (connectString: string, options: ZkSessionOptions) => T;

export interface ZkHarness {
  /** host:port of the ZooKeeper server itself. */
  readonly address: string;
  /** A started session that reaches ZooKeeper through a proxy of its own (see `expire`); closed after the test. */
  session<T extends ZkSession = ZkSession>(options?: Partial<ZkSessionOptions>, make?: MakeSession<T>): Promise<T>;
  /** A plain connected client (another process's view); closed after the test. */
  client(): Promise<Client>;
  /**
   * Expires the current session of `session` the way a partition does: its proxy drops all traffic until the
   * server has expired the session (its ephemeral nodes are gone), then cuts the connection; resolves once the
   * session runs again under a new id.
   */
  expire(session: ZkSession): Promise<void>;
  /** Drops all traffic of `session` (until the test ends, or `expire` heals it). */
  partition(session: ZkSession): void;
  /**
   * Cuts the connections of `session` and from now on accepts its new ones without ever answering, as a server
   * that is frozen or still starting does; `restore` lets new connections through again (the held ones stay hung).
   */
  hang(session: ZkSession): void;
  restore(session: ZkSession): void;
  /** The children of /cim/gateways with their data and owners (session id in hex). */
  gatewayNodes(): Promise<Array<{ name: string; data: string; owner: string }>>;
}

/** Starts ZooKeeper before the file's tests and registers the cleanup; call at the top of a test file. */
export function useZookeeper(): ZkHarness {
  let service: Service | undefined;
  let observer: Client | undefined;
  const sessions: ZkSession[] = [];
  const clients: Client[] = [];
  const proxies = new Map<ZkSession, Proxy>();
  const current = new WeakMap<ZkSession, Client>();
  const started = () => {
    if (!service || !observer) throw new Error("the ZooKeeper harness is not started");
    return { service, observer };
  };

  const harness: ZkHarness = {
    get address() {
      return started().service.address;
    },
    async session<T extends ZkSession>(options: Partial<ZkSessionOptions> = {}, make?: MakeSession<T>) {
      const proxy = await Proxy.start(started().service.port);
      const all: ZkSessionOptions = { sessionTimeoutMs: TEST_SESSION_TIMEOUT_MS, ...options };
      const session = make ? make(proxy.address, all) : (new ZkSession(proxy.address, all) as T);
      sessions.push(session);
      proxies.set(session, proxy);
      session.onSession((client) => current.set(session, client));
      await session.start();
      return session;
    },
    async client() {
      const client = await connect(harness.address);
      clients.push(client);
      return client;
    },
    async expire(session) {
      const proxy = proxies.get(session);
      const client = current.get(session);
      if (!proxy || !client) throw new Error("expire: the session was not made by this harness");
      const before = session.sessionId();
      const { observer } = started();
      await zk.mkdirp(observer, PROBES_PATH);
      const probe = await zk.create(client, `${PROBES_PATH}/p-`, Buffer.alloc(0), CreateMode.EPHEMERAL_SEQUENTIAL);
      proxy.partition();
      const exists = (path: string) => new Promise<boolean>((resolve) => observer.exists(path, (error, stat) => resolve(!error && !!stat)));
      await waitUntil(async () => !(await exists(probe)), 10 * TEST_SESSION_TIMEOUT_MS, `the server to expire session ${before}`);
      proxy.heal();
      await waitUntil(
        () => session.state === "connected" && session.sessionId() !== before,
        30_000,
        `a new session after ${before} expired`,
      );
    },
    partition(session) {
      const proxy = proxies.get(session);
      if (!proxy) throw new Error("partition: the session was not made by this harness");
      proxy.partition();
    },
    hang(session) {
      const proxy = proxies.get(session);
      if (!proxy) throw new Error("hang: the session was not made by this harness");
      proxy.hang();
    },
    restore(session) {
      const proxy = proxies.get(session);
      if (!proxy) throw new Error("restore: the session was not made by this harness");
      proxy.restore();
    },
    async gatewayNodes() {
      const { observer } = started();
      const names = await zk.getChildren(observer, GATEWAYS_PATH).catch(() => [] as string[]);
      const nodes = [];
      for (const name of names.sort()) {
        const node = await zk.getData(observer, `${GATEWAYS_PATH}/${name}`).catch(() => null);
        if (node) nodes.push({ name, data: node.data.toString("utf8"), owner: node.stat.ephemeralOwner.toString("hex") });
      }
      return nodes;
    },
  };

  const closeAll = async () => {
    for (const session of sessions.splice(0)) session.close();
    for (const client of clients.splice(0)) client.close();
    for (const proxy of proxies.values()) proxy.close();
    proxies.clear();
  };
  beforeAll(async () => {
    // A free port can be taken between its pick and the server's bind (other suites run on this machine too):
    // then our server is gone, so start another.
    for (let attempt = 1; ; attempt++) {
      service = await startZookeeper();
      try {
        // Its ruok may have been answered by another suite's server on the same port: wait until ours listens.
        await waitUntil(() => listensOn(service!.process().child.pid, service!.port), 30_000, `our ZooKeeper to listen on ${service.port}`);
        observer = await connect(service.address, 15_000);
        return;
      } catch (error) {
        observer?.close();
        await service.dispose();
        service = undefined;
        if (attempt === 3) throw error;
      }
    }
  });
  afterEach(async () => {
    await closeAll();
    // Closed sessions take their ephemeral nodes along; anything else left over is removed.
    if (observer)
      for (const node of await harness.gatewayNodes()) await zk.remove(observer, `${GATEWAYS_PATH}/${node.name}`).catch(() => undefined);
  });
  afterAll(async () => {
    await closeAll();
    observer?.close();
    await service?.dispose();
  });
  return harness;
}

async function connect(address: string, timeoutMs = 30_000): Promise<Client> {
  const client = zookeeper.createClient(address, { sessionTimeout: TEST_SESSION_TIMEOUT_MS, spinDelay: 200, retries: 0 });
  const states: string[] = [];
  client.on("state", (state) => states.push(String(state)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`no ZooKeeper connection to ${address} within ${timeoutMs} ms (states: ${states.join(" > ") || "none"})`));
    }, timeoutMs);
    client.once("connected", () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
}

/**
 * True when process `pid` holds the listening socket of `port` (Linux /proc); true where /proc is missing, and
 * false once the process is gone.
 */
function listensOn(pid: number | undefined, port: number): boolean {
  if (!existsSync("/proc/net/tcp")) return true;
  if (pid === undefined || !existsSync(`/proc/${pid}`)) return false;
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
    }
  }
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const link = readlinkSafe(`/proc/${pid}/fd/${fd}`);
      return link.startsWith("socket:[") && inodes.has(link.slice(8, -1));
    });
  } catch {
    return false;
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

/** A TCP proxy in front of ZooKeeper that can drop everything, like a network partition. */
class Proxy {
  private partitioned = false;
  private hanging = false;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted while hanging: held open, never answered, destroyed only by `close`. */
  private readonly held = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<Proxy> {
    const server = createServer();
    const proxy = new Proxy(server);
    server.on("connection", (downstream) => proxy.accept(downstream, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** From now on nothing passes and new connections are refused. */
  partition(): void {
    this.partitioned = true;
  }

  /** Ends the partition: connections open through it are cut, so clients reconnect. */
  heal(): void {
    for (const socket of this.sockets) socket.destroy();
    this.partitioned = false;
  }

  /** Cuts the connections through it; new ones are held without an answer until `restore`. */
  hang(): void {
    this.hanging = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.hanging = false;
  }

  close(): void {
    this.heal();
    for (const socket of this.held) socket.destroy();
    this.server.close();
  }

  private accept(downstream: Socket, targetPort: number): void {
    if (this.hanging) {
      this.held.add(downstream);
      downstream.on("error", () => downstream.destroy());
      return;
    }
    if (this.partitioned) {
      downstream.destroy();
      return;
    }
    const upstream = tcpConnect(targetPort, "127.0.0.1");
    for (const socket of [downstream, upstream]) {
      this.sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => this.sockets.delete(socket));
    }
    downstream.on("data", (chunk) => this.partitioned || upstream.write(chunk));
    upstream.on("data", (chunk) => this.partitioned || downstream.write(chunk));
    // During a partition a closed side is not seen by the other (the server expiring the session stays unseen).
    downstream.on("close", () => this.partitioned || upstream.destroy());
    upstream.on("close", () => this.partitioned || downstream.destroy());
  }
}
