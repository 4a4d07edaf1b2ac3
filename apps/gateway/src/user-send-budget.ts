// The Sends of all of one user's sessions on this gateway together, in one token bucket: each session has its own
// frame budget (50/s), so a user's 10 sessions here stored 500 messages a second (sec13: 980/s on two gateways,
// pushing a room's 10,000 kept messages out in 10 s). Sends beyond are answered `unavailable` (the SDK resends them).
import { KeyedRateLimiter } from "./rate-limiter.js";

/** How often buckets that refilled are forgotten. */
const SWEEP_EVERY_MS = 60_000;

export class UserSendBudget {
  private readonly buckets: KeyedRateLimiter;
  private sweptAt: number;

  constructor(ratePerSec: number, burst: number, private readonly now: () => number = Date.now) {
    this.buckets = new KeyedRateLimiter(ratePerSec, burst, now);
    this.sweptAt = now();
  }

  /** Takes one Send of `userId`; false when its sessions here together are over the rate. */
  take(userId: string): boolean {
    if (this.now() - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = this.now();
      this.buckets.sweep();
    }
    return this.buckets.take(userId);
  }
}
