// docker-compose.yml is not run here (no Docker engine), so its shape is checked instead.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./apps.js";

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
}

const compose = parse(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, ComposeService> };

describe("docker-compose.yml", () => {
  it("runs Redis with append-only persistence, ZooKeeper, route and two gateways", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway-a", "gateway-b", "redis", "route", "zookeeper"]);
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
  });

  it("gives every gateway a distinct id and an advertised WebSocket URL, and every app the shared parts", () => {
    const gateways = ["gateway-a", "gateway-b"].map((name) => compose.services[name]!.environment!);
    expect(new Set(gateways.map((env) => env.GATEWAY_ID)).size).toBe(2);
    for (const env of gateways) {
      expect(env.APP).toBe("gateway");
      expect(env.GATEWAY_WS_URL).toMatch(/^\$\{[A-Z_]+:-ws:\/\/localhost:\d+\/ws\}$/);
    }
    for (const name of ["route", "gateway-a", "gateway-b"]) {
      const env = compose.services[name]!.environment!;
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      expect(env.ZK_CONNECT).toBe("zookeeper:2181");
      expect(env.CIM_TOKEN_SECRET).toBeTruthy();
    }
  });

  it("has no default secrets: the token secret and admin token must be given", () => {
    for (const name of ["route", "gateway-a", "gateway-b"]) {
      expect(compose.services[name]!.environment!.CIM_TOKEN_SECRET).toMatch(/^\$\{CIM_TOKEN_SECRET:\?.+\}$/);
    }
    expect(compose.services.route!.environment!.CIM_ADMIN_TOKEN).toMatch(/^\$\{CIM_ADMIN_TOKEN:\?.+\}$/);
  });
});
