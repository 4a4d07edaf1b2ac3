import { describe, expect, it } from "vitest";
import { isBigEmoji } from "./big-emoji.js";

describe("isBigEmoji", () => {
  it("is true for one to three emoji, skin tones, families, flags, keycaps and hearts included, spaces between allowed", () => {
    for (const text of ["👍", "😂😂", "🎉 🎉 🎉", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "1️⃣", " 🙂 "]) expect(isBigEmoji(text), text).toBe(true);
  });

  it("is false for four emoji, text with emoji, digits, symbols shown as text, and empty text", () => {
    for (const text of ["👍👍👍👍", "ok 👍", "👍!", "1", "#", "©", "™", "❤", "", "   ", ":)"]) expect(isBigEmoji(text), text).toBe(false);
  });
});
