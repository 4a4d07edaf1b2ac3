import { describe, expect, it } from "vitest";
import { isRedisUnavailable, parseClusterNodes } from "./redis.js";

describe("parseClusterNodes", () => {
  it("reads host:port entries and URLs, with the credentials and TLS of a managed cluster", () => {
    expect(parseClusterNodes(["10.0.0.1:7000", "redis://node-b:7001"])).toEqual({ nodes: [{ host: "10.0.0.1", port: 7000 }, { host: "node-b", port: 7001 }], options: {} });
    expect(parseClusterNodes(["rediss://cim:s%40cret@c.example:6380", "c2.example:6380"])).toEqual({
      nodes: [{ host: "c.example", port: 6380 }, { host: "c2.example", port: 6380 }],
      options: { username: "cim", password: "s@cret", tls: {} },
    });
  });

  it("refuses an entry without a port", () => {
    expect(() => parseClusterNodes(["10.0.0.1"])).toThrow(/not a host:port: 10.0.0.1/);
  });
});

describe("isRedisUnavailable", () => {
  it("counts a command aborted when its connection closed mid-pipeline: route answers 503, a gateway unavailable", () => {
    // What ioredis rejects the rest of a half-answered pipeline with (redis-errors' AbortError) when the link watch
    // reconnects or the link resets; taken for a bug, it was a 500 at route and an error with a stack per frame.
    const aborted = Object.assign(new Error("Command aborted due to connection close"), { name: "AbortError" });
    expect(isRedisUnavailable(aborted)).toBe(true);
    expect(isRedisUnavailable(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isRedisUnavailable(new DOMException("This operation was aborted", "AbortError"))).toBe(false);
  });

  it("counts a Redis that answers but refuses writes (full disk, min-replicas-to-write, a replica, maxmemory)", () => {
    for (const message of [
      "MISCONF Errors writing to the AOF file: No space left on device script: a1de96, on @user_script:1.",
      "NOREPLICAS Not enough good replicas to write.",
      "READONLY You can't write against a read only replica.",
      "OOM command not allowed when used memory > 'maxmemory'.",
    ]) expect(isRedisUnavailable(new Error(message)), message).toBe(true);
    expect(isRedisUnavailable(new Error("ERR wrong number of arguments for 'set' command"))).toBe(false);
  });

  it("counts a MULTI aborted because Redis refused its commands, as its causes say", () => {
    const aborted = (...causes: string[]) => Object.assign(new Error("EXECABORT Transaction discarded because of previous errors."), { previousErrors: causes.map((c) => new Error(c)) });
    expect(isRedisUnavailable(aborted("OOM command not allowed when used memory > 'maxmemory'."))).toBe(true);
    expect(isRedisUnavailable(aborted("ERR unknown command 'nope'"))).toBe(false);
  });
});
