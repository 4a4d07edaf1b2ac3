// Gateways gone from ZooKeeper: their users are released (counts, online set, presence), and a gateway seen again
// after such a release is asked to claim its sessions again, since the release may have run after its own claim. A
// release that failed (Redis down or refusing writes) is tried again until done or the gateway is seen again: only
// logged, it left the gone gateway's users online for everyone until route restarted.
import type { Logger } from "pino";
import { FailureLog, type BusPublisher, type SessionStore } from "@cim/state";

/** A failed release is tried again after this, doubling up to RELEASE_RETRY_MAX_MS. */
const RELEASE_RETRY_MS = 2_000;
const RELEASE_RETRY_MAX_MS = 60_000;

export interface GoneGatewaysDeps {
  sessions: Pick<SessionStore, "releaseGateway">;
  bus: Pick<BusPublisher, "presence" | "toGateway">;
  /** The names of users, in order ("" for unknown ones). */
  names: (userIds: string[]) => Promise<string[]>;
  log: Logger;
}

export class GoneGateways {
  /** The last release started per gateway id, until the gateway is seen again. */
  private readonly releases = new Map<string, Promise<void>>();
  /** Failed releases in a row per gateway id, for the retry's delay. */
  private readonly failures = new Map<string, number>();
  private readonly failureLog: FailureLog;

  constructor(private readonly deps: GoneGatewaysDeps) {
    this.failureLog = new FailureLog(deps.log);
  }

  /** Applies a change of the gateway directory. */
  changed(change: { added: readonly string[]; removed: readonly string[] }): void {
    for (const id of change.removed) void this.release(id);
    for (const id of change.added) this.seenAgain(id);
  }

  /** Releases the users of a gateway that is gone; resolves when done (failures are logged). */
  release(gatewayId: string): Promise<void> {
    const previous = this.releases.get(gatewayId) ?? Promise.resolve();
    const run: Promise<void> = previous.then(() => this.releaseNow(gatewayId)).then(
      () => void this.failures.delete(gatewayId),
      (error: unknown) => {
        this.failureLog.failed({ gatewayId }, "releasing a gone gateway failed; tried again", error);
        this.retryLater(gatewayId, run);
      },
    );
    this.releases.set(gatewayId, run);
    return run;
  }

  /** Releases again after a delay, unless the gateway was seen again (it claims its own) or released anew since. */
  private retryLater(gatewayId: string, failed: Promise<void>): void {
    const attempt = (this.failures.get(gatewayId) ?? 0) + 1;
    this.failures.set(gatewayId, attempt);
    setTimeout(() => {
      if (this.releases.get(gatewayId) === failed) void this.release(gatewayId);
    }, Math.min(RELEASE_RETRY_MS * 2 ** (attempt - 1), RELEASE_RETRY_MAX_MS)).unref();
  }

  private async releaseNow(gatewayId: string): Promise<void> {
    const released = await this.deps.sessions.releaseGateway(gatewayId);
    if (released.length) this.deps.log.info({ gatewayId, users: released.length }, "released the users of a gone gateway");
    const names = await this.deps.names(released);
    await this.deps.bus.presence(released.map((userId, i) => ({ userId, userName: names[i] ?? "", online: false })));
  }

  /**
   * A gateway registered again (its ZooKeeper session had expired: frozen, or cut off) claims its sessions again
   * itself, but a release of ours may land after that claim; once our release is done it is asked to claim again.
   */
  private seenAgain(gatewayId: string): void {
    const release = this.releases.get(gatewayId);
    if (!release) return;
    this.releases.delete(gatewayId);
    this.failures.delete(gatewayId);
    void release
      .then(() => this.deps.bus.toGateway(gatewayId, { type: "reclaim" }))
      .then(() => this.deps.log.info({ gatewayId }, "asked a gateway seen again to claim its sessions again"))
      .catch((error: unknown) => this.deps.log.error({ err: error, gatewayId }, "asking a gateway to claim its sessions again failed"));
  }
}
