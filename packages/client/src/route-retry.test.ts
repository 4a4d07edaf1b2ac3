// A route that does not answer (frozen, or a hung replica behind a balancer): a login is asked once more on a fresh
// request after an attempt's timeout, and the app is told, instead of one silent wait of the whole timeout; other
// calls are not repeated. A real HTTP server on loopback holds the requests it is told to.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { RouteApi, type RouteRetryInfo } from "./route-api.js";

let server: Server | undefined;
const held: ServerResponse[] = [];

afterEach(async () => {
  for (const response of held.splice(0)) response.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A route that holds request n (1 and on) unanswered when `plan(n)` is "hold", else answers it after that many ms. */
async function route(plan: (n: number) => "hold" | number, answer: { status: number; body: unknown }) {
  let requests = 0;
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const delay = plan(++requests);
    if (delay === "hold") return void held.push(response);
    setTimeout(() => response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body)), delay);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

const LOGIN = { token: "t", userId: "7", userName: "ann", gateway: { id: "gw-a", wsUrl: "ws://127.0.0.1:1/ws" } };

describe("RouteApi: a route that does not answer", () => {
  it("a login unanswered for an attempt's timeout is asked again and reported; the second answer is taken", async () => {
    const frozen = await route((n) => (n === 1 ? "hold" : 0), { status: 200, body: LOGIN });
    const retries: RouteRetryInfo[] = [];
    const api = new RouteApi(frozen.url, undefined, 10_000, { attemptTimeoutMs: 400, onRetry: (info) => retries.push(info) });
    const started = Date.now();
    await expect(api.login("ann", "cim-test-pass-1")).resolves.toMatchObject({ token: "t", userId: "7" });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(frozen.requests()).toBe(2);
    expect(retries).toMatchObject([{ path: "/api/login", attempt: 2 }]);
    expect(retries[0]!.waitedMs).toBeGreaterThanOrEqual(400);
  });

  it("a login is asked once more at most, then fails as unreachable at the whole timeout", async () => {
    const frozen = await route(() => "hold", { status: 200, body: LOGIN });
    const retries: RouteRetryInfo[] = [];
    const api = new RouteApi(frozen.url, undefined, 1_000, { attemptTimeoutMs: 200, onRetry: (info) => retries.push(info) });
    await expect(api.login("ann", "cim-test-pass-1")).rejects.toMatchObject({ status: 0, code: "unreachable", message: "route did not answer within 1 s" });
    expect(frozen.requests()).toBe(2);
    expect(retries).toMatchObject([{ path: "/api/login", attempt: 2 }]);
  });

  it("reads and reconnects (storms: a slow route must not get twice the load) are not repeated", async () => {
    const frozen = await route((n) => (n === 1 ? "hold" : 0), { status: 200, body: LOGIN });
    const retries: RouteRetryInfo[] = [];
    const api = new RouteApi(frozen.url, undefined, 800, { attemptTimeoutMs: 200, onRetry: (info) => retries.push(info) });
    await expect(api.online("t")).rejects.toMatchObject({ code: "unreachable" });
    await expect(api.reconnect("t")).resolves.toMatchObject({ token: "t" });
    expect(frozen.requests()).toBe(2);
    expect(retries).toEqual([]);
  });

  it("a registration (not safe to send twice) is not repeated: it waits out the whole timeout", async () => {
    const frozen = await route((n) => (n === 1 ? "hold" : 0), { status: 200, body: { userId: "7", userName: "ann" } });
    const retries: RouteRetryInfo[] = [];
    const api = new RouteApi(frozen.url, undefined, 1_000, { attemptTimeoutMs: 200, onRetry: (info) => retries.push(info) });
    await expect(api.register("ann", "cim-test-pass-1")).rejects.toMatchObject({ code: "unreachable" });
    expect(frozen.requests()).toBe(1);
    expect(retries).toEqual([]);
  });

  it("a route only slow to answer is not given up on: the first request's late answer is taken", async () => {
    const slow = await route((n) => (n === 1 ? 700 : "hold"), { status: 200, body: LOGIN });
    const api = new RouteApi(slow.url, undefined, 5_000, { attemptTimeoutMs: 300 });
    await expect(api.login("ann", "cim-test-pass-1")).resolves.toMatchObject({ token: "t" });
    expect(slow.requests()).toBe(2);
  });
});
