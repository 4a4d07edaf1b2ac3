// AbuseGuard's per-user budgets counted in Redis (sends over HTTP, heavy reads): past the limit a 429 with Retry-After,
// and the window's first refusal only is told (one log line per user and window, not one per request of a flood).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "./errors.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness({ CIM_HEAVY_READS_PER_USER: "20", CIM_HEAVY_READS_WINDOW_SECONDS: "600", CIM_HTTP_SENDS_PER_USER: "3", CIM_HTTP_SENDS_WINDOW_SECONDS: "600" });
});
afterAll(async () => h?.stop());

/** Runs `spend` `times` times: which were refused (429, with Retry-After) and how often the first-refusal hook ran. */
async function spendRepeatedly(times: number, spend: (onFirstRefusal: () => void) => Promise<void>): Promise<{ outcomes: string[]; told: number }> {
  let told = 0;
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    try {
      await spend(() => told++);
      outcomes.push("ok");
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      const refusal = error as ApiError;
      expect(refusal.status).toBe(429);
      expect(Number(refusal.headers["Retry-After"])).toBeGreaterThan(0);
      outcomes.push("429");
    }
  }
  return { outcomes, told };
}

describe("per-user budgets in Redis", () => {
  it("refuses sends over HTTP past the limit and tells the first refusal of the window once", async () => {
    const { outcomes, told } = await spendRepeatedly(6, (hook) => h.services.guard.httpSend("501", hook));
    expect(outcomes).toEqual(["ok", "ok", "ok", "429", "429", "429"]);
    expect(told).toBe(1);
  });

  it("refuses heavy reads whose cost goes past the limit and tells the first refusal of the window once", async () => {
    // 6 reads of 3 spend 18 of 20; the 7th would make 21.
    const { outcomes, told } = await spendRepeatedly(9, (hook) => h.services.guard.heavyRead("502", 3, hook));
    expect(outcomes).toEqual([...Array(6).fill("ok"), "429", "429", "429"]);
    expect(told).toBe(1);
  });
});
