import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  const options = { baseMs: 100, maxMs: 5_000 };
  it("grows the ceiling exponentially up to the maximum", () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, options, top))).toEqual([99, 199, 399, 799, 4999, 4999]);
  });
  it("is jittered down to zero", () => {
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });
});
