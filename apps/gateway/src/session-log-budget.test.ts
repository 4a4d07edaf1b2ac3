import { describe, expect, it } from "vitest";
import { SessionLogBudget } from "./session-log-budget.js";

describe("SessionLogBudget", () => {
  it("lets a session write a few lines per window, counts the rest and reports them with its next line", () => {
    let now = 0;
    const budget = new SessionLogBudget(() => now, 2, 1_000);
    const a = {};
    const b = {};
    expect([budget.take(a), budget.take(a), budget.take(a), budget.take(a)]).toEqual([{ leftOut: 0 }, { leftOut: 0 }, null, null]);
    // Another session has a budget of its own.
    expect(budget.take(b)).toEqual({ leftOut: 0 });
    now = 1_000;
    expect(budget.take(a)).toEqual({ leftOut: 2 });
    expect(budget.take(a)).toEqual({ leftOut: 0 });
    expect(budget.take(a)).toBeNull();
  });
});
