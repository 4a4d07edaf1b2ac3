import { describe, expect, it } from "vitest";
import { limitAtBottom, limitShowing, MESSAGE_WINDOW, WINDOW_SLACK, WINDOW_STEP, windowStart } from "./message-window.js";

describe("the message window", () => {
  it("renders every message of a short conversation, and the newest MESSAGE_WINDOW of a long one", () => {
    expect(windowStart(40, MESSAGE_WINDOW)).toBe(0);
    expect(windowStart(MESSAGE_WINDOW, MESSAGE_WINDOW)).toBe(0);
    expect(windowStart(1_000, MESSAGE_WINDOW)).toBe(700);
    expect(windowStart(1_000, MESSAGE_WINDOW + WINDOW_STEP)).toBe(600);
  });

  it("grows to show a message above it (a jump, a saved spot, the first unread), with WINDOW_STEP of context above", () => {
    expect(limitShowing(1_000, 100, MESSAGE_WINDOW)).toBe(900 + WINDOW_STEP);
    expect(windowStart(1_000, limitShowing(1_000, 100, MESSAGE_WINDOW))).toBe(0);
    expect(windowStart(1_000, limitShowing(1_000, 650, MESSAGE_WINDOW))).toBe(550);
    // Shown already, or not loaded: no change.
    expect(limitShowing(1_000, 800, MESSAGE_WINDOW)).toBe(MESSAGE_WINDOW);
    expect(limitShowing(1_000, -1, MESSAGE_WINDOW)).toBe(MESSAGE_WINDOW);
  });

  it("at the bottom, keeps the first rendered message while WINDOW_SLACK messages come, then goes back to MESSAGE_WINDOW", () => {
    let limit = MESSAGE_WINDOW;
    let total = 1_000;
    const first = windowStart(total, limit);
    for (let i = 0; i < WINDOW_SLACK; i++) {
      total++;
      limit = limitAtBottom(limit, 1);
      expect(windowStart(total, limit)).toBe(first);
    }
    limit = limitAtBottom(limit, 1);
    expect(limit).toBe(MESSAGE_WINDOW);
    // What was rendered on the way up leaves at the bottom, also with no message coming.
    expect(limitAtBottom(MESSAGE_WINDOW + WINDOW_STEP, 0)).toBe(MESSAGE_WINDOW);
  });
});
