// Writes how many sessions each user has on this gateway (its devices here) to Redis, one write at a time per
// user, and tells the gateways watching the user (its presence channel) when it came online or went offline.
import type { Logger } from "pino";
import { FailureLog, type BusPublisher, type SessionStore } from "@cim/state";
import type { SessionTable } from "./session-table.js";

export interface PresenceKeeperDeps {
  gatewayId: string;
  sessions: Pick<SessionStore, "setSessions">;
  bus: Pick<BusPublisher, "presence">;
  table: SessionTable;
  log: Logger;
}

/**
 * Failed writes are tried again this often while any is left. Redis's "ready" (bus-link) covers a Redis that was
 * down; one that refuses writes (a full disk, min-replicas-to-write, maxmemory) keeps its connection and never says it.
 */
const RETRY_FAILED_MS = 2_000;

export class PresenceKeeper {
  /** The last write queued per user: writes of one user never overlap, so counts land in order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Users whose last write failed (Redis down), by name: written again when Redis is back (`rewriteFailed`). */
  private readonly failed = new Map<string, string>();
  private retry: NodeJS.Timeout | null = null;
  private readonly retries: FailureLog;

  constructor(private readonly deps: PresenceKeeperDeps) {
    this.retries = new FailureLog(deps.log);
  }

  /**
   * Writes the user's current number of sessions here (counted when the write runs, so the last write has the
   * last count) and publishes presence when the user came online or went offline. Resolves once written.
   */
  update(userId: string, userName: string): Promise<void> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(userId, userName)).then(
      () => void this.failed.delete(userId),
      (error: unknown) => {
        this.failed.set(userId, userName);
        this.retrySoon();
        throw error;
      },
    );
    this.queues.set(userId, next);
    void next.finally(() => {
      if (this.queues.get(userId) === next) this.queues.delete(userId);
    }).catch(() => undefined);
    return next;
  }

  /**
   * Writes again the counts that could not be written (Redis was down): a user who logged off meanwhile would
   * otherwise stay counted here, online for everyone, until this gateway stops.
   */
  async rewriteFailed(): Promise<void> {
    const users = [...this.failed];
    for (const [userId, userName] of users) await this.update(userId, userName);
    if (users.length) this.deps.log.info({ users: users.length }, "session counts written again after Redis came back");
  }

  /** Writes the failed counts again in a while (one timer; a write failing again sets it again). */
  private retrySoon(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      // Failing again, it is tried again (update sets the timer); one line per window while Redis still refuses.
      this.rewriteFailed().catch((error: unknown) => this.retries.failed({}, "writing session counts again failed", error));
    }, RETRY_FAILED_MS);
    this.retry.unref();
  }

  /** Writes the count of every user here again (after re-registering, route may have released them). */
  async reclaimAll(): Promise<number> {
    const users = [...this.deps.table.userIds()].map((userId) => ({ userId, userName: this.deps.table.sessionsOf(userId)[0]?.user?.userName ?? "" }));
    for (const { userId, userName } of users) await this.update(userId, userName);
    return users.length;
  }

  private async write(userId: string, userName: string): Promise<void> {
    const { sessions, bus, table, gatewayId } = this.deps;
    // The sockets counted here give back the places their logins reserved (login-gate.ts), in the same step.
    const here = table.sessionsOf(userId);
    const reserved = here.filter((session) => session.loginReservation !== undefined);
    const written = reserved.map((session) => session.loginReservation!);
    const { cameOnline, wentOffline } = await sessions.setSessions(userId, gatewayId, here.length, table.loginsOf(userId), written);
    for (const [i, session] of reserved.entries()) if (session.loginReservation === written[i]) session.loginReservation = undefined;
    if (cameOnline || wentOffline) await bus.presence([{ userId, userName, online: cameOnline }]);
  }
}
