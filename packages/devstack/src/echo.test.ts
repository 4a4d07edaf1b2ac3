import { describe, expect, it } from "vitest";
import { LinePrefixer } from "./echo.js";

describe("LinePrefixer", () => {
  it("prefixes every line of a chunk, not only its first (two log lines written at once)", () => {
    const echo = new LinePrefixer("gw-a");
    expect(echo.push('{"msg":"Redis ready"}\n{"part":"subscriber","msg":"Redis ready"}\n')).toBe('[gw-a] {"msg":"Redis ready"}\n[gw-a] {"part":"subscriber","msg":"Redis ready"}\n');
  });

  it("keeps a line split over chunks whole, under one prefix, and lets empty lines be", () => {
    const echo = new LinePrefixer("redis:6379");
    expect(echo.push("1011:C # Redis is star")).toBe("");
    expect(echo.push("ting\n\n1011:M # Server")).toBe("[redis:6379] 1011:C # Redis is starting\n\n");
    expect(echo.flush()).toBe("[redis:6379] 1011:M # Server\n");
    expect(echo.flush()).toBe("");
  });
});
