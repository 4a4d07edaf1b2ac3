import { describe, expect, it } from "vitest";
import { BoundedSet } from "./bounded-set.js";

describe("BoundedSet", () => {
  it("keeps only the newest values added", () => {
    const set = new BoundedSet<string>(3);
    for (let i = 1; i <= 1_000; i++) set.add(String(i));
    expect(set.size).toBe(3);
    expect(["997", "998", "999", "1000"].map((v) => set.has(v))).toEqual([false, true, true, true]);
  });

  it("counts a value added again as new", () => {
    const set = new BoundedSet<string>(2);
    set.add("a");
    set.add("b");
    set.add("a");
    set.add("c");
    expect([set.has("a"), set.has("b"), set.has("c")]).toEqual([true, false, true]);
    expect(set.delete("a")).toBe(true);
    expect(set.size).toBe(1);
  });
});
