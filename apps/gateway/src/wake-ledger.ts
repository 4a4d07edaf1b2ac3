// What a reader (an inbox reading, a room's reader) sent from wake-ups since a read of its stream last confirmed its
// position. On a Redis Cluster a master demoted under its writes publishes wake-ups of entries it then loses
// (docs/DEPLOYMENT.md): a reader moved to one has to read again from the last position a read found, and knows from
// this what it sent already.
import { compareIds } from "@cim/protocol";

/**
 * Reads in a row whose newest entry the stream, read again, lacks (a reader with `confirmWakes`): one more fails the
 * drain (logged; retried on the next wake-up). A read queued for a paused master is answered by it on waking, before it
 * learns it was demoted, from what it then loses; the read after it goes to the new master.
 */
export const MAX_REREADS = 3;

/** The reads of one drain that a read again did not find: `again` throws `what` (with the count) at MAX_REREADS. */
export class Rereads {
  private count = 0;

  constructor(private readonly what: string) {}

  again(): void {
    if (++this.count >= MAX_REREADS) throw new Error(`${this.what}, ${this.count} times`);
  }
}

export class WakeLedger {
  /** The positions sent from wake-ups after `confirmed`, oldest first; null when none (most readers hold none). */
  private sent: string[] | null = null;

  constructor(
    /** The last position a read of the stream found (or started from). */
    public confirmed: string,
    /** Positions kept at most: `sentFromWake` says when it holds that many, and the reader should read to confirm them. */
    private readonly limit: number,
  ) {}

  /** Notes a position sent from a wake-up; true when the ledger is full (the reader should read). */
  sentFromWake(position: string): boolean {
    (this.sent ??= []).push(position);
    return this.sent.length >= this.limit;
  }

  /** True when `position` was sent from a wake-up since the last confirmed one. */
  wasSent(position: string): boolean {
    return this.sent?.includes(position) ?? false;
  }

  /** True when a wake-up's entry, at or before the reader's position, is after the confirmed one and was not sent: the
   * position stands on an entry since lost. */
  skipped(position: string): boolean {
    return compareIds(position, this.confirmed) > 0 && !this.wasSent(position);
  }

  /** A read of the stream found `position`: what wake-ups sent up to it is confirmed. */
  found(position: string): void {
    this.confirmed = position;
    const after = this.sent?.filter((sent) => compareIds(sent, position) > 0);
    this.sent = after?.length ? after : null;
  }
}
