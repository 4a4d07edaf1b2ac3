// The live gateways, from a watch on /cim/gateways' children, cached for route and gateways.
import type { Client } from "node-zookeeper-client";
import { GATEWAYS_PATH, parseGatewayInfo, type GatewayInfo } from "./gateway-info.js";
import { Exception, zk, type ZkSession } from "./zk-session.js";

export interface DirectoryEvents {
  /** Called with the gateway ids that appeared and disappeared (by id, not node). */
  onChange?: (change: { added: string[]; removed: string[]; gateways: GatewayInfo[] }) => void;
  onError?: (error: Error) => void;
}

const RETRY_MS = 1_000;

export class GatewayDirectory {
  private nodes = new Map<string, GatewayInfo>();
  private gateways: GatewayInfo[] = [];
  private client: Client | null = null;
  private firstList: Promise<void>;
  private resolveFirst!: () => void;
  /** The client a refresh runs on, if one runs; `again` asks it for one more run when it ends. */
  private refreshing: Client | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** One watcher for all listings: the client keeps each distinct watcher function until it fires. */
  private readonly onChildrenChanged = () => this.requestRefresh();

  constructor(private readonly session: ZkSession, private readonly events: DirectoryEvents = {}) {
    this.firstList = new Promise((resolve) => (this.resolveFirst = resolve));
  }

  /** Starts watching; resolves after the first listing. */
  start(): Promise<void> {
    this.session.onSession((client) => {
      this.client = client;
      this.requestRefresh();
    });
    return this.firstList;
  }

  /** Stops listing (the session's close ends the watch). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Live gateways, one per id (the newest incarnation), ordered by id. */
  list(): readonly GatewayInfo[] {
    return this.gateways;
  }

  has(gatewayId: string): boolean {
    return this.gateways.some((g) => g.id === gatewayId);
  }

  /**
   * Lists again. Listings run one at a time, so an older one can never overwrite a newer one; a request while
   * one runs makes exactly one more run after it, which sees every change up to its own start.
   */
  private requestRefresh(): void {
    const client = this.client;
    if (!client || this.stopped) return;
    if (this.refreshing === client) {
      this.again = true;
      return;
    }
    // None runs, or one on the client of an older session: that one's listing is dropped when it ends.
    this.refreshing = client;
    void this.refreshLoop(client);
  }

  private async refreshLoop(client: Client): Promise<void> {
    do {
      this.again = false;
      try {
        await this.refresh(client);
      } catch (error) {
        if (this.client === client && !this.stopped) {
          this.events.onError?.(error as Error);
          this.retryLater();
        }
      }
    } while (this.again && this.refreshing === client && this.client === client && !this.stopped);
    if (this.refreshing === client) this.refreshing = null;
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.requestRefresh();
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private async refresh(client: Client): Promise<void> {
    const timeout = this.session.callTimeoutMs;
    await zk.mkdirp(client, GATEWAYS_PATH, timeout);
    const children = await zk.getChildren(client, GATEWAYS_PATH, this.onChildrenChanged, timeout);
    const next = new Map<string, GatewayInfo>();
    for (const child of children) {
      const known = this.nodes.get(child);
      const info = known ?? (await this.read(client, `${GATEWAYS_PATH}/${child}`, timeout));
      if (info) next.set(child, info);
    }
    if (this.client !== client || this.stopped) return;
    this.nodes = next;
    this.publish();
    this.resolveFirst();
  }

  private async read(client: Client, path: string, timeout: number): Promise<GatewayInfo | null> {
    try {
      return parseGatewayInfo((await zk.getData(client, path, timeout)).data);
    } catch (error) {
      if ((error as { code?: number }).code === Exception.NO_NODE) return null;
      throw error;
    }
  }

  private publish(): void {
    const byId = new Map<string, GatewayInfo>();
    for (const info of this.nodes.values()) {
      const seen = byId.get(info.id);
      if (!seen || seen.startedAt < info.startedAt) byId.set(info.id, info);
    }
    const before = new Set(this.gateways.map((g) => g.id));
    this.gateways = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const after = new Set(this.gateways.map((g) => g.id));
    const added = [...after].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !after.has(id));
    if (added.length || removed.length) this.events.onChange?.({ added, removed, gateways: this.gateways });
  }
}
