// While route's ZooKeeper cannot tell (no quorum, or route cut off from it), a gateway that dies is never reported
// gone, and its users stayed online for everyone until the quorum was back. Each gateway keeps a lease in Redis
// (apps/gateway/src/lease-keeper.ts): one whose lease lapsed (no renewal for a lease) and stays lapsed another lease
// as route sees it is released like a gateway gone from ZooKeeper. A gateway only frozen or slow for less than that
// is never released; one that comes back after its release claims its sessions again (it reads the release mark
// when it renews, and route asks it once it sees the lease again), so none is counted twice (the counts are the
// gateway's own, written whole) or lost.
import type { Logger } from "pino";
import { FailureLog, type GatewayLeases } from "@cim/state";
import type { GoneGateways } from "./gone-gateways.js";

export interface SilentGatewaysDeps {
  leases: Pick<GatewayLeases, "alive" | "beginRelease" | "endRelease">;
  /** Ids of the gateways ZooKeeper listed last (kept while it cannot be asked). */
  gateways: () => readonly string[];
  /** True while route's ZooKeeper session is connected: it reports dead gateways itself then. */
  zookeeperCanTell: () => boolean;
  gone: Pick<GoneGateways, "release" | "changed">;
  leaseMs: number;
  log: Logger;
}

/** Checked this many times per lease. */
const CHECKS_PER_LEASE = 5;

export class SilentGateways {
  /** Gateway id -> when route first found its lease lapsed (in a row). */
  private readonly lapsedSince = new Map<string, number>();
  /** Gateways released here and not seen alive since. */
  private readonly released = new Set<string>();
  private readonly failures: FailureLog;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly deps: SilentGatewaysDeps) {
    this.failures = new FailureLog(deps.log);
  }

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), Math.max(50, Math.floor(this.deps.leaseMs / CHECKS_PER_LEASE)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over the listed gateways (one at a time: a slow Redis must not pile passes up). */
  async checkAll(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const gatewayId of this.deps.gateways()) await this.check(gatewayId, now);
    } catch (error) {
      // Redis down too: nothing is decided without reading the leases.
      this.failures.failed({}, "reading the gateways' leases failed", error);
    } finally {
      this.running = false;
    }
  }

  private async check(gatewayId: string, now: number): Promise<void> {
    const { leases, gone, log } = this.deps;
    // ZooKeeper reports this one itself: no lease to read, unless it is one released here (its return is watched).
    if (this.deps.zookeeperCanTell() && !this.released.has(gatewayId)) {
      this.lapsedSince.delete(gatewayId);
      return;
    }
    if (await leases.alive(gatewayId)) {
      this.lapsedSince.delete(gatewayId);
      // Back after our release: asked to claim its sessions again once the release is done (it also reads the mark).
      if (this.released.delete(gatewayId)) {
        log.info({ gatewayId }, "a gateway released for its lapsed lease renews it again");
        gone.changed({ added: [gatewayId], removed: [] });
      }
      return;
    }
    if (this.released.has(gatewayId)) {
      this.lapsedSince.delete(gatewayId);
      return;
    }
    const since = this.lapsedSince.get(gatewayId) ?? now;
    this.lapsedSince.set(gatewayId, since);
    if (now - since < this.deps.leaseMs) return;
    // Marked first, the lease read again after: a gateway renewing meanwhile either stops this or sees the mark.
    if (!(await leases.beginRelease(gatewayId))) return;
    log.warn({ gatewayId, lapsedForMs: now - since }, "releasing the users of a gateway whose lease lapsed while ZooKeeper cannot tell");
    this.released.add(gatewayId);
    this.lapsedSince.delete(gatewayId);
    await gone.release(gatewayId);
    await leases.endRelease(gatewayId);
  }
}
