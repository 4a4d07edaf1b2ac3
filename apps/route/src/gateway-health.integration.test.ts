// A killed gateway stays in ZooKeeper until its session expires; route must stop handing it out before that.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;
let live: Server;
/** Health checks the live gateway has answered. */
let probes = 0;

beforeAll(async () => {
  h = await startRouteHarness();
  // A gateway that answers its health check; the harness's own gateway (port 39999) is dead.
  live = createServer((req, res) => {
    if (req.url === "/healthz") probes++;
    res.writeHead(req.url === "/healthz" ? 200 : 404).end("{}");
  });
  await new Promise<void>((resolve) => live.listen(0, "127.0.0.1", resolve));
  await h.addGateway("gw-live", `ws://127.0.0.1:${(live.address() as AddressInfo).port}/ws`);
});
afterAll(async () => {
  live?.close();
  await h?.stop();
});

describe("dead gateways", () => {
  it("a gateway a client reports unreachable, and that fails its health check, is no longer handed out", async () => {
    await h.call("POST", "/api/register", { body: { userName: "hopper", password: "cim-test-pass-1" } });
    const first = (await (await h.call("POST", "/api/login", { body: { userName: "hopper", password: "cim-test-pass-1" } })).json()) as { token: string };
    // The client failed on the dead gateway and asks for another.
    const res = await h.call("POST", "/api/reconnect", { token: first.token, body: { avoid: HARNESS_GATEWAY.id } });
    expect(((await res.json()) as { gateway: { id: string } }).gateway.id).toBe("gw-live");
    // Every later login and reconnect, even one that names the live gateway as failed, gets the live one.
    for (let i = 0; i < 6; i++) {
      const login = (await (await h.call("POST", "/api/login", { body: { userName: "hopper", password: "cim-test-pass-1" } })).json()) as { gateway: { id: string } };
      expect(login.gateway.id).toBe("gw-live");
    }
    const stats = (await (await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token" })).json()) as { unreachable: string[]; gateways: Array<{ id: string }> };
    expect(stats.unreachable).toEqual([HARNESS_GATEWAY.id]);
    expect(stats.gateways.map((g) => g.id).sort()).toEqual(["gw-harness", "gw-live"]);
  });

  it("a loop of reconnects naming a live gateway as failed does not have route probe it back to back", async () => {
    await h.call("POST", "/api/register", { body: { userName: "looper", password: "cim-test-pass-1" } });
    const { token } = (await (await h.call("POST", "/api/login", { body: { userName: "looper", password: "cim-test-pass-1" } })).json()) as { token: string };
    const before = probes;
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      const res = await h.call("POST", "/api/reconnect", { token, body: { avoid: "gw-live" } });
      // Still served: the only other gateway is dead, so the live one is handed out all the same.
      expect(((await res.json()) as { gateway: { id: string } }).gateway.id).toBe("gw-live");
    }
    const seconds = (Date.now() - started) / 1000;
    // At most one probe a second from reports (each reconnect probed the gateway before: 40).
    expect(probes - before).toBeGreaterThanOrEqual(1);
    expect(probes - before).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect((await (await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token" })).json()) as { unreachable: string[] }).toMatchObject({ unreachable: [HARNESS_GATEWAY.id] });
  });

  it("a gateway that left ZooKeeper shows as missing in the admin stats", async () => {
    await h.addGateway("gw-leaving", "ws://127.0.0.1:39998/ws");
    const stats = async () => (await (await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token" })).json()) as { missing: string[] };
    expect((await stats()).missing).toEqual([]);
    await h.removeGateway("gw-leaving");
    expect((await stats()).missing).toEqual(["gw-leaving"]);
  });

  it("a route started again still shows a gateway that left before as missing", async () => {
    await h.addGateway("gw-gone", "ws://127.0.0.1:39997/ws");
    // The running route notes the live gateways (at its start, then every 3 s).
    await h.services.health.start();
    h.services.health.stop();
    await h.removeGateway("gw-gone");
    // Route killed and started again: a new instance over the same Redis and ZooKeeper.
    const restarted = h.variant({});
    await restarted.services.health.start();
    try {
      const stats = (await (await restarted.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token" })).json()) as { missing: string[] };
      // Before, a restarted route knew only what it saw itself: missing was [] while gw-gone was dead.
      expect(stats.missing).toEqual(["gw-gone"]);
    } finally {
      restarted.services.health.stop();
    }
  });

  it("routes whose clocks disagree agree on a missing gateway: the sightings are on Redis' clock", async () => {
    await h.addGateway("gw-skewed", "ws://127.0.0.1:39996/ws");
    // This route's clock is 20 minutes behind when it notes the live gateways.
    await h.services.health.start(Date.now() - 20 * 60_000);
    h.services.health.stop();
    await h.removeGateway("gw-skewed");
    const other = h.variant({});
    await other.services.health.start();
    try {
      const stats = (await (await other.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token" })).json()) as { missing: string[] };
      // Before, the other route took the sighting for 20 minutes old (past the 10 of MISSING_FOR_MS): not listed.
      expect(stats.missing).toContain("gw-skewed");
    } finally {
      other.services.health.stop();
    }
  });
});
