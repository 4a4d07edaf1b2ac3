import { describe, expect, it } from "vitest";
import { compareIds, isMsgId } from "./ids.js";

describe("compareIds", () => {
  it("orders decimal strings as numbers, beyond 2^53 too", () => {
    expect(["10", "9", "100", "1732400000000001", "1732400000000000", "99999999999999999999"].sort(compareIds)).toEqual([
      "9", "10", "100", "1732400000000000", "1732400000000001", "99999999999999999999",
    ]);
    expect(compareIds("42", "42")).toBe(0);
  });
});

describe("isMsgId", () => {
  it("accepts decimal ids up to the largest stream id, refuses bigger ones and non-ids", () => {
    for (const ok of ["0", "1", "1795751343608583", "18446744073709551615", "00000000000000000001"]) expect(isMsgId(ok), ok).toBe(true);
    for (const bad of ["18446744073709551616", "99999999999999999999", "", "-1", "1e5", "1-0", "123456789012345678901"]) expect(isMsgId(bad), bad).toBe(false);
  });
});
