// The Delivered receipts a client owes for the private messages it received: written at once while the frame
// budget allows, otherwise kept (the newest per sender: a receipt counts up to its msgId) and written at the next
// ticks; written again when the gateway could not apply them (Redis down) or the session they went on ended.
// Nothing confirms a receipt to its writer, so each one written on a session is written once more on the next.
import { compareIds } from "@cim/protocol";

export interface DeliveredReceiptsOptions {
  /** Writes one receipt; false when it could not be written now (offline, or no frame budget left). */
  write: (receipt: { from: string; msgId: string }) => boolean;
  /** How long a written receipt is kept, to be written again if the gateway answers `unavailable` meanwhile. */
  retryMs: number;
}

export class DeliveredReceipts {
  /** Per sender, the newest msgId received and not yet written (Map order: the oldest waiting first). */
  private readonly waiting = new Map<string, string>();
  /** Per sender, the newest receipt written recently, and when. */
  private readonly written = new Map<string, { msgId: string; at: number }>();
  /**
   * Per sender, the newest receipt written on this session longer than `retryMs` ago. A gateway that froze (its
   * socket open until the client's heartbeat gives up on it, 45 s by default) may never have read it, so a new
   * session writes it again; one per sender, so this holds at most the senders heard from since the last session.
   */
  private readonly earlier = new Map<string, string>();
  /** Per sender, the receipt `resend` wrote again from `earlier`: written twice, it is then forgotten. */
  private readonly again = new Map<string, string>();
  /** After a failure, nothing is written before this (ms). */
  private notBefore = 0;

  constructor(private readonly options: DeliveredReceiptsOptions) {}

  /** A private message from `from` arrived: its receipt goes out now if it can. */
  received(from: string, msgId: string, now: number): void {
    this.keep(from, msgId);
    this.flush(now);
  }

  /** Writes what waits, as far as `write` lets it; forgets written receipts older than `retryMs`. */
  flush(now: number): void {
    for (const [from, written] of this.written) {
      if (now - written.at < this.options.retryMs) continue;
      this.written.delete(from);
      if (this.again.get(from) === written.msgId) {
        this.again.delete(from);
        continue;
      }
      const before = this.earlier.get(from);
      if (before === undefined || compareIds(written.msgId, before) > 0) this.earlier.set(from, written.msgId);
    }
    if (now < this.notBefore) return;
    for (const [from, msgId] of this.waiting) {
      if (!this.options.write({ from, msgId })) return;
      this.waiting.delete(from);
      this.written.set(from, { msgId, at: now });
    }
  }

  /**
   * The gateway could not apply a frame (an Error `unavailable` naming no Send: Redis down): the receipts written
   * lately may be lost, so they are written again, not before `retryMs` (the gateway drops one it already has).
   */
  failed(now: number): void {
    this.rewrite();
    this.notBefore = now + this.options.retryMs;
  }

  /** A new session: what went out on the old one may be lost, so it is written again now. */
  resend(now: number): void {
    for (const [from, msgId] of this.earlier) {
      this.keep(from, msgId);
      this.again.set(from, msgId);
    }
    this.earlier.clear();
    this.rewrite();
    this.notBefore = 0;
    this.flush(now);
  }

  private rewrite(): void {
    for (const [from, written] of this.written) this.keep(from, written.msgId);
    this.written.clear();
  }

  private keep(from: string, msgId: string): void {
    const waiting = this.waiting.get(from);
    if (waiting === undefined || compareIds(msgId, waiting) > 0) this.waiting.set(from, msgId);
  }
}
