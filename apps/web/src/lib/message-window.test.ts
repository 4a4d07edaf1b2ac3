import { describe, expect, it } from "vitest";
import { limitShowing, MESSAGE_WINDOW, WINDOW_STEP, windowStart } from "./message-window.js";

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
});
