import { describe, expect, it } from "vitest";
import { isReaction, MAX_REACTION_LENGTH } from "./reactions.js";

describe("isReaction", () => {
  it("accepts one emoji, with modifiers, joiners, flags and keycaps", () => {
    for (const emoji of ["👍", "❤️", "😂", "😮", "😢", "🎉", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣"]) expect(isReaction(emoji), emoji).toBe(true);
  });

  it("refuses text, several emoji, control characters, empty and long strings", () => {
    for (const value of ["", "a", "1", "#", "👍👍", "👍 ", " 👍", "👍\n", "\u0000", "ok👍", "\u200d", "👍".repeat(MAX_REACTION_LENGTH)]) {
      expect(isReaction(value), JSON.stringify(value)).toBe(false);
    }
  });
});
