import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorStreak } from "./error-streak.js";

afterEach(() => void vi.useRealTimers());

describe("ErrorStreak", () => {
  it("reports the first error of each message at once and the count of a streak once it stops", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const streak = new ErrorStreak({ first: (message) => lines.push(`first ${message}`), ended: (counts) => lines.push(`ended ${JSON.stringify(counts)}`) }, 1_000);
    for (let i = 0; i < 300; i++) {
      streak.add(new Error("Connection is closed."));
      vi.advanceTimersByTime(100);
    }
    streak.add(new Error("CLUSTERDOWN The cluster is down"));
    expect(lines).toEqual(["first Connection is closed.", "first CLUSTERDOWN The cluster is down"]);
    vi.advanceTimersByTime(1_000);
    expect(lines.at(-1)).toBe('ended {"Connection is closed.":300,"CLUSTERDOWN The cluster is down":1}');
    // A new streak starts over.
    streak.add(new Error("Connection is closed."));
    expect(lines.at(-1)).toBe("first Connection is closed.");
    vi.advanceTimersByTime(1_000);
    expect(lines).toHaveLength(4);
  });
});
