// The Sends of all of one user's sessions on this gateway together, in one token bucket: each session has its own
// frame budget (50/s), so a user's 10 sessions here stored 500 messages a second (sec13: 980/s on two gateways,
// pushing a room's 10,000 kept messages out in 10 s). Sends beyond are answered `unavailable` (the SDK resends them).
import { RateLimiter } from "./rate-limiter.js";

/** How often buckets that refilled are forgotten. */
const SWEEP_EVERY_MS = 60_000;

export class UserSendBudget {
  private readonly buckets = new Map<string, RateLimiter>();
  private sweptAt: number;

  constructor(private readonly ratePerSec: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    this.sweptAt = now();
  }

  /** Takes one Send of `userId`; false when its sessions here together are over the rate. */
  take(userId: string): boolean {
    this.sweep();
    let bucket = this.buckets.get(userId);
    if (!bucket) this.buckets.set(userId, (bucket = new RateLimiter(this.ratePerSec, this.burst, this.now)));
    return bucket.take();
  }

  /** Users whose bucket is full (idle long enough): forgetting them changes nothing. */
  private sweep(): void {
    if (this.now() - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = this.now();
    for (const [userId, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(userId);
  }
}
