// The production build: route and gateways bundled by `npm run build` run with plain node, no tsx, and chat.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { startCluster, type Cluster } from "./cluster.js";
import { newUser, type RecordingClient } from "./clients.js";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, "scripts/build-servers.mjs")], { cwd: REPO_ROOT, stdio: "pipe" });
  cluster = await startCluster({ gateways: 2, built: true });
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

describe("production build", () => {
  it("runs each app from its bundle with plain node", () => {
    for (const app of ["route", "gateway"]) expect(existsSync(join(REPO_ROOT, "apps", app, "dist", "index.js"))).toBe(true);
    for (const proc of [cluster.route, ...cluster.gateways]) {
      const args = proc.process.child.spawnargs.join(" ");
      expect(args).toMatch(/apps\/(route|gateway)\/dist\/index\.js$/);
      expect(args).not.toContain("tsx");
    }
  });

  it("two users on two gateways chat in the group and privately", async () => {
    const ann = await newUser(cluster.route.url, "ann");
    const bob = await newUser(cluster.route.url, "bob");
    clients.push(ann, bob);
    expect(new Set([ann.gateway!.id, bob.gateway!.id])).toEqual(new Set(["gw-a", "gw-b"]));
    await ann.send({ text: "built hello" });
    await bob.waitForText("built hello");
    await bob.send({ to: ann.session!.userId, text: "built private" });
    await ann.waitForText("built private");
    expect(bob.texts().filter((t) => t === "built hello")).toHaveLength(1);
  });

  it("exports send and store latency, and whether Redis and ZooKeeper are reachable", async () => {
    const text = async (url: string) => (await fetch(`${url}/metrics`)).text();
    const value = (metrics: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1]);
    const gateways = await Promise.all(cluster.gateways.map((g) => text(g.url)));
    expect(gateways.map((m) => value(m, "cim_gateway_send_seconds_count")).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(2);
    expect(gateways.map((m) => value(m, "cim_gateway_store_seconds_count")).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(2);
    for (const m of gateways) expect([value(m, "cim_gateway_redis_up"), value(m, "cim_gateway_zookeeper_up")]).toEqual([1, 1]);
    const route = await text(cluster.route.url);
    expect([value(route, "cim_route_redis_up"), value(route, "cim_route_zookeeper_up")]).toEqual([1, 1]);
  });
});
