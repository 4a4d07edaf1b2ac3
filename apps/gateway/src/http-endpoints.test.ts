import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpHandler } from "./http-endpoints.js";
import { createMetrics } from "./metrics.js";

const TOKEN = "metrics-token-0123456789abcdef";
let server: Server | undefined;

async function serve(metricsToken?: string): Promise<string> {
  const health = { healthy: () => true, health: () => ({ gatewayId: "gw-test" }) };
  server = createServer(createHttpHandler(createMetrics(), health, { metricsToken }));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("gateway HTTP endpoints", () => {
  it("/metrics is open when no metrics token is configured", async () => {
    const url = await serve();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("cim_gateway_connections");
  });

  it("/metrics needs the bearer token when one is configured, and answers 401 JSON otherwise", async () => {
    const url = await serve(TOKEN);
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(1)}`]) {
      const response = await fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.stringMatching(/Bearer/) } });
    }
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("cim_gateway_connections");
  });

  it("/healthz stays open with a metrics token", async () => {
    const url = await serve(TOKEN);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", gatewayId: "gw-test" });
  });
});
