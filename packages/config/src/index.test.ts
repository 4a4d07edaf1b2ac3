import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSettings, sharedSettings } from "./index.js";

const schema = z.object({ ...sharedSettings, PORT: z.coerce.number().int().default(1) });

describe("shared settings", () => {
  it("fill in the defaults both apps start with", () => {
    expect(parseSettings("test", schema, {})).toMatchObject({
      REDIS_URL: "redis://127.0.0.1:6379", REDIS_CLUSTER_NODES: [], ZK_CONNECT: "127.0.0.1:2181", ZK_SESSION_TIMEOUT_MS: 10_000, CIM_STREAM_MAXLEN: 10_000,
      CIM_REDIS_WAIT_TIMEOUT_MS: 1_000, CIM_REDIS_COMMAND_TIMEOUT_MS: 10_000, CIM_CLOCK_TOLERANCE_SECONDS: 60,
      CIM_STREAM_MAX_AGE_SECONDS: 0, CIM_TRUST_PROXY: false, LOG_LEVEL: "info", PORT: 1, CIM_MAX_CONNECTIONS_PER_IP: 1_000, CIM_CONNECT_LIMIT_EXEMPT: ["127.0.0.0/8", "::1"],
    });
  });

  it("read a Redis Cluster's nodes as a list", () => {
    expect(parseSettings("test", schema, { REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis://10.0.0.2:7001,rediss://u:p@r.example:6380," }).REDIS_CLUSTER_NODES)
      .toEqual(["10.0.0.1:7000", "redis://10.0.0.2:7001", "rediss://u:p@r.example:6380"]);
    expect(() => parseSettings("route", schema, { REDIS_CLUSTER_NODES: "10.0.0.1" })).toThrow(/REDIS_CLUSTER_NODES: a comma-separated list of host:port/);
  });

  it("take a Redis command timeout that stays above the replica WAIT timeout", () => {
    expect(parseSettings("test", schema, { CIM_REDIS_COMMAND_TIMEOUT_MS: "2000" }).CIM_REDIS_COMMAND_TIMEOUT_MS).toBe(2_000);
    expect(() => parseSettings("test", schema, { CIM_REDIS_COMMAND_TIMEOUT_MS: "100" })).toThrow(/CIM_REDIS_COMMAND_TIMEOUT_MS: /);
    expect(() => parseSettings("gateway", schema, { CIM_REDIS_COMMAND_TIMEOUT_MS: "1000", CIM_REDIS_WAIT_TIMEOUT_MS: "1000" }))
      .toThrow(/^invalid gateway configuration: CIM_REDIS_WAIT_TIMEOUT_MS: must be under CIM_REDIS_COMMAND_TIMEOUT_MS \(1000\)/);
  });

  // A mistyped address used to start anyway: REDIS_URL=http://x retried "connect ENOENT //x" forever, and ZK_CONNECT
  // set empty (before empty meant unset) or to a URL failed inside the ZooKeeper client with an AssertionError's stack.
  it("take the Redis and ZooKeeper addresses in their forms, and refuse others by name", () => {
    for (const url of ["redis://127.0.0.1:6379", "rediss://u:p@r.example:6380/2", "redis://redis:6379", "10.0.0.1:6379", "localhost", "/run/redis.sock"]) {
      expect(parseSettings("test", schema, { REDIS_URL: url }).REDIS_URL).toBe(url);
    }
    for (const url of ["http://127.0.0.1:6379", "redis:/127.0.0.1:6379", "redis//x", "redis://", "127.0.0.1:6379 6380"]) {
      expect(() => parseSettings("route", schema, { REDIS_URL: url }), url).toThrow(/^invalid route configuration: REDIS_URL: a redis:\/\/ or rediss:\/\/ URL such as/);
    }
    for (const zk of ["127.0.0.1:2181", "zk1:2181,zk2:2181,zk3:2181/cim", "localhost"]) {
      expect(parseSettings("test", schema, { ZK_CONNECT: zk }).ZK_CONNECT).toBe(zk);
    }
    for (const zk of ["zk://127.0.0.1:2181", "127.0.0.1:2181;127.0.0.2:2181", "127.0.0.1:port", ","]) {
      expect(() => parseSettings("gateway", schema, { ZK_CONNECT: zk }), zk).toThrow(/^invalid gateway configuration: ZK_CONNECT: host:port of ZooKeeper/);
    }
  });

  // z.coerce.number() is Number(value): PORT=0x10 listened on 16, CIM_STREAM_MAXLEN=1e3 kept 1000, " 5" was 5.
  it("take numbers in decimal digits only, and name each one spelled otherwise", () => {
    const decimal = parseSettings("test", schema, { ZK_SESSION_TIMEOUT_MS: "05000", CIM_STREAM_MAXLEN: "100", PORT: "0" });
    expect([decimal.ZK_SESSION_TIMEOUT_MS, decimal.CIM_STREAM_MAXLEN, decimal.PORT]).toEqual([5_000, 100, 0]);
    for (const value of ["0x10", "1e3", " 5", "5 ", "0b11", "+5", "-1", ".5", "5.", "Infinity", "1_000"]) {
      expect(() => parseSettings("route", schema, { PORT: value }), value)
        .toThrow(`invalid route configuration: PORT: ${JSON.stringify(value)} is not a number in decimal digits (such as 5000 or 2.5)`);
    }
    expect(() => parseSettings("gateway", schema, { CIM_STREAM_MAXLEN: "1e3", ZK_SESSION_TIMEOUT_MS: "0x2710", LOG_LEVEL: "loud" }))
      .toThrow(/^invalid gateway configuration: ZK_SESSION_TIMEOUT_MS: "0x2710" is not .*; CIM_STREAM_MAXLEN: "1e3" is not .*; LOG_LEVEL: [^;]*$/);
  });

  it("name every bad variable and the app", () => {
    expect(() => parseSettings("gateway", schema, { ZK_SESSION_TIMEOUT_MS: "5", LOG_LEVEL: "loud" })).toThrow(/^invalid gateway configuration: ZK_SESSION_TIMEOUT_MS: .*; LOG_LEVEL: /);
  });
});
