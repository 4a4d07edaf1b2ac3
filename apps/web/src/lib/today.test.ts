import { afterEach, describe, expect, it, vi } from "vitest";
import { clockFormat, formatDay, formatListTime } from "./format.js";
import { Today } from "./today.svelte.js";

describe("Today", () => {
  afterEach(() => void vi.useRealTimers());

  it("turns at midnight: a list line written at 23:58 as its time says Yesterday after it, and its day separator too", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2026, 10, 26, 23, 58));
    const today = new Today();
    const sent = new Date(2026, 10, 26, 23, 57).getTime();
    expect(formatListTime(sent, today.date)).toBe(clockFormat([]).format(sent));
    expect(formatDay(sent, today.date)).toBe("Today");
    vi.advanceTimersByTime(3 * 60_000);
    expect(formatListTime(sent, today.date)).toBe("Yesterday");
    expect(formatDay(sent, today.date)).toBe("Yesterday");
    // And the next night again.
    vi.advanceTimersByTime(24 * 60 * 60_000);
    expect(formatDay(sent, today.date)).not.toBe("Yesterday");
    today.stop();
  });

  it("notices a day that turned while its timer slept when asked (the tab shown again)", () => {
    vi.useFakeTimers();
    let now = new Date(2026, 10, 26, 18, 0);
    const today = new Today(() => now);
    now = new Date(2026, 10, 27, 8, 0);
    today.check();
    expect(formatDay(new Date(2026, 10, 26, 17, 0).getTime(), today.date)).toBe("Yesterday");
    today.stop();
  });
});
