// DNS rebinding: a page whose name its DNS points at 127.0.0.1 calls `npm start`'s route and gateways from a
// visitor's browser, with its own name in Host. Real route and gateway processes (devstack) on loopback, as npm start.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, startCluster, type AppProcess, type Cluster } from "@cim/devstack";

let cluster: Cluster;
const extra: AppProcess[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  for (const app of extra) await app.stop();
  await cluster?.stop();
});

interface Answer {
  status: number;
  body: string;
}

/** One request to `app` with `host` in its Host header (a browser sends the page's own name there). */
function ask(app: AppProcess, method: string, path: string, host: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: app.port, method, path, headers: { host, ...headers }, agent: false }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // An accepted upgrade is no answer of this test: say so rather than hang.
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: "" });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const UPGRADE = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" };
const register = (app: AppProcess, host: string, userName: string) =>
  ask(app, "POST", "/api/register", host, { "content-type": "application/json" }, JSON.stringify({ userName, password: "Plum-harbor-73-vivid" }));
const refusals = (app: AppProcess) => app.process.output().split("\n").filter((line) => line.includes("its Host is not one this server answers")).length;

describe("a loopback route and gateway answer only loopback Hosts by default", () => {
  it("refuses a rebound name's registration and health with 403 forbidden, and registers nobody", async () => {
    const { route } = cluster;
    const host = `rebind.attacker.example:${route.port}`;
    const refused = await register(route, host, "rebound1");
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: "forbidden", message: expect.stringContaining("CIM_ALLOWED_HOSTS") } });
    expect((await ask(route, "GET", "/healthz", host)).status).toBe(403);
    expect((await ask(route, "GET", "/", host)).status).toBe(403);
    // The name was not taken: the same registration through a loopback Host succeeds.
    expect((await register(route, `127.0.0.1:${route.port}`, "rebound1")).status).toBe(201);
  });

  it("answers 127.0.0.1, localhost and [::1], with any port (the Vite dev proxy passes the page's own), and a Host in any case", async () => {
    const { route } = cluster;
    for (const host of [`127.0.0.1:${route.port}`, `localhost:${route.port}`, "LOCALHOST", "[::1]:8080", "127.0.0.1:5173", "localhost."]) {
      expect((await ask(route, "GET", "/healthz", host)).status, host).toBe(200);
    }
  });

  it("refuses the gateway's /metrics, /healthz and the WebSocket upgrade from a rebound name, and answers them from loopback", async () => {
    const gateway = cluster.gateways[0]!;
    const host = `rebind.attacker.example:${gateway.port}`;
    for (const path of ["/metrics", "/healthz"]) {
      const refused = await ask(gateway, "GET", path, host);
      expect(refused.status, path).toBe(403);
      expect(JSON.parse(refused.body).error.code).toBe("forbidden");
      expect((await ask(gateway, "GET", path, `localhost:${gateway.port}`)).status, path).toBe(200);
    }
    const upgrade = await ask(gateway, "GET", "/ws", host, UPGRADE);
    expect(upgrade.status).toBe(403);
    expect(JSON.parse(upgrade.body).error.code).toBe("forbidden");
    expect((await ask(gateway, "GET", "/ws", `127.0.0.1:${gateway.port}`, UPGRADE)).status).toBe(101);
  });

  it("logs one line per window for a loop of refused requests", async () => {
    const { route } = cluster;
    const before = refusals(route);
    for (let i = 0; i < 20; i++) expect((await ask(route, "GET", "/api/rooms/public", "loop.attacker.example")).status).toBe(403);
    // At most the line of a window that began within the loop; never one per request.
    expect(refusals(route) - before).toBeLessThanOrEqual(1);
    expect(refusals(route)).toBeGreaterThanOrEqual(1);
  });
});

describe("CIM_ALLOWED_HOSTS", () => {
  it("adds the deployment's public names (and subdomains of a .name) to what a loopback route answers", async () => {
    const route = await startApp("route", { ...cluster.env, CIM_ALLOWED_HOSTS: "chat.example.com,.gw.example.com" }, "route-allowed");
    extra.push(route);
    expect((await ask(route, "GET", "/healthz", "chat.example.com")).status).toBe(200);
    expect((await ask(route, "GET", "/healthz", "chat.example.com:443")).status).toBe(200);
    expect((await ask(route, "GET", "/healthz", "gateway-0.gw.example.com")).status).toBe(200);
    expect((await ask(route, "GET", "/healthz", "127.0.0.1")).status).toBe(200);
    expect((await ask(route, "GET", "/healthz", "evil.example.com")).status).toBe(403);
    expect((await ask(route, "GET", "/healthz", "chat.example.com.evil.example")).status).toBe(403);
  });

  it("leaves a route listening on every address answering any Host when unset, as deployments behind proxies need", async () => {
    const route = await startApp("route", { ...cluster.env, HOST: "0.0.0.0" }, "route-public");
    extra.push(route);
    expect((await ask(route, "GET", "/healthz", "route.internal")).status).toBe(200);
  });

  it("stops the start on an entry with a scheme or a port, naming the variable", async () => {
    await expect(startApp("route", { ...cluster.env, CIM_ALLOWED_HOSTS: "https://chat.example.com" }, "route-bad", { startFailure: (reason) => reason })).rejects.toThrow(/CIM_ALLOWED_HOSTS/);
  });
});
