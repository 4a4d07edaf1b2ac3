import { describe, expect, it } from "vitest";
import { FrameLimiter, KeyedRateLimiter, RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows the burst, refuses the next, refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 3, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, true, false]);
    now += 100; // 0.1 s at 10/s: one token
    expect([limiter.take(), limiter.take()]).toEqual([true, false]);
  });
});

describe("FrameLimiter", () => {
  const HEARTBEAT_MS = 15_000;

  it("counts Pings: a flood of them is refused after the burst", () => {
    let now = 0;
    const limiter = new FrameLimiter(50, 200, HEARTBEAT_MS / 2, () => now);
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) {
      now += 0.015; // 20,000 in 0.3 s
      if (limiter.admit("ping")) admitted++;
    }
    expect(admitted).toBeLessThan(220); // the burst and what 0.3 s refills at 50/s
    expect(limiter.admit("ping")).toBe(false);
  });

  it("never refuses a heartbeat, even when the client spent its whole budget on messages", () => {
    let now = 0;
    const limiter = new FrameLimiter(1, 1, HEARTBEAT_MS / 2, () => now);
    for (let beat = 0; beat < 100; beat++) {
      while (limiter.admit("other")); // the bucket is empty
      expect(limiter.admit("ping")).toBe(true);
      expect(limiter.admit("other")).toBe(false);
      now += HEARTBEAT_MS;
    }
  });

  it("admits a Ping from an empty bucket only at heartbeat pace", () => {
    let now = 1_000_000;
    const limiter = new FrameLimiter(1, 1, 7_500, () => now);
    expect(limiter.admit("other")).toBe(true); // the one token
    expect(limiter.admit("ping")).toBe(true); // no Ping before: heartbeat pace
    now += 100; // a tenth of a token
    expect(limiter.admit("ping")).toBe(false);
    now += 7_400; // 7.5 s since the last admitted Ping: it takes the refilled token, as any frame does
    expect(limiter.admit("ping")).toBe(true);
    expect(limiter.admit("other")).toBe(false);
    expect(limiter.admit("ping")).toBe(false);
  });

  it("a keyed bucket takes a cost whole or not at all, and refills at its rate", () => {
    let now = 0;
    const buckets = new KeyedRateLimiter(100, 500, () => now);
    expect(buckets.take("7", 400)).toBe(true);
    expect(buckets.take("7", 200)).toBe(false); // 100 left: none taken
    expect(buckets.take("8", 500)).toBe(true); // another key, its own bucket
    expect(buckets.take("7", 100)).toBe(true);
    expect(buckets.take("7")).toBe(false);
    now += 2_000; // 200 refilled
    expect(buckets.take("7", 200)).toBe(true);
    expect(buckets.take("7")).toBe(false);
  });
});
