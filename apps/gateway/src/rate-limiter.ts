// A token bucket per session: `ratePerSec` sustained, `burst` at once.
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly ratePerSec: number, private readonly burst: number, protected readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes `cost` tokens (one by default); false, taking none, when the bucket holds fewer. */
  take(cost = 1): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** True when the bucket has refilled completely: forgetting it changes nothing. */
  full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
  }
}

/** A token bucket per key (an address, a user), made at its first take; `sweep` forgets the full ones. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, RateLimiter>();

  constructor(private readonly ratePerSec: number, private readonly burst: number, private readonly now: () => number = Date.now) {}

  /** Takes `cost` tokens (one by default) of `key`'s bucket; false, taking none, when it holds fewer. */
  take(key: string, cost = 1): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new RateLimiter(this.ratePerSec, this.burst, this.now)));
    return bucket.take(cost);
  }

  /** Forgets the buckets that refilled completely (idle long enough): forgetting them changes nothing. */
  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(key);
  }
}

/**
 * A session's frame budget: every frame takes a token, Pings included, so a Ping flood is cut off like any
 * other. A Ping at heartbeat pace (at least `minPingGapMs` after the last admitted one) is admitted even
 * from an empty bucket, so a client that spent its burst never loses its session to its own heartbeat.
 * It is its own bucket (a subclass, not a second object): one object per session (issue 13).
 */
export class FrameLimiter extends RateLimiter {
  private lastPing = Number.NEGATIVE_INFINITY;

  constructor(ratePerSec: number, burst: number, private readonly minPingGapMs: number, now: () => number = Date.now) {
    super(ratePerSec, burst, now);
  }

  /** Takes one frame's token; false when the session is over its rate. */
  admit(kind: "ping" | "other"): boolean {
    const allowed = this.take() || (kind === "ping" && this.now() - this.lastPing >= this.minPingGapMs);
    if (allowed && kind === "ping") this.lastPing = this.now();
    return allowed;
  }
}
