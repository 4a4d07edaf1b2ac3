import { describe, expect, it } from "vitest";
import { nameKey } from "./user-names.js";

describe("user names", () => {
  it("maps case, fullwidth and look-alike letters of other scripts to one key", () => {
    const keys = ["Alice", "alice", "\u0430lice" /* Cyrillic а */, "\uff41lice" /* fullwidth ａ */, "ALICE"].map(nameKey);
    expect(new Set(keys)).toEqual(new Set(["alice"]));
  });

  it("keeps different names apart", () => {
    expect(nameKey("alice")).not.toBe(nameKey("alicia"));
    expect(nameKey("zoë")).not.toBe(nameKey("zoe"));
  });
});
