// A ZooKeeper connection that outlives session expiry: on EXPIRED it builds a new client (PITFALLS).
import zookeeper, { type Client, type Stat } from "node-zookeeper-client";

export type ZkState = "connecting" | "connected" | "disconnected" | "expired" | "closed";

export interface ZkSessionOptions {
  /** Requested session timeout; the server clamps it to its own bounds. */
  sessionTimeoutMs: number;
  /** Called on every state change, for logs and /healthz. */
  onState?: (state: ZkState, detail: { sessionId: string }) => void;
  /** How long one request may wait for its answer (default ZK_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
}

/**
 * A request unanswered this long fails. The client never answers some: those queued while it is disconnected
 * are dropped without a callback when it then learns that its session expired or is closed.
 */
export const ZK_CALL_TIMEOUT_MS = 10_000;

/** Holds the current client; `onSession` handlers run on every new session (first connect and after expiry). */
export class ZkSession {
  private client: Client | null = null;
  private readonly sessionHandlers: Array<(client: Client) => void> = [];
  private currentState: ZkState = "connecting";

  constructor(private readonly connectString: string, private readonly options: ZkSessionOptions) {}

  get state(): ZkState {
    return this.currentState;
  }

  /** The bound of one request, for the `zk` calls made on this session's clients. */
  get callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? ZK_CALL_TIMEOUT_MS;
  }

  /** Registers work to (re)do on each new session: creating ephemeral nodes, setting watches. */
  onSession(handler: (client: Client) => void): void {
    this.sessionHandlers.push(handler);
    if (this.client && this.currentState === "connected") handler(this.client);
  }

  /** Connects; resolves on the first session, rejects after `timeoutMs` without one. */
  start(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ZooKeeper at ${this.connectString}: no session within ${timeoutMs} ms`)), timeoutMs);
      this.onSession(() => {
        clearTimeout(timer);
        resolve();
      });
      this.connect();
    });
  }

  close(): void {
    this.setState("closed");
    this.client?.close();
    this.client = null;
  }

  /** The client of the live session, or null while there is none. */
  get liveClient(): Client | null {
    return this.currentState === "connected" ? this.client : null;
  }

  /** The session id in hex, as ZooKeeper's ephemeralOwner shows it. */
  sessionId(): string {
    return this.client ? this.client.getSessionId().toString("hex") : "";
  }

  private connect(): void {
    const client = zookeeper.createClient(this.connectString, { sessionTimeout: this.options.sessionTimeoutMs, spinDelay: 500, retries: 1 });
    this.client = client;
    let sessionSeen = "";
    let watchdog: NodeJS.Timeout | undefined;
    const renew = (why: ZkState) => {
      clearTimeout(watchdog);
      this.setState(why);
      client.close();
      if (this.client === client) this.connect();
    };
    // The client has no timeout of its own before its first session: a server that accepts the connection and
    // never answers (frozen, or still starting after a restart) holds it for ever. Start again after a session timeout.
    watchdog = setTimeout(() => {
      if (this.client === client && this.currentState !== "connected") renew("connecting");
    }, this.options.sessionTimeoutMs);
    watchdog.unref();
    client.on("state", (state) => {
      if (this.client !== client) return;
      if (state !== zookeeper.State.DISCONNECTED) clearTimeout(watchdog);
      if (state === zookeeper.State.SYNC_CONNECTED) {
        const id = this.sessionId();
        this.setState("connected");
        if (id !== sessionSeen) {
          sessionSeen = id;
          for (const handler of this.sessionHandlers) handler(client);
        }
      } else if (state === zookeeper.State.DISCONNECTED) {
        this.setState("disconnected");
        // Disconnected longer than the session timeout: the server has expired the session, but the client
        // may not learn it for long (it can stall reconnecting after a server restart). Start a new session.
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          if (this.client === client && this.currentState === "disconnected") renew("expired");
        }, this.options.sessionTimeoutMs);
        watchdog.unref();
      } else if (state === zookeeper.State.EXPIRED) {
        renew("expired");
      }
    });
    client.connect();
  }

  private setState(state: ZkState): void {
    if (this.currentState === "closed") return;
    this.currentState = state;
    this.options.onState?.(state, { sessionId: this.sessionId() });
  }
}

/** Settles with the callback's outcome, or fails after `timeoutMs` naming the request. */
function call<T>(what: string, timeoutMs: number, start: (done: (error: unknown, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ZooKeeper ${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    start((error, value) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    });
  });
}

/** Promise wrappers over the callback API, for the calls we use; each fails after `timeoutMs`. */
export const zk = {
  mkdirp: (client: Client, path: string, timeoutMs = ZK_CALL_TIMEOUT_MS) =>
    call<void>(`mkdirp ${path}`, timeoutMs, (done) => client.mkdirp(path, (error) => done(error, undefined))),
  create: (client: Client, path: string, data: Buffer, mode: number, timeoutMs = ZK_CALL_TIMEOUT_MS) =>
    call<string>(`create ${path}`, timeoutMs, (done) => client.create(path, data, mode, done)),
  remove: (client: Client, path: string, timeoutMs = ZK_CALL_TIMEOUT_MS) =>
    call<void>(`remove ${path}`, timeoutMs, (done) => client.remove(path, -1, (error) => done(error, undefined))),
  getData: (client: Client, path: string, timeoutMs = ZK_CALL_TIMEOUT_MS) =>
    call<{ data: Buffer; stat: Stat }>(`getData ${path}`, timeoutMs, (done) =>
      client.getData(path, (error, data, stat) => done(error, { data, stat })),
    ),
  getChildren: (client: Client, path: string, watcher?: () => void, timeoutMs = ZK_CALL_TIMEOUT_MS) =>
    call<string[]>(`getChildren ${path}`, timeoutMs, (done) => {
      if (watcher) client.getChildren(path, watcher, done);
      else client.getChildren(path, done);
    }),
};

export const { CreateMode, Exception } = zookeeper;
