import { describe, expect, it } from "vitest";
import { clockFormat, formatDay, formatFull, formatLastSeen, formatListTime, formatTime, sameDay } from "./format.js";

describe("formatDay", () => {
  const now = new Date(2026, 10, 26, 9, 30);
  it("names today and yesterday, and other days by date (the year only when it is not this one)", () => {
    expect(formatDay(new Date(2026, 10, 26, 0, 5).getTime(), now)).toBe("Today");
    expect(formatDay(new Date(2026, 10, 25, 23, 59).getTime(), now)).toBe("Yesterday");
    expect(formatDay(new Date(2026, 10, 24, 12).getTime(), now)).toMatch(/24/);
    expect(formatDay(new Date(2026, 10, 24, 12).getTime(), now)).not.toMatch(/2026/);
    expect(formatDay(new Date(2025, 10, 24, 12).getTime(), now)).toMatch(/2025/);
  });

  it("knows yesterday across a month's start", () => {
    expect(formatDay(new Date(2026, 10, 30, 22).getTime(), new Date(2026, 11, 1, 8))).toBe("Yesterday");
  });
});

describe("sameDay", () => {
  it("compares local days", () => {
    expect(sameDay(new Date(2026, 0, 1, 0, 1).getTime(), new Date(2026, 0, 1, 23, 59).getTime())).toBe(true);
    expect(sameDay(new Date(2026, 0, 1, 23, 59).getTime(), new Date(2026, 0, 2, 0, 1).getTime())).toBe(false);
  });
});

describe("formatLastSeen", () => {
  const now = new Date(2026, 10, 26, 9, 30);
  it("says today and yesterday in words, an older day by its date (the year only when it is not this one), each with the time", () => {
    expect(formatLastSeen(new Date(2026, 10, 26, 8, 5).getTime(), now)).toMatch(/^last seen today at \d{1,2}:05/);
    expect(formatLastSeen(new Date(2026, 10, 25, 23, 59).getTime(), now)).toMatch(/^last seen yesterday at \d{1,2}:59/);
    expect(formatLastSeen(new Date(2026, 10, 3, 12, 0).getTime(), now)).toMatch(/^last seen .*3.* at /);
    expect(formatLastSeen(new Date(2026, 10, 3, 12, 0).getTime(), now)).not.toMatch(/2026/);
    expect(formatLastSeen(new Date(2025, 10, 3, 12, 0).getTime(), now)).toMatch(/2025/);
  });
});

describe("formatTime and formatFull", () => {
  it("write what the Date's own locale methods write", () => {
    const now = new Date(2026, 10, 26, 9, 30);
    const today = new Date(2026, 10, 26, 8, 5);
    const earlier = new Date(2026, 10, 3, 14, 7);
    expect(formatTime(today.getTime(), now)).toBe(clockFormat([]).format(today));
    expect(formatTime(earlier.getTime(), now)).toBe(`${earlier.toLocaleDateString([], { day: "numeric", month: "short" })} ${clockFormat([]).format(earlier)}`);
    expect(formatFull(earlier.getTime())).toBe(earlier.toLocaleString());
    const lastYear = new Date(2025, 2, 3, 14, 7);
    expect(formatTime(lastYear.getTime(), now)).toBe(`${lastYear.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" })} ${clockFormat([]).format(lastYear)}`);
    expect(formatTime(0)).toBe("");
    expect(formatFull(0)).toBe("");
  });
});

describe("formatListTime", () => {
  const now = new Date(2026, 10, 26, 9, 30);
  it("writes today's time, Yesterday, the weekday within the week, then the date (the year when not this one)", () => {
    const today = new Date(2026, 10, 26, 8, 5);
    expect(formatListTime(today.getTime(), now)).toBe(clockFormat([]).format(today));
    expect(formatListTime(new Date(2026, 10, 25, 23, 59).getTime(), now)).toBe("Yesterday");
    const monday = new Date(2026, 10, 23, 12);
    expect(formatListTime(monday.getTime(), now)).toBe(monday.toLocaleDateString([], { weekday: "short" }));
    // Six days back is still this week's (a weekday name); seven back would read as the same weekday as today.
    const weekAgo = new Date(2026, 10, 20, 12);
    expect(formatListTime(weekAgo.getTime(), now)).toBe(weekAgo.toLocaleDateString([], { weekday: "short" }));
    const older = new Date(2026, 10, 19, 12);
    expect(formatListTime(older.getTime(), now)).toBe(older.toLocaleDateString([], { day: "numeric", month: "short" }));
    const lastYear = new Date(2025, 2, 3, 14, 7);
    expect(formatListTime(lastYear.getTime(), now)).toBe(lastYear.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" }));
    expect(formatListTime(0, now)).toBe("");
  });
});

describe("clockFormat", () => {
  // ux23: every message said "04:05 AM" in an American browser, where chat apps (and the phone's own clock) say "4:05 AM".
  const early = new Date(2026, 10, 26, 4, 5);
  const late = new Date(2026, 10, 26, 16, 5);
  it("writes a 12-hour locale's hour without a leading zero", () => {
    expect(clockFormat("en-US").format(early)).toMatch(/^4:05\sAM$/);
    expect(clockFormat("en-US").format(late)).toMatch(/^4:05\sPM$/);
  });
  it("keeps a 24-hour locale's two-digit hour", () => {
    expect(clockFormat("en-GB").format(early)).toBe("04:05");
    expect(clockFormat("de-DE").format(early)).toBe("04:05");
    expect(clockFormat("en-GB").format(late)).toBe("16:05");
  });
});
