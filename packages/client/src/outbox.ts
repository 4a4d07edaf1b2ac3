// Sends not yet acknowledged: kept across reconnects and resent with the same clientMsgId until a SendAck.
import { ErrorCode, type ErrorBody, type SendAck } from "@cim/protocol";
import { OutboxFullError, SendError } from "./errors.js";

export interface SendFrame {
  kind: "send";
  /** `room` (a roomId) is exclusive with `to`; both empty: the group. */
  body: { clientMsgId: string; to: string; text: string; room?: string };
}

interface PendingSend {
  frame: SendFrame;
  resolve: (ack: SendAck) => void;
  reject: (error: Error) => void;
  /** When it was last written on this session; 0: not yet. */
  sentAt: number;
  /** Answered `unavailable`: nothing newer is written before it is written again. */
  held: boolean;
  /**
   * Answered `unavailable` at least once and not acknowledged since: once written again, nothing newer is written
   * until it is answered. The gateway may keep its earlier attempt queued for Redis and refuse it only after a newer
   * Send, written meanwhile, was stored: the conversation would show them swapped.
   */
  retried: boolean;
}

/** Error codes after which a Send is tried again rather than failed. */
const RETRYABLE = new Set<string>([ErrorCode.Unavailable]);

/** True when a Send answered by an Error frame of this code stays in the outbox to be sent again. */
export function isRetryable(code: string): boolean {
  return RETRYABLE.has(code);
}

export class Outbox {
  private readonly pending = new Map<string, PendingSend>();

  /** `limit`: the most Sends that may wait for their SendAck at once. */
  constructor(private readonly limit: number = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds a Send; a second one with the same clientMsgId takes over the first's outcome. Rejects with
   * OutboxFullError when `limit` Sends are already waiting.
   */
  add(frame: SendFrame): Promise<SendAck> {
    const existing = this.pending.get(frame.body.clientMsgId);
    if (!existing && this.pending.size >= this.limit) return Promise.reject(new OutboxFullError(this.limit));
    return new Promise((resolve, reject) => {
      this.pending.set(frame.body.clientMsgId, { frame, resolve, reject, sentAt: existing?.sentAt ?? 0, held: existing?.held ?? false, retried: existing?.retried ?? false });
    });
  }

  /** Resolves the Send `ack` answers; returns it (undefined when no Send of ours waits for that ack). */
  acknowledge(ack: SendAck): SendFrame | undefined {
    const pending = this.pending.get(ack.clientMsgId);
    if (!pending) return undefined;
    this.pending.delete(ack.clientMsgId);
    // A Send stored after `unavailable`: the store works again, so the others that wait go out now, in order.
    if (pending.retried) this.releaseRetried();
    pending.resolve(ack);
    return pending.frame;
  }

  /** Applies an Error frame: fails its Send, or keeps it for a retry; false when it answers no Send of ours. */
  fail(error: ErrorBody): boolean {
    const pending = this.pending.get(error.clientMsgId);
    if (!pending) return false;
    if (!isRetryable(error.code)) {
      this.pending.delete(error.clientMsgId);
      pending.reject(new SendError(error.code, error.message, error.clientMsgId));
    } else {
      pending.held = true;
      pending.retried = true;
    }
    return true;
  }

  /** Every Send held after `unavailable` is due at once, and none holds back the newer ones any more. */
  private releaseRetried(): void {
    for (const pending of this.pending.values()) {
      if (pending.held) pending.sentAt = 0;
      pending.held = false;
      pending.retried = false;
    }
  }

  /**
   * The Sends to (re)transmit now, oldest first, at most `max`: those not yet sent on this session, while fewer than
   * `maxInFlight` are unanswered, and those unanswered (or answered `unavailable`) for `resendAfterMs`. A Send
   * answered `unavailable` holds back every newer one until it is written again, and then until it is answered: the
   * first one acknowledged releases the others; so does one unanswered for `stallAfterMs`. A conversation keeps the
   * order its messages were sent in.
   */
  due(now: number, resendAfterMs: number, max = Number.POSITIVE_INFINITY, maxInFlight = Number.POSITIVE_INFINITY, stallAfterMs = Number.POSITIVE_INFINITY): SendFrame[] {
    const frames: SendFrame[] = [];
    let inFlight = 0;
    for (const pending of this.pending.values()) if (pending.sentAt > 0 && !pending.held) inFlight++;
    for (const pending of this.pending.values()) {
      if (frames.length >= max) break;
      const entering = pending.sentAt === 0 || pending.held;
      if (now - pending.sentAt < resendAfterMs) {
        // Unanswered for `stallAfterMs`: the gateway waits for Redis with it, and may yet refuse it after storing a
        // newer one written now (Redis back meanwhile). Nothing newer goes out until it is answered or due again.
        if (pending.held || pending.retried || (pending.sentAt > 0 && now - pending.sentAt >= stallAfterMs)) break;
        continue;
      }
      if (entering && inFlight >= maxInFlight) break;
      if (entering) inFlight++;
      pending.sentAt = now;
      pending.held = false;
      frames.push(pending.frame);
      if (pending.retried) break;
    }
    return frames;
  }

  /**
   * A new session: no Send went out on it yet, so all are due, in the order they were made (a Send written on the
   * old session just before it ended must not wait `resendAfterMs` behind newer ones).
   */
  unsent(): void {
    for (const pending of this.pending.values()) {
      pending.sentAt = 0;
      pending.held = false;
    }
  }

  rejectAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
