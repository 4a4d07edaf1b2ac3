import { describe, expect, it } from "vitest";
import { compareIds, DECIMAL_ID, isMsgId } from "./ids.js";

describe("compareIds", () => {
  it("orders decimal strings as numbers, beyond 2^53 too", () => {
    expect(["10", "9", "100", "1732400000000001", "1732400000000000", "99999999999999999999"].sort(compareIds)).toEqual([
      "9", "10", "100", "1732400000000000", "1732400000000001", "99999999999999999999",
    ]);
    expect(compareIds("42", "42")).toBe(0);
  });
});

describe("isMsgId", () => {
  it("accepts decimal ids up to the largest stream id, refuses bigger ones, padded ones and non-ids", () => {
    for (const ok of ["0", "1", "1795751343608583", "18446744073709551615"]) expect(isMsgId(ok), ok).toBe(true);
    for (const bad of ["18446744073709551616", "99999999999999999999", "", "-1", "1e5", "1-0", "123456789012345678901", "00000000000000000001", "01795751343608583", "00"]) {
      expect(isMsgId(bad), bad).toBe(false);
    }
  });
});

describe("DECIMAL_ID", () => {
  it("takes 0 and numbers without leading zeros: a padded id would outrank every real one, as ids compare by length", () => {
    for (const ok of ["0", "7", "1795751343608583"]) expect(DECIMAL_ID.test(ok), ok).toBe(true);
    for (const bad of ["07", "00", "0001795751343608583", "", "1a"]) expect(DECIMAL_ID.test(bad), bad).toBe(false);
  });
});
