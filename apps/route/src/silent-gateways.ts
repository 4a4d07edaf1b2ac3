// While route's ZooKeeper cannot tell (no quorum, or route cut off from it), a gateway that dies is never reported
// gone, and its users stayed online for everyone until the quorum was back. Each gateway keeps a lease in Redis
// (apps/gateway/src/lease-keeper.ts): one whose lease lapsed (no renewal for a lease) and stays lapsed another lease
// as route sees it is released like a gateway gone from ZooKeeper. A gateway only frozen or slow for less than that
// is never released; one that comes back after its release claims its sessions again (it reads the release mark
// when it renews, and route asks it once it sees the lease again), so none is counted twice (the counts are the
// gateway's own, written whole) or lost. Each gateway is judged by the lease it declared in its lease's value (read
// once per incarnation while ZooKeeper tells, and at each read while it cannot): a route and gateways configured with
// different CIM_GATEWAY_LEASE_MS would otherwise release a live gateway too early or a dead one too late. A value
// without a declared lease (a gateway older than that) is judged by route's own setting.
import type { Logger } from "pino";
import { FailureLog, type GatewayLease, type GatewayLeases } from "@cim/state";
import type { GoneGateways } from "./gone-gateways.js";

export interface SilentGatewaysDeps {
  leases: Pick<GatewayLeases, "lease" | "beginRelease" | "endRelease">;
  /** The gateways ZooKeeper listed last (kept while it cannot be asked), with their incarnation when they tell it. */
  gateways: () => readonly ListedGateway[];
  /** True while route's ZooKeeper session is connected: it reports dead gateways itself then. */
  zookeeperCanTell: () => boolean;
  gone: Pick<GoneGateways, "release" | "changed">;
  /** Route's own setting: for leases that declare none, and the pace of the checks when it is the shortest. */
  leaseMs: number;
  log: Logger;
}

export interface ListedGateway {
  id: string;
  instance?: string;
}

/** Checked this many times per lease. */
const CHECKS_PER_LEASE = 5;

export class SilentGateways {
  /** Gateway id -> when route first found its lease lapsed (in a row). */
  private readonly lapsedSince = new Map<string, number>();
  /** Gateways released here and not seen alive since. */
  private readonly released = new Set<string>();
  /** Gateway id -> the lease its current incarnation declared (leaseMs undefined: it declares none). */
  private readonly declared = new Map<string, GatewayLease>();
  private readonly failures: FailureLog;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running = false;

  constructor(private readonly deps: SilentGatewaysDeps) {
    this.failures = new FailureLog(deps.log);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The shortest lease in play (route's own or one a gateway declared) sets the pace of the checks. */
  private schedule(): void {
    if (this.stopped) return;
    let shortest = this.deps.leaseMs;
    for (const lease of this.declared.values()) shortest = Math.min(shortest, lease.leaseMs ?? shortest);
    this.timer = setTimeout(() => void this.checkAll().finally(() => this.schedule()), Math.max(50, Math.floor(shortest / CHECKS_PER_LEASE)));
    this.timer.unref();
  }

  /** The lease `gateway` is judged by: the one its incarnation declared, else route's own. */
  leaseOf(gateway: ListedGateway): number {
    const lease = this.declared.get(gateway.id);
    if (lease === undefined || (gateway.instance !== undefined && lease.instance !== gateway.instance)) return this.deps.leaseMs;
    return lease.leaseMs ?? this.deps.leaseMs;
  }

  private learn(gatewayId: string, lease: GatewayLease): void {
    const known = this.declared.get(gatewayId);
    if (known?.instance === lease.instance && known.leaseMs === lease.leaseMs) return;
    this.declared.set(gatewayId, lease);
    if (lease.leaseMs !== undefined && lease.leaseMs !== this.deps.leaseMs) {
      this.deps.log.info({ gatewayId, leaseMs: lease.leaseMs, routeLeaseMs: this.deps.leaseMs }, "a gateway declares a lease other than route's own: it is judged by its own");
    }
  }

  /** One pass over the listed gateways (one at a time: a slow Redis must not pile passes up). */
  async checkAll(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const listed = this.deps.gateways();
      const ids = new Set(listed.map((g) => g.id));
      for (const id of this.declared.keys()) if (!ids.has(id)) this.declared.delete(id);
      for (const gateway of listed) await this.check(gateway, now);
    } catch (error) {
      // Redis down too: nothing is decided without reading the leases.
      this.failures.failed({}, "reading the gateways' leases failed", error);
    } finally {
      this.running = false;
    }
  }

  private async check(gateway: ListedGateway, now: number): Promise<void> {
    const { leases, gone, log } = this.deps;
    const gatewayId = gateway.id;
    // ZooKeeper reports this one itself: no lease to read, unless it is one released here (its return is watched),
    // or its incarnation's declared lease is not known yet (read once, for the time ZooKeeper cannot tell).
    if (this.deps.zookeeperCanTell() && !this.released.has(gatewayId)) {
      this.lapsedSince.delete(gatewayId);
      const known = this.declared.get(gatewayId);
      if (known !== undefined && (gateway.instance === undefined || known.instance === gateway.instance)) return;
      const lease = await leases.lease(gatewayId);
      if (lease !== null) this.learn(gatewayId, lease);
      return;
    }
    const lease = await leases.lease(gatewayId);
    if (lease !== null) {
      this.learn(gatewayId, lease);
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
    const leaseMs = this.leaseOf(gateway);
    if (now - since < leaseMs) return;
    // Marked first, the lease read again after: a gateway renewing meanwhile either stops this or sees the mark.
    if (!(await leases.beginRelease(gatewayId))) return;
    log.warn({ gatewayId, lapsedForMs: now - since, leaseMs }, "releasing the users of a gateway whose lease lapsed while ZooKeeper cannot tell");
    this.released.add(gatewayId);
    this.lapsedSince.delete(gatewayId);
    await gone.release(gatewayId);
    await leases.endRelease(gatewayId);
  }
}
