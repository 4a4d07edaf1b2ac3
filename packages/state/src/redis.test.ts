import { describe, expect, it } from "vitest";
import { parseClusterNodes } from "./redis.js";

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
