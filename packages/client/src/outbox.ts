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
  sentAt: number;
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
      this.pending.set(frame.body.clientMsgId, { frame, resolve, reject, sentAt: existing?.sentAt ?? 0 });
    });
  }

  /** Resolves the Send `ack` answers; returns it (undefined when no Send of ours waits for that ack). */
  acknowledge(ack: SendAck): SendFrame | undefined {
    const pending = this.pending.get(ack.clientMsgId);
    if (!pending) return undefined;
    this.pending.delete(ack.clientMsgId);
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
    }
    return true;
  }

  /**
   * The Sends to (re)transmit now, oldest first, at most `max`: those not yet sent on this session, and those
   * unanswered for `resendAfterMs`.
   */
  due(now: number, resendAfterMs: number, max = Number.POSITIVE_INFINITY): SendFrame[] {
    const frames: SendFrame[] = [];
    for (const pending of this.pending.values()) {
      if (frames.length >= max) break;
      if (now - pending.sentAt >= resendAfterMs) {
        pending.sentAt = now;
        frames.push(pending.frame);
      }
    }
    return frames;
  }

  /**
   * A new session: no Send went out on it yet, so all are due, in the order they were made (a Send written on the
   * old session just before it ended must not wait `resendAfterMs` behind newer ones).
   */
  unsent(): void {
    for (const pending of this.pending.values()) pending.sentAt = 0;
  }

  rejectAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
