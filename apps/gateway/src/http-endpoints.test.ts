import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpHandler } from "./http-endpoints.js";
import { createMetrics } from "./metrics.js";

const TOKEN = "metrics-token-0123456789abcdef";
let server: Server | undefined;

async function serve(metricsToken?: string, metrics = createMetrics()): Promise<string> {
  const health = { healthy: () => true, health: () => ({ gatewayId: "gw-test" }) };
  server = createServer(createHttpHandler(metrics, health, { metricsToken }));
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
  it("answers /healthz and /metrics with two Host headers or a Transfer-Encoding other than chunked 400 JSON, as the upgrade and route do", async () => {
    const port = Number(new URL(await serve()).port);
    const raw = async (request: string) => {
      const socket = connect({ host: "127.0.0.1", port });
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.write(request);
      await once(socket, "close");
      return answer;
    };
    for (const [request, message] of [
      ["GET /healthz HTTP/1.1\r\nHost: gw.example\r\nHost: internal.example\r\nConnection: close\r\n\r\n", "more than one Host header"],
      ["GET /metrics HTTP/1.1\r\nHost: gw.example\r\nHost: internal.example\r\nConnection: close\r\n\r\n", "more than one Host header"],
      ["GET /healthz HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n", "Transfer-Encoding other than chunked"],
    ]) {
      const answer = await raw(request!);
      expect(answer, request).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "bad_request", message } });
    }
  });

  it("/metrics is open when no metrics token is configured", async () => {
    const url = await serve();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("cim_gateway_connections");
  });

  it("/metrics needs the bearer token when one is configured, and answers 401 JSON otherwise", async () => {
    const url = await serve(TOKEN);
    // The challenge is route's (CONTRACT): the realm, and error="invalid_token" when a bearer token was sent and refused.
    const refused: Array<[string | undefined, string]> = [[undefined, 'Bearer realm="cim"'], [`Basic ${TOKEN}`, 'Bearer realm="cim"'],
      ["Bearer wrong", 'Bearer realm="cim", error="invalid_token"'], [`Bearer ${TOKEN}x`, 'Bearer realm="cim", error="invalid_token"'],
      [`Bearer ${TOKEN.slice(1)}`, 'Bearer realm="cim", error="invalid_token"']];
    for (const [authorization, challenge] of refused) {
      const response = await fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("www-authenticate"), String(authorization)).toBe(challenge);
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.stringMatching(/Bearer/) } });
    }
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    // The scheme is case-insensitive (RFC 9110 11.1), as route takes it.
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    expect(await ok.text()).toContain("cim_gateway_connections");
  });

  it("answers HEAD of /healthz and /metrics as their GET, without a body (load balancers probe with HEAD)", async () => {
    const url = await serve();
    for (const path of ["/healthz", "/metrics"]) {
      const response = await fetch(`${url}${path}`, { method: "HEAD" });
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe("");
    }
  });

  it("a plain GET of /ws answers 426 JSON: the path is right, it takes WebSocket upgrades only", async () => {
    const url = await serve();
    const response = await fetch(`${url}/ws?x=1`);
    expect(response.status).toBe(426);
    expect(response.headers.get("upgrade")).toBe("websocket");
    expect(await response.json()).toEqual({ error: { code: "bad_request", message: expect.stringMatching(/WebSocket/) } });
    expect((await fetch(`${url}/other`)).status).toBe(404);
  });

  it("answers another method than GET or HEAD on /ws 405 JSON with Allow, not 426; HEAD as GET", async () => {
    const url = await serve();
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const response = await fetch(`${url}/ws`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
    }
    const head = await fetch(`${url}/ws`, { method: "HEAD" });
    expect([head.status, head.headers.get("upgrade"), await head.text()]).toEqual([426, "websocket", ""]);
  });

  it("answers another method on /healthz and /metrics 405 JSON with Allow", async () => {
    const url = await serve();
    for (const [method, path] of [["POST", "/healthz"], ["DELETE", "/metrics"]] as const) {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
    }
  });

  it("/metrics answers 500 with the JSON error when the metrics cannot be read", async () => {
    const metrics = createMetrics();
    metrics.registry.metrics = () => Promise.reject(new Error("collector failed"));
    const url = await serve(undefined, metrics);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal", message: expect.any(String) } });
  });

  it("/healthz stays open with a metrics token", async () => {
    const url = await serve(TOKEN);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", gatewayId: "gw-test" });
  });
});
