import { describe, expect, it } from "vitest";
import { compareIds } from "./ids.js";

describe("compareIds", () => {
  it("orders decimal strings as numbers, beyond 2^53 too", () => {
    expect(["10", "9", "100", "1732400000000001", "1732400000000000", "99999999999999999999"].sort(compareIds)).toEqual([
      "9", "10", "100", "1732400000000000", "1732400000000001", "99999999999999999999",
    ]);
    expect(compareIds("42", "42")).toBe(0);
  });
});
