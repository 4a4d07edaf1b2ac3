// A gateway's ephemeral sequential node under /cim/gateways, re-created on every new ZooKeeper session.
import type { Client } from "node-zookeeper-client";
import { GATEWAYS_PATH, GATEWAY_NODE_PREFIX, parseGatewayInfo, type GatewayInfo } from "./gateway-info.js";
import { CreateMode, Exception, zk, type ZkSession } from "./zk-session.js";

export interface RegistrationEvents {
  onRegistered?: (path: string) => void;
  onError?: (error: Error) => void;
}

const RETRY_MS = 1_000;

const isNoNode = (error: unknown) => (error as { code?: number }).code === Exception.NO_NODE;

export class GatewayRegistration {
  private path: string | null = null;
  private stopped = false;
  /** The client of the newest session: an attempt on an older one gives up (its nodes die with it). */
  private client: Client | null = null;
  /** The registration attempt on the newest session, until it ends. */
  private attempt: Promise<string | null> | null = null;
  private settleStart: ((path: string | null) => void) | null = null;

  constructor(
    private readonly session: ZkSession,
    private readonly info: Required<GatewayInfo>,
    private readonly events: RegistrationEvents = {},
  ) {}

  /** The node path while registered. */
  get nodePath(): string | null {
    return this.path;
  }

  /** Registers now and after every session expiry; resolves once first registered, or with null if stopped first. */
  start(): Promise<string | null> {
    return new Promise((resolve) => {
      this.settleStart = resolve;
      this.session.onSession((client) => {
        if (this.stopped) return;
        this.client = client;
        this.path = null;
        this.attempt = this.register(client);
        void this.attempt.then((path) => path && resolve(path));
      });
    });
  }

  /**
   * Deletes the node (graceful shutdown; the session's close would delete it too). A registration still in
   * flight ends first, so no node is created after this resolves. Bounded by the session's call timeout.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.settleStart?.(null);
    await this.attempt;
    const { path, client } = this;
    this.path = null;
    if (path && client) await zk.remove(client, path, this.session.callTimeoutMs).catch(() => undefined);
  }

  private async register(client: Client): Promise<string | null> {
    const data = Buffer.from(JSON.stringify(this.info));
    const timeout = this.session.callTimeoutMs;
    while (!this.stopped && this.client === client) {
      try {
        await zk.mkdirp(client, GATEWAYS_PATH, timeout);
        const path =
          (await this.claimOwnNode(client)) ??
          (await zk.create(client, `${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}`, data, CreateMode.EPHEMERAL_SEQUENTIAL, timeout));
        if (this.stopped) {
          // Stopped while creating: the node must not outlive the registration.
          await zk.remove(client, path, timeout).catch(() => undefined);
          return null;
        }
        if (this.client !== client) return null;
        this.path = path;
        this.events.onRegistered?.(path);
        return path;
      } catch (error) {
        if (this.stopped || this.client !== client) return null;
        // CONNECTION_LOSS during create may still have created the node: claimOwnNode picks it up on retry.
        this.events.onError?.(error as Error);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    return null;
  }

  /**
   * The node of this instance that the current session owns, if a lost create made one. Nodes of this instance
   * owned by another (older) session are deleted: that session is gone or going, and its node would list the
   * gateway twice until the server expires it (PITFALLS: compare ephemeralOwner, delete and create again).
   */
  private async claimOwnNode(client: Client): Promise<string | null> {
    const timeout = this.session.callTimeoutMs;
    const sessionId = client.getSessionId().toString("hex");
    let own: string | null = null;
    for (const child of await zk.getChildren(client, GATEWAYS_PATH, undefined, timeout)) {
      const path = `${GATEWAYS_PATH}/${child}`;
      try {
        const { data, stat } = await zk.getData(client, path, timeout);
        if (parseGatewayInfo(data)?.instance !== this.info.instance) continue;
        if (!own && stat.ephemeralOwner.toString("hex") === sessionId) own = path;
        else await zk.remove(client, path, timeout);
      } catch (error) {
        if (!isNoNode(error)) throw error;
      }
    }
    return own;
  }
}

/**
 * The nodes registered under gateway `id` by another instance than `instance`: a gateway running under the same id,
 * or an earlier incarnation whose session has not expired yet. Empty while there is no live session.
 */
export async function otherRegistrations(session: ZkSession, id: string, instance: string): Promise<Array<{ path: string; info: GatewayInfo }>> {
  const client = session.liveClient;
  if (!client) return [];
  const timeout = session.callTimeoutMs;
  let children: string[];
  try {
    children = await zk.getChildren(client, GATEWAYS_PATH, undefined, timeout);
  } catch (error) {
    if (isNoNode(error)) return [];
    throw error;
  }
  const found: Array<{ path: string; info: GatewayInfo }> = [];
  for (const child of children) {
    const path = `${GATEWAYS_PATH}/${child}`;
    try {
      const info = parseGatewayInfo((await zk.getData(client, path, timeout)).data);
      if (info?.id === id && info.instance !== instance) found.push({ path, info });
    } catch (error) {
      if (!isNoNode(error)) throw error;
    }
  }
  return found;
}
