import { afterEach, describe, expect, it, vi } from "vitest";
import { enterSends, keyboardOf, noteKeyboard } from "./keyboard-kind.js";

/** A device whose media queries answer `matches` for the queries named. */
function device(matching: string[]) {
  vi.stubGlobal("matchMedia", (query: string) => ({ matches: matching.includes(query) }));
}

const key = (k: string, keyCode = 0) => ({ key: k, keyCode });

describe("keyboard-kind", () => {
  afterEach(() => {
    noteKeyboard(key("Unidentified", 229));
    vi.unstubAllGlobals();
  });

  it("tells a physical keyboard by keys no on-screen keyboard sends, and an on-screen one by Android's 229 keys", () => {
    expect(keyboardOf(key("Shift", 16))).toBe("physical");
    expect(keyboardOf(key("ArrowLeft", 37))).toBe("physical");
    expect(keyboardOf(key("F5", 116))).toBe("physical");
    expect(keyboardOf(key("Unidentified", 229))).toBe("on-screen");
    expect(keyboardOf(key("a", 229))).toBe("on-screen");
    // Safari on iOS gives an on-screen letter and Return their physical fields: they say nothing.
    expect(keyboardOf(key("a", 65))).toBeNull();
    expect(keyboardOf(key("Enter", 13))).toBeNull();
    expect(keyboardOf(key("Backspace", 8))).toBeNull();
  });

  it("Enter sends with a mouse, on a touch screen once a physical keyboard showed itself, and not after on-screen typing", () => {
    device(["(any-pointer: fine)"]);
    expect(enterSends()).toBe(true);
    device(["(pointer: coarse)"]);
    expect(enterSends()).toBe(false);
    noteKeyboard(key("a", 65));
    expect(enterSends()).toBe(false);
    noteKeyboard(key("Shift", 16));
    expect(enterSends()).toBe(true);
    noteKeyboard(key("a", 65));
    expect(enterSends()).toBe(true);
    noteKeyboard(key("Unidentified", 229));
    expect(enterSends()).toBe(false);
    // A tablet with a keyboard case and trackpad.
    device(["(pointer: coarse)", "(any-pointer: fine)"]);
    expect(enterSends()).toBe(true);
  });
});
