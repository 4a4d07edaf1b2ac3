// The CimClient unit tests' setup: a client against a fake route and scripted gateway sockets, on fake timers.
import { afterEach, beforeEach, expect, vi } from "vitest";
import { CimClient } from "./client.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";

export const HOUR_S = 3600;
export const nowS = () => Math.floor(Date.now() / 1000);
const UNAUTHORIZED = { status: 401, body: { error: { code: "unauthorized", message: "token expired" } } };

/** Fake timers for each test of the file (CimClient's backoff, timeouts and renewals). */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** A client against a fake route and scripted gateway sockets; `route.refuse` makes /api/reconnect answer 401. */
export function setup(options: { tokenLifetimeS?: number; sessionEndS?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const control = { refuse: false, unreachable: false };
  const issue = () => {
    const exp = Math.min(nowS() + (options.tokenLifetimeS ?? HOUR_S), options.sessionEndS ?? Number.MAX_SAFE_INTEGER);
    return { status: 200, body: { userId: "7", userName: "ann", token: fakeToken({ iat: nowS(), exp, n: Math.random() }), gateway: { id: "gw-a", wsUrl: "ws://gw-a/ws" } } };
  };
  const route = fakeRoute((call) => {
    if (call.path === "/api/login") return issue();
    if (call.path === "/api/reconnect") return control.refuse ? UNAUTHORIZED : control.unreachable ? { status: 503, body: { error: { code: "no_gateway", message: "none" } } } : issue();
    return { status: 204 };
  });
  const warnings: string[] = [];
  const client = new CimClient({
    routeUrl: "http://route.test",
    fetch: route.fetch,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoff: { baseMs: 100, maxMs: 100 },
    logger: { warn: (message) => void warnings.push(message) },
  });
  const errors: Error[] = [];
  client.onError((error) => void errors.push(error));
  const reconnects = () => route.calls.filter((c) => c.path === "/api/reconnect");
  const socketCount = async (n: number) => vi.waitFor(() => expect(sockets).toHaveLength(n));
  const logIn = async () => {
    const done = client.logIn("ann", "cim-test-pass-1");
    await socketCount(1);
    sockets[0]!.accept();
    await done;
  };
  return { client, sockets, route, control, warnings, errors, reconnects, socketCount, logIn };
}