// docker-compose.yml is not run here (no Docker engine), so its shape is checked instead.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./apps.js";
import { REDIS_PERSISTENCE_ARGS } from "./services.js";

interface ComposeService {
  image?: string;
  env_file?: string | string[];
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  restart?: string;
}

const compose = parse(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, ComposeService> };

describe("docker-compose.yml", () => {
  it("runs Redis with append-only persistence, ZooKeeper, route and two gateways", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway-a", "gateway-b", "redis", "route", "zookeeper"]);
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
  });

  it("persists Redis as the devstack's Redis does (tests, bench and npm start measure what is deployed)", () => {
    expect(compose.services.redis!.command).toEqual(["redis-server", ...REDIS_PERSISTENCE_ARGS]);
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

  it("hands route and the gateways the settings of .env (a copy of .env.example), not only its two secrets", () => {
    // Without env_file, compose read .env only to fill in ${...} of this file: CIM_ROUTE_STRATEGY=least-connections
    // put there changed nothing, and nothing said so.
    for (const name of ["route", "gateway-a", "gateway-b"]) expect([compose.services[name]!.env_file].flat()).toContain(".env");
  });

  it("brings every service back after it exits or the host restarts, unless an operator stopped it", () => {
    // Without a restart policy a gateway or route that exited (an uncaught error, a Redis outage it gave up on) stayed
    // down until someone noticed, and nothing came back after a reboot; npm start's supervisor restarts them.
    const policies = Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, service.restart]));
    expect(policies).toEqual({ redis: "unless-stopped", zookeeper: "unless-stopped", route: "unless-stopped", "gateway-a": "unless-stopped", "gateway-b": "unless-stopped" });
  });

  it("has no default secrets: the token secret and admin token must be given", () => {
    for (const name of ["route", "gateway-a", "gateway-b"]) {
      expect(compose.services[name]!.environment!.CIM_TOKEN_SECRET).toMatch(/^\$\{CIM_TOKEN_SECRET:\?.+\}$/);
    }
    expect(compose.services.route!.environment!.CIM_ADMIN_TOKEN).toMatch(/^\$\{CIM_ADMIN_TOKEN:\?.+\}$/);
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it("builds in one stage and runs the build output in another, on a current Node LTS", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(Number(/^node:(\d+)/.exec(stage)?.[1])).toBeGreaterThanOrEqual(22);
    expect(stages[0]).toMatch(/npm run build/);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^CMD .*node apps\/\$\{APP:-route\}\/dist\/index\.js/m);
    expect(runtime).not.toMatch(/tsx/);
  });

  it("runs as a non-root user with a health check, and hides no failure", () => {
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^USER (?!root)\w+/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/healthz/ms);
    expect(dockerfile).not.toMatch(/\|\| *true/);
  });

  it(".dockerignore keeps local state, secrets and dependencies out of the build context", () => {
    const ignored = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    for (const entry of [".git", "**/node_modules", ".run", ".env"]) expect(ignored).toContain(entry);
  });
});

describe(".env.example", () => {
  it("lists every variable route and gateways read", () => {
    const listed = new Set([...readFileSync(join(REPO_ROOT, ".env.example"), "utf8").matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const read = new Set(["CIM_TOKEN_SECRET", "CIM_ADMIN_TOKEN", "CIM_DEV_MODE"]);
    for (const file of ["apps/route/src/config.ts", "apps/gateway/src/config.ts", "packages/config/src/index.ts"]) {
      const source = readFileSync(join(REPO_ROOT, file), "utf8");
      for (const [, name] of source.matchAll(/^\s+([A-Z][A-Z0-9_]+): (?:z|csv)\b/gm)) read.add(name!);
    }
    expect([...read].filter((name) => !listed.has(name))).toEqual([]);
  });
});
