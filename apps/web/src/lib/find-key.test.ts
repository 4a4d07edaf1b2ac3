import { describe, expect, it } from "vitest";
import { applePlatform, findKeyLabel, isFindKey } from "./find-key.js";

function key(init: Partial<Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">>, target: EventTarget | null = null) {
  return { key: "k", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target, ...init };
}
describe("the find key", () => {
  it("is Ctrl+K off a Mac, in a text field too", () => {
    expect(isFindKey(key({ ctrlKey: true }), false)).toBe(true);
    expect(isFindKey(key({ ctrlKey: true, key: "K" }), false)).toBe(true);
    expect(isFindKey(key({ ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(isFindKey(key({}), false)).toBe(false);
  });
  it("is ⌘K on a Mac", () => {
    expect(isFindKey(key({ metaKey: true }), true)).toBe(true);
    expect(isFindKey(key({ metaKey: true, altKey: true }), true)).toBe(false);
  });
  it("names the key this keyboard has", () => {
    expect(findKeyLabel(true)).toEqual(["⌘", "K"]);
    expect(findKeyLabel(false)).toEqual(["Ctrl", "K"]);
    expect(applePlatform({ platform: "MacIntel" })).toBe(true);
    expect(applePlatform({ platform: "Linux x86_64", userAgentData: { platform: "macOS" } })).toBe(true);
    expect(applePlatform({ platform: "Win32" })).toBe(false);
    expect(applePlatform(undefined)).toBe(false);
  });
});
