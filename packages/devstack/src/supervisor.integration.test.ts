// npm start's supervisor: a gateway killed under it is reported at once and comes back, and route sees it again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "./apps.js";
import { TEST_ADMIN_TOKEN, TEST_TOKEN_SECRET } from "./cluster.js";
import { startRedis, startZookeeper, waitUntil, type Service } from "./services.js";
import { Supervisor } from "./supervisor.js";

let redis: Service;
let zookeeper: Service;
const reports: string[] = [];
const supervisor = new Supervisor({ report: (line) => reports.push(line), baseMs: 100, maxMs: 1_000 });

beforeAll(async () => {
  [redis, zookeeper] = await Promise.all([startRedis(), startZookeeper()]);
});
afterAll(async () => {
  await supervisor.stop();
  await Promise.all([redis?.dispose(), zookeeper?.dispose()]);
});

describe("supervisor", () => {
  it("reports a gateway that died and starts it again under the same id; route lists it again", async () => {
    const env = { REDIS_URL: redis.address, ZK_CONNECT: zookeeper.address, CIM_TOKEN_SECRET: TEST_TOKEN_SECRET, CIM_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ZK_SESSION_TIMEOUT_MS: "6000" };
    const route = await supervisor.add("route", () => startApp("route", env));
    const gatewayIds = async () => {
      const res = await fetch(`${route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      const stats = (await res.json()) as { gateways: Array<{ id: string; startedAt: number }> };
      return stats.gateways;
    };
    await supervisor.add("gw-a", () => startApp("gateway", { ...env, GATEWAY_ID: "gw-a" }, "gw-a"));
    await waitUntil(async () => (await gatewayIds()).some((g) => g.id === "gw-a"), 15_000, "route to list gw-a");
    const firstStart = (await gatewayIds()).find((g) => g.id === "gw-a")!.startedAt;

    supervisor.process("gw-a")!.process.child.kill("SIGKILL");
    await waitUntil(() => reports.some((line) => line.startsWith("gw-a exited (killed by a signal)")), 5_000, "the exit to be reported");
    await waitUntil(() => supervisor.restarts("gw-a") === 1, 30_000, "gw-a to be started again");
    expect(reports.some((line) => /^gw-a is running again \(port \d+\)$/.test(line))).toBe(true);
    await waitUntil(async () => (await gatewayIds()).some((g) => g.id === "gw-a" && g.startedAt > firstStart), 20_000, "route to list the new gw-a");
  });
});
