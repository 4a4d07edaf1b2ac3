// CONTRACT.md's admin stats, /healthz, /metrics and unknown API paths, through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN } from "@cim/devstack";
import { expectError, newUser } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface Stats {
  online: number;
  gateways: Array<{ id: string; wsUrl: string; connections: number }>;
}

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

describe("GET /api/admin/stats", () => {
  it("answers 200 with the online count and each live gateway with its connections", async () => {
    const [ann, ben] = await Promise.all([newUser(h, "ann"), newUser(h, "ben"), newUser(h, "cat")]);
    await h.services.sessions.claim(ann!.userId, HARNESS_GATEWAY.id);
    await h.services.sessions.claim(ben!.userId, HARNESS_GATEWAY.id);
    await h.addGateway("gw-empty", "ws://127.0.0.1:39997/ws");
    try {
      const res = await h.call("GET", "/api/admin/stats", { token: TEST_ADMIN_TOKEN });
      expect(res.status).toBe(200);
      const stats = (await res.json()) as Stats;
      expect(stats.online).toBe(2);
      const byId = Object.fromEntries(stats.gateways.map((g) => [g.id, g]));
      expect(byId[HARNESS_GATEWAY.id]).toMatchObject({ ...HARNESS_GATEWAY, connections: 2 });
      expect(byId["gw-empty"]).toMatchObject({ id: "gw-empty", wsUrl: "ws://127.0.0.1:39997/ws", connections: 0 });
      expect(stats.gateways).toHaveLength(2);
    } finally {
      await h.removeGateway("gw-empty");
    }
  });

  it("answers 401 unauthorized to a missing or wrong admin token, and to a user's token", async () => {
    const user = await newUser(h, "notadmin");
    for (const token of [undefined, "wrong-admin-token-0123456789", user.token]) {
      await expectError(await h.call("GET", "/api/admin/stats", { token }), 401, "unauthorized");
    }
  });

  it("answers 403 forbidden, even to the right token, when CIM_ADMIN_TOKEN=disabled", async () => {
    const closed = h.variant({ CIM_ADMIN_TOKEN: "disabled" });
    await expectError(await closed.call("GET", "/api/admin/stats", { token: TEST_ADMIN_TOKEN }), 403, "forbidden");
    await expectError(await closed.call("GET", "/api/admin/stats"), 403, "forbidden");
  });
});

describe("health and metrics", () => {
  it("GET /healthz answers 200 {status: \"ok\"}", async () => {
    const res = await h.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("GET /metrics answers 200 Prometheus text that counts API requests", async () => {
    await h.call("GET", "/api/online");
    const res = await h.app.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain("# TYPE cim_route_requests_total counter");
    expect(text).toMatch(/^cim_route_requests_total\{method="GET",route="\/api\/online",status="401"\} [1-9]/m);
  });
});

describe("unknown API paths", () => {
  it("answer 404 not_found as JSON, for any method, also under /api/admin", async () => {
    const cases: Array<[string, string, string?]> = [
      ["GET", "/api/nope"],
      ["POST", "/api/nope/deeper"],
      ["DELETE", "/api/register/nope"],
      ["GET", "/api/admin/nope", TEST_ADMIN_TOKEN],
    ];
    for (const [method, path, token] of cases) await expectError(await h.call(method, path, { token }), 404, "not_found");
  });

  it("a known path asked with another method answers 405 method_not_allowed as JSON, with Allow", async () => {
    const cases: Array<[string, string, string]> = [
      ["DELETE", "/api/register", "POST"],
      ["GET", "/api/login", "POST"],
      // Without a token: /api/messages, behind the login check, answers 401 first (security-http.integration).
      ["POST", "/api/openapi.json", "GET, HEAD"],
      ["POST", "/healthz", "GET, HEAD"],
      ["DELETE", "/metrics", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await h.call(method, path, {});
      expect(res.headers.get("allow")).toBe(allow);
      await expectError(res, 405, "method_not_allowed");
    }
  });
});
