// Whether the rooms known here are current. A member's removal reaches a gateway only as a bus event, so while the
// bus is down or re-subscribing the membership map may still name a room its user was removed from, and a room
// reader (woken by the poll, or by the catch-up when the bus is back) would send that user what was stored after
// the removal. Rooms are therefore held from the moment the bus is lost until every local user's rooms were read
// again after it came back; then the readers catch up from the streams (their cursors did not move: nothing lost).
import type { Logger } from "pino";

export interface MembershipSyncDeps {
  /** Reads every local user's rooms again and follows what changed (RoomEvents.refreshAll). */
  refresh: () => Promise<void>;
  /** Wakes every room reader. */
  wakeRooms: () => void;
  log: Logger;
}

export class MembershipSync {
  /** Counts bus losses: a re-read started before the latest loss proves nothing. */
  private generation = 0;
  private current = true;
  /** The re-read after the bus came back failed (Redis down again?): the room poll tries it again. */
  private failed = false;

  constructor(private readonly deps: MembershipSyncDeps) {}

  /** True while rooms are held (nothing past what was fanned out before): the membership map may miss a removal. */
  get held(): boolean {
    return !this.current;
  }

  /** The bus connection is lost: membership events may be lost from now until `resync` finishes. */
  lost(): void {
    this.generation++;
    this.current = false;
    this.failed = false;
  }

  /** The bus is subscribed again: reads every local user's rooms again, then lets the room readers catch up. */
  async resync(): Promise<void> {
    this.lost();
    const generation = this.generation;
    try {
      await this.deps.refresh();
      if (generation !== this.generation) return;
      this.current = true;
      this.deps.wakeRooms();
    } catch (error) {
      if (generation === this.generation) this.failed = true;
      this.deps.log.error({ err: error }, "re-reading memberships after the bus came back failed: room delivery waits, retried at the next poll");
    }
  }

  /**
   * The bus reconnected but its re-subscription could not be confirmed (a stalled Redis): logs `why`; the room poll
   * then reads memberships again and lets rooms go on, rather than hold them until a next reconnect that may not come.
   */
  unconfirmed(why: string): void {
    this.deps.log.warn(why);
    if (!this.current) this.failed = true;
  }

  /** The room poll (a lost wake-up): wakes the readers, or retries a re-read that failed. */
  poll(): void {
    if (this.current) this.deps.wakeRooms();
    else if (this.failed) void this.resync();
  }
}
