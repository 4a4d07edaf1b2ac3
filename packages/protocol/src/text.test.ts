import { describe, expect, it } from "vitest";
import { isBlankText } from "./text.js";

describe("isBlankText", () => {
  it("is true for text that shows nothing: spaces, zero-width characters, Hangul fillers", () => {
    for (const text of ["", "   ", "\n\t", "\u200B", "\u200B\u200C\u200D\u2060\uFEFF", " \u3164 ", "\u115F\u1160", "\u{E0041}\u{E0042}", "\u2800", " \u2800\u2800 ", "\u0000", "\u0000\u001b\u007f", "\u0085\u200b"]) {
      expect(isBlankText(text), JSON.stringify(text)).toBe(true);
    }
  });

  it("is false for anything a reader sees, emoji and right-to-left text included", () => {
    for (const text of ["a", " . ", "👍", "👨‍👩‍👧", "שלום", "\u200Bhi", "ㄱ", "\u2801", "\u2800\u2803"]) expect(isBlankText(text), text).toBe(false);
  });
});
