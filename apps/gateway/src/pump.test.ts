import { describe, expect, it } from "vitest";
import { Pump } from "./pump.js";

describe("Pump", () => {
  it("never runs two drains at once and reruns after a wake-up during a run", async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const pump = new Pump({
      drain: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active--;
      },
      failed: () => undefined,
    });
    pump.wake();
    pump.wake();
    pump.wake();
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });
});
