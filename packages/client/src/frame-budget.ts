// The client's own frame budget, kept under the gateway's per-session frame limit, so that a burst of the client's
// frames (an outbox flushed after a reconnect, an app sending in a loop, a backlog of receipts) never gets the
// session closed with 4429.
import { DEFAULT_SESSION_LIMITS, type LoginAck } from "@cim/protocol";

export interface FrameRate {
  perSecond: number;
  burst: number;
}

/**
 * The share of the gateway's limit the client spends: a little under its rate (the two clocks and the network
 * bunch frames), and a burst that leaves room for the Pings and receipts written beside a burst of Sends.
 */
const RATE_SHARE = 0.8;
const BURST_SHARE = 0.6;

/** The budget for a session whose LoginAck said (or did not say: the gateways' defaults) its frame limit. */
export function budgetFor(ack: Pick<LoginAck, "ratePerSec" | "rateBurst">): FrameRate {
  const { ratePerSec, rateBurst } = ack.ratePerSec && ack.rateBurst ? { ratePerSec: ack.ratePerSec, rateBurst: ack.rateBurst } : DEFAULT_SESSION_LIMITS;
  return { perSecond: ratePerSec * RATE_SHARE, burst: Math.max(1, Math.floor(rateBurst * BURST_SHARE)) };
}

/**
 * The Sends the client keeps unanswered at once: half the gateway's bound, since a Send resent while its first copy
 * is still being stored counts twice there. Beyond the bound the gateway answers `unavailable`, and a later Send
 * could then be stored before the refused one's resend.
 */
export function sendsInFlightFor(ack: Pick<LoginAck, "maxSendsInFlight">): number {
  return Math.max(1, Math.floor((ack.maxSendsInFlight || DEFAULT_SESSION_LIMITS.maxSendsInFlight) / 2));
}

/** A token bucket: `burst` frames at once, refilled at `perSecond`. */
export class FrameBudget {
  private tokens: number;
  private at: number;

  constructor(private rate: FrameRate = budgetFor({}), private readonly now: () => number = Date.now) {
    this.tokens = rate.burst;
    this.at = now();
  }

  /** A new session: the gateway's bucket starts full, and so does this one, at the session's rate. */
  reset(rate: FrameRate): void {
    this.rate = rate;
    this.tokens = rate.burst;
    this.at = this.now();
  }

  /** Whole frames that may be written now. */
  available(): number {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) / 1000) * this.rate.perSecond);
    this.at = now;
    return Math.floor(this.tokens);
  }

  /** Takes one frame's token; false when there is none now. */
  take(): boolean {
    if (this.available() < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Counts `count` frames written (at most `available()`). */
  spend(count: number): void {
    this.tokens -= count;
  }
}
