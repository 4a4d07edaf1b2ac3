// What all of one user's sessions on this gateway do together, in one token bucket per user. Each session has its own
// frame budget (50/s), so a user's 10 sessions here stored 500 messages a second (sec13: 980/s on two gateways,
// pushing a room's 10,000 kept messages out in 10 s), and 20 sessions each re-sending a presence list of 500 users
// made Redis read ten times what one session could (sec14). Sends beyond are answered `unavailable` (the SDK resends
// them); presence lists beyond wait their turn (presence-subscriptions.ts). Per gateway, as they are spent per frame: a
// user's logins and sockets are counted on all gateways together instead (LoginGate of @cim/state).
import { KeyedRateLimiter } from "./rate-limiter.js";

/** How often buckets that refilled are forgotten. */
const SWEEP_EVERY_MS = 60_000;

export class UserBudget {
  private readonly buckets: KeyedRateLimiter;
  private sweptAt: number;

  constructor(private readonly ratePerSec: number, burst: number, private readonly now: () => number = Date.now) {
    this.buckets = new KeyedRateLimiter(ratePerSec, burst, now);
    this.sweptAt = now();
  }

  /** Takes `cost` (one by default) of `userId`'s budget; false, taking none, when its sessions here are over the rate. */
  take(userId: string, cost = 1): boolean {
    if (this.now() - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = this.now();
      this.buckets.sweep();
    }
    return this.buckets.take(userId, cost);
  }

  /** How long the rate takes to refill `cost`: a refused taker tries again after that. */
  refillMs(cost: number): number {
    return Math.max(10, Math.ceil((cost / this.ratePerSec) * 1000));
  }
}
