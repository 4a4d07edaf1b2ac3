// Renews this gateway's lease in Redis (a sign of life route reads while ZooKeeper cannot tell it that a gateway died)
// and claims the sessions here again when a route released them meanwhile (this gateway was frozen, or cut off from
// Redis, for longer than the lease while ZooKeeper had no quorum).
import type { Logger } from "pino";
import { FailureLog, type GatewayLeases } from "@cim/state";

export interface LeaseKeeperDeps {
  leases: Pick<GatewayLeases, "renew" | "claimedAgain">;
  gatewayId: string;
  /** This process's start (random): a lease names the incarnation that holds it. */
  instance: string;
  leaseMs: number;
  /** Writes every session count here again and reads their streams from their cursors; resolves when done. */
  reclaim: (why: string) => Promise<void>;
  log: Logger;
}

/** Renewed this many times per lease: a lease lapses only after that many renewals in a row were missed. */
const RENEWALS_PER_LEASE = 5;

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly failures: FailureLog;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.failures = new FailureLog(deps.log);
  }

  start(): void {
    void this.renew();
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.deps.leaseMs / RENEWALS_PER_LEASE)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One renewal at a time: a Redis that answers late must not pile them up. */
  private async renew(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { leases, gatewayId, instance, leaseMs, reclaim, log } = this.deps;
    try {
      // Only once the release is done ("released"): claiming during it ("releasing") could be undone by it.
      if ((await leases.renew(gatewayId, instance, leaseMs)) !== "released") return;
      log.warn({ gatewayId }, "a route released this gateway's users while its lease had lapsed (ZooKeeper without quorum): claiming them again");
      await reclaim("route released them after the lease lapsed");
      await leases.claimedAgain(gatewayId);
    } catch (error) {
      this.failures.failed({ gatewayId }, "renewing the gateway's lease in Redis failed", error);
    } finally {
      this.running = false;
    }
  }
}
