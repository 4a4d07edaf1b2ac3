import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows the burst, refuses the next, refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 3, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, true, false]);
    now += 100; // 0.1 s at 10/s: one token
    expect([limiter.take(), limiter.take()]).toEqual([true, false]);
  });
});
