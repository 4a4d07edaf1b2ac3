// markRead: the user's read position per conversation, sent as Read frames, at most one in flight per conversation.
import { compareIds, CONVERSATION_ID, DECIMAL_ID, type Read } from "@cim/protocol";

export interface ReadMarksOptions {
  /** Writes a Read frame; false when there is no live session (the mark waits for the next LoginAck). */
  write: (read: { conversation: string; msgId: string }) => boolean;
  /** How long a Read counts as in flight without its echo. */
  timeoutMs: number;
}

interface Mark {
  /** The position the gateway confirmed (a Read by this user, from this or another device). */
  confirmed: string;
  /** The Read sent and not yet confirmed, and when. */
  inFlight: string;
  sentAt: number;
  /** The newest mark waiting for the one in flight. */
  waiting: string;
  /** After a failed Read, the waiting mark is sent again from this time on (the next tick). */
  retryAt: number;
  /**
   * The newest Read given up unconfirmed: the gateway may have ignored it (not newer), or never read it (a gateway
   * frozen, then killed, keeps the socket open past the timeout), so the next session sends it once more.
   */
  unconfirmed: string;
  /** The given-up Read `resend` sent once more: given up again, it is forgotten (the gateway ignores it). */
  again: string;
}

/**
 * Coalesces marks: scrolling through a conversation marks many messages, but only one Read per conversation is
 * in flight; marks made meanwhile wait and only the newest is sent. The gateway confirms a Read by sending it
 * back as the user's own (to every device); a Read it ignores (not newer, unknown msgId) is given up after
 * `timeoutMs`. A Read the gateway could not apply (Error `unavailable`: Redis down) is sent again after `timeoutMs`,
 * until it is applied: the user read it, and other devices, unread counts and the peer's "seen" must say so.
 */
export class ReadMarks {
  private readonly marks = new Map<string, Mark>();

  constructor(private readonly options: ReadMarksOptions) {}

  /** The user has read `conversation` up to `msgId`; a mark not newer than one already made is ignored. */
  mark(conversation: string, msgId: string, now: number): void {
    if (!CONVERSATION_ID.test(conversation)) throw new TypeError(`markRead: "${conversation}" is not a roomId or userId`);
    if (!DECIMAL_ID.test(msgId)) throw new TypeError(`markRead: "${msgId}" is not a msgId`);
    const mark = this.marks.get(conversation) ?? { confirmed: "", inFlight: "", sentAt: 0, waiting: "", retryAt: 0, unconfirmed: "", again: "" };
    this.marks.set(conversation, mark);
    if (!newer(msgId, mark.confirmed) || !newer(msgId, mark.inFlight) || !newer(msgId, mark.waiting)) return;
    mark.waiting = msgId;
    if (!mark.inFlight) this.flush(conversation, mark, now);
  }

  /** A Read by the user itself arrived (the echo of ours, or another device's): a confirmed position. */
  confirmed(read: Read, now: number): void {
    const mark = this.marks.get(read.conversation);
    if (!mark) {
      // Another device's position: a later mark here of an older message is then not sent.
      this.marks.set(read.conversation, { confirmed: read.msgId, inFlight: "", sentAt: 0, waiting: "", retryAt: 0, unconfirmed: "", again: "" });
      return;
    }
    if (newer(read.msgId, mark.confirmed)) mark.confirmed = read.msgId;
    if (mark.inFlight && !newer(mark.inFlight, mark.confirmed)) mark.inFlight = "";
    if (mark.waiting && !newer(mark.waiting, mark.confirmed)) mark.waiting = "";
    if (mark.unconfirmed && !newer(mark.unconfirmed, mark.confirmed)) mark.unconfirmed = "";
    if (!mark.inFlight) this.flush(read.conversation, mark, now);
  }

  /**
   * The gateway could not handle a frame (Error `unavailable` naming no Send: Redis down, the Read not stored). The
   * error does not say which frame failed, so every Read in flight is sent again after `timeoutMs` (one that did
   * apply comes back as its echo first, or is dropped by the gateway as not newer).
   */
  failed(now: number): void {
    for (const mark of this.marks.values()) {
      if (!mark.inFlight) continue;
      if (newer(mark.inFlight, mark.waiting)) mark.waiting = mark.inFlight;
      mark.inFlight = "";
      mark.retryAt = now + this.options.timeoutMs;
    }
  }

  /** Gives up Reads unconfirmed for `timeoutMs`, sending what waited behind them; sends failed ones again when due. */
  tick(now: number): void {
    for (const [conversation, mark] of this.marks) {
      if (!mark.inFlight) {
        if (mark.waiting && mark.retryAt && now >= mark.retryAt) this.flush(conversation, mark, now);
        continue;
      }
      if (now - mark.sentAt < this.options.timeoutMs) continue;
      if (mark.inFlight !== mark.again && newer(mark.inFlight, mark.unconfirmed)) mark.unconfirmed = mark.inFlight;
      mark.inFlight = "";
      this.flush(conversation, mark, now);
    }
  }

  /**
   * A new session: what was in flight on the old one may be lost, so it is sent again with what waited, as is a Read
   * given up unconfirmed on the old one (unless something newer waits or was confirmed since).
   */
  resend(now: number): void {
    for (const [conversation, mark] of this.marks) {
      if (mark.inFlight && newer(mark.inFlight, mark.waiting)) mark.waiting = mark.inFlight;
      if (mark.unconfirmed && newer(mark.unconfirmed, mark.waiting) && newer(mark.unconfirmed, mark.confirmed)) {
        mark.waiting = mark.unconfirmed;
        mark.again = mark.unconfirmed;
      }
      mark.unconfirmed = "";
      mark.inFlight = "";
      this.flush(conversation, mark, now);
    }
  }

  private flush(conversation: string, mark: Mark, now: number): void {
    if (!mark.waiting) return;
    if (!this.options.write({ conversation, msgId: mark.waiting })) {
      // Not written (no frame budget now, or offline): tried again at the next tick, and after the next LoginAck.
      mark.retryAt = now;
      return;
    }
    mark.inFlight = mark.waiting;
    mark.sentAt = now;
    mark.waiting = "";
    mark.retryAt = 0;
  }
}

/** True when `a` is a later msgId than `b` ("" = none: anything is later). */
function newer(a: string, b: string): boolean {
  return !b || compareIds(a, b) > 0;
}
