import { describe, expect, it } from "vitest";
import { isReaction, MAX_REACTION_LENGTH } from "./reactions.js";

describe("isReaction", () => {
  it("accepts one emoji, with modifiers, joiners, flags and keycaps", () => {
    for (const emoji of ["👍", "❤️", "😂", "😮", "😢", "🎉", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", "1⃣", "©", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🏳️‍🌈", "🕵️‍♂️", "🧑🏽‍🤝‍🧑🏿", "❤️‍🔥"]) expect(isReaction(emoji), emoji).toBe(true);
  });

  it("refuses text, several emoji, control characters, empty and long strings", () => {
    for (const value of ["", "a", "1", "#", "👍👍", "👍 ", " 👍", "👍\n", "\u0000", "ok👍", "\u200d", "👍".repeat(MAX_REACTION_LENGTH)]) {
      expect(isReaction(value), JSON.stringify(value)).toBe(false);
    }
  });

  it("refuses what renders as one emoji but is another string: repeated joiners, selectors or skin tones, hidden tag characters, bidi controls", () => {
    const lookAlikes = ["🙂\u200d", "🙂\u200d\u200d\u200d", "🙂\ufe0f\ufe0f\ufe0f", "👍🏽🏽", "🙂\u{E0068}\u{E0069}\u{E0021}", "\u{1F3F4}\u{E0067}\u{E0062}", "🇫", "🏽", "\u202e🙂", "🙂\u200f", "\ud83d", "\ude42", "\ufe0f"];
    for (const value of lookAlikes) expect(isReaction(value), JSON.stringify(value)).toBe(false);
  });
});
