import { describe, expect, it } from "vitest";
import { bidiParts, isolate, withoutIsolates } from "./bidi.js";

describe("bidi", () => {
  it("cuts a sentence at its isolated names", () => {
    const text = `${isolate("سارة.")} added ${isolate("bob-")} to the room`;
    expect(bidiParts(text)).toEqual([
      { text: "سارة.", isolated: true },
      { text: " added ", isolated: false },
      { text: "bob-", isolated: true },
      { text: " to the room", isolated: false },
    ]);
    expect(withoutIsolates(text)).toBe("سارة. added bob- to the room");
  });

  it("keeps a sentence without isolates, or with an unclosed one, as it is", () => {
    expect(bidiParts("hello")).toEqual([{ text: "hello", isolated: false }]);
    expect(bidiParts("a \u2068b")).toEqual([{ text: "a \u2068b", isolated: false }]);
    expect(bidiParts("")).toEqual([]);
  });
});
