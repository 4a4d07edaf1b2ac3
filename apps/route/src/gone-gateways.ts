// Gateways gone from ZooKeeper: their users are released (counts, online set, presence), and a gateway seen again
// after such a release is asked to claim its sessions again, since the release may have run after its own claim.
import type { Logger } from "pino";
import type { BusPublisher, SessionStore } from "@cim/state";

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

  constructor(private readonly deps: GoneGatewaysDeps) {}

  /** Applies a change of the gateway directory. */
  changed(change: { added: readonly string[]; removed: readonly string[] }): void {
    for (const id of change.removed) void this.release(id);
    for (const id of change.added) this.seenAgain(id);
  }

  /** Releases the users of a gateway that is gone; resolves when done (failures are logged). */
  release(gatewayId: string): Promise<void> {
    const previous = this.releases.get(gatewayId) ?? Promise.resolve();
    const run = previous.then(() => this.releaseNow(gatewayId)).catch((error: unknown) => this.deps.log.error({ err: error, gatewayId }, "releasing a gone gateway failed"));
    this.releases.set(gatewayId, run);
    return run;
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
    void release
      .then(() => this.deps.bus.toGateway(gatewayId, { type: "reclaim" }))
      .then(() => this.deps.log.info({ gatewayId }, "asked a gateway seen again to claim its sessions again"))
      .catch((error: unknown) => this.deps.log.error({ err: error, gatewayId }, "asking a gateway to claim its sessions again failed"));
  }
}
