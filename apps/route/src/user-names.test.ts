import { describe, expect, it } from "vitest";
import { nameKey, nameKeys } from "./user-names.js";

describe("user names", () => {
  it("maps case, fullwidth and look-alike letters of other scripts to one key", () => {
    const keys = ["Alice", "alice", "\u0430lice" /* Cyrillic а */, "\uff41lice" /* fullwidth ａ */, "ALICE"].map(nameKey);
    expect(new Set(keys)).toEqual(new Set(["alice"]));
  });

  it("keeps different names apart", () => {
    expect(nameKey("alice")).not.toBe(nameKey("alicia"));
    expect(nameKey("zoë")).not.toBe(nameKey("zoe"));
  });

  it("gives look-alikes of capitals a shared key besides their own: I of l, Greek and Cyrillic capitals of Latin ones", () => {
    const shares = (a: string, b: string) => nameKeys(a).some((key) => nameKeys(b).includes(key));
    expect(shares("aIice", "alice")).toBe(true);
    expect(shares("paypaI", "paypal")).toBe(true);
    expect(shares("\u039a\u0395\u039d" /* Greek ΚΕΝ */, "KEN")).toBe(true);
    expect(shares("\u041a\u0415\u041d" /* Cyrillic КЕН */, "KEH")).toBe(true);
    expect(nameKeys("alice")).toEqual(["alice"]);
    expect(shares("alice", "alicia")).toBe(false);
  });
});
