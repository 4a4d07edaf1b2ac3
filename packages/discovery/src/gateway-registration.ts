// A gateway's ephemeral sequential node under /cim/gateways, re-created on every new ZooKeeper session.
import type { Client } from "node-zookeeper-client";
import { GATEWAYS_PATH, GATEWAY_NODE_PREFIX, parseGatewayInfo, type GatewayInfo } from "./gateway-info.js";
import { CreateMode, Exception, zk, type ZkSession } from "./zk-session.js";

export interface RegistrationEvents {
  onRegistered?: (path: string) => void;
  onError?: (error: Error) => void;
}

const RETRY_MS = 1_000;

export class GatewayRegistration {
  private path: string | null = null;
  private stopped = false;

  constructor(private readonly session: ZkSession, private readonly info: Required<GatewayInfo>, private readonly events: RegistrationEvents = {}) {}

  /** The node path while registered. */
  get nodePath(): string | null {
    return this.path;
  }

  /** Registers now and after every session expiry; resolves once first registered. */
  start(): Promise<string> {
    return new Promise((resolve) => {
      let first = true;
      this.session.onSession((client) => {
        this.path = null;
        void this.register(client).then((path) => {
          if (first && path) {
            first = false;
            resolve(path);
          }
        });
      });
    });
  }

  /** Deletes the node (graceful shutdown); the session's close would delete it too. */
  async stop(): Promise<void> {
    this.stopped = true;
    const path = this.path;
    this.path = null;
    const client = this.currentClient;
    if (path && client) await zk.remove(client, path).catch(() => undefined);
  }

  private currentClient: Client | null = null;

  private async register(client: Client): Promise<string | null> {
    this.currentClient = client;
    const data = Buffer.from(JSON.stringify(this.info));
    while (!this.stopped && this.currentClient === client) {
      try {
        await zk.mkdirp(client, GATEWAYS_PATH);
        const existing = await this.findOwnNode(client);
        this.path = existing ?? (await zk.create(client, `${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}`, data, CreateMode.EPHEMERAL_SEQUENTIAL));
        this.events.onRegistered?.(this.path);
        return this.path;
      } catch (error) {
        // CONNECTION_LOSS during create may still have created the node: findOwnNode picks it up on retry.
        this.events.onError?.(error as Error);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    return null;
  }

  /** A node of this instance owned by the current session, if a lost create made one. */
  private async findOwnNode(client: Client): Promise<string | null> {
    const sessionId = client.getSessionId().toString("hex");
    for (const child of await zk.getChildren(client, GATEWAYS_PATH)) {
      const path = `${GATEWAYS_PATH}/${child}`;
      try {
        const { data, stat } = await zk.getData(client, path);
        if (parseGatewayInfo(data)?.instance === this.info.instance && stat.ephemeralOwner.toString("hex") === sessionId) return path;
      } catch (error) {
        if ((error as { code?: number }).code !== Exception.NO_NODE) throw error;
      }
    }
    return null;
  }
}
