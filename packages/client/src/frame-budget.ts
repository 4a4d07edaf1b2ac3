// The client's own frame budget, kept under the gateway's per-session frame limit, so that a burst of the client's
// frames (an outbox flushed after a reconnect, an app sending in a loop, a backlog of receipts) never gets the
// session closed with 4429.
import type { LoginAck } from "@cim/protocol";

export interface FrameRate {
  perSecond: number;
  burst: number;
}

/** The gateways' default limit (CIM_RATE_PER_SEC 50, CIM_RATE_BURST 200): assumed when LoginAck does not say. */
export const GATEWAY_DEFAULT_RATE: FrameRate = { perSecond: 50, burst: 200 };

/**
 * The share of the gateway's limit the client spends: a little under its rate (the two clocks and the network
 * bunch frames), and a burst that leaves room for the Pings and receipts written beside a burst of Sends.
 */
const RATE_SHARE = 0.8;
const BURST_SHARE = 0.6;

/**
 * Sends the client keeps unanswered at once when LoginAck does not say the gateway's bound: half of the gateways'
 * default CIM_MAX_SENDS_IN_FLIGHT (200).
 */
export const DEFAULT_SENDS_IN_FLIGHT = 100;

/** The budget for a session whose LoginAck said (or did not say) its frame limit. */
export function budgetFor(ack: Pick<LoginAck, "ratePerSec" | "rateBurst">): FrameRate {
  const limit = ack.ratePerSec && ack.rateBurst ? { perSecond: ack.ratePerSec, burst: ack.rateBurst } : GATEWAY_DEFAULT_RATE;
  return { perSecond: limit.perSecond * RATE_SHARE, burst: Math.max(1, Math.floor(limit.burst * BURST_SHARE)) };
}

/**
 * The Sends the client keeps unanswered at once: half the gateway's bound, since a Send resent while its first copy
 * is still being stored counts twice there. Beyond the bound the gateway answers `unavailable`, and a later Send
 * could then be stored before the refused one's resend.
 */
export function sendsInFlightFor(ack: Pick<LoginAck, "maxSendsInFlight">): number {
  return ack.maxSendsInFlight ? Math.max(1, Math.floor(ack.maxSendsInFlight / 2)) : DEFAULT_SENDS_IN_FLIGHT;
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
