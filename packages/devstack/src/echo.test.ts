import { describe, expect, it } from "vitest";
import { isProblemLine, LinePrefixer } from "./echo.js";

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

describe("isProblemLine", () => {
  it("passes warnings and errors of every kind of child and nothing routine", () => {
    expect(isProblemLine('{"level":30,"app":"route","msg":"listening"}', false)).toBe(false);
    expect(isProblemLine('{"level":40,"app":"route","msg":"Redis reconnecting"}', false)).toBe(true);
    expect(isProblemLine('{"level":50,"app":"gateway","msg":"request failed"}', true)).toBe(true);
    expect(isProblemLine("1011:C 29 Nov 2026 22:26:52.678 # Configuration loaded", false)).toBe(false);
    expect(isProblemLine("1011:M 29 Nov 2026 22:26:52.681 # Can't open the append-only file appendonly.aof.1.incr.aof: Permission denied", false)).toBe(true);
    expect(isProblemLine("1011:M 29 Nov 2026 22:26:52.681 # Failed opening the temp RDB file temp-1011.rdb (in server root dir /data) for saving: No space left on device", false)).toBe(true);
    expect(isProblemLine("2026-11-29 22:26:53,001 [myid:] - INFO  [main:o.a.z.s.ZooKeeperServer@1] - started", false)).toBe(false);
    expect(isProblemLine("2026-11-29 22:26:53,001 [myid:] - ERROR [main:o.a.z.s.ZooKeeperServer@1] - failed", false)).toBe(true);
    expect(isProblemLine("    at main (file:///app/index.js:1:1)", true)).toBe(true);
    expect(isProblemLine("", true)).toBe(false);
  });

  it("keeps Redis's start-up warnings about the host's kernel settings off the console (DEPLOYMENT: The host of a Redis)", () => {
    for (const line of [
      "1011:M 29 Nov 2026 22:26:52.681 # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.",
      "1011:M 29 Nov 2026 22:26:52.681 # WARNING: The TCP backlog setting of 511 cannot be enforced because /proc/sys/net/core/somaxconn is set to the lower value of 128.",
      "1011:M 29 Nov 2026 22:26:52.681 # WARNING you have Transparent Huge Pages (THP) support enabled in your kernel.",
    ]) {
      expect(isProblemLine(line, false)).toBe(false);
    }
  });

  it("filters a LinePrefixer's lines, blank ones included", () => {
    const echo = new LinePrefixer("route", (line) => isProblemLine(line, false));
    expect(echo.push('{"level":30,"msg":"a"}\n\n{"level":50,"msg":"b"}\n')).toBe('[route] {"level":50,"msg":"b"}\n');
  });
});
