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

  constructor(private readonly session: ZkSession, private readonly events: DirectoryEvents = {}) {
    this.firstList = new Promise((resolve) => (this.resolveFirst = resolve));
  }

  /** Starts watching; resolves after the first listing. */
  start(): Promise<void> {
    this.session.onSession((client) => {
      this.client = client;
      void this.refresh(client);
    });
    return this.firstList;
  }

  /** Live gateways, one per id (the newest incarnation), ordered by id. */
  list(): readonly GatewayInfo[] {
    return this.gateways;
  }

  has(gatewayId: string): boolean {
    return this.gateways.some((g) => g.id === gatewayId);
  }

  private async refresh(client: Client): Promise<void> {
    if (this.client !== client) return;
    try {
      await zk.mkdirp(client, GATEWAYS_PATH);
      const children = await zk.getChildren(client, GATEWAYS_PATH, () => void this.refresh(client));
      const next = new Map<string, GatewayInfo>();
      for (const child of children) {
        const known = this.nodes.get(child);
        const info = known ?? (await this.read(client, `${GATEWAYS_PATH}/${child}`));
        if (info) next.set(child, info);
      }
      if (this.client !== client) return;
      this.nodes = next;
      this.publish();
      this.resolveFirst();
    } catch (error) {
      this.events.onError?.(error as Error);
      setTimeout(() => void this.refresh(client), RETRY_MS).unref();
    }
  }

  private async read(client: Client, path: string): Promise<GatewayInfo | null> {
    try {
      return parseGatewayInfo((await zk.getData(client, path)).data);
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
