// CimClient's login and connection: which failures it retries and which end the login, the device's network, and
// connections that never get going.
import { describe, expect, it, vi } from "vitest";
import { ACCOUNT_DELETED, ErrorCode, LoginClose, SessionClose } from "@cim/protocol";
import { CimClient } from "./client.js";
import { isAccountDeleted, isAuthFailure } from "./errors.js";
import { CimApiError } from "./route-api.js";
import { HOUR_S, nowS, setup, useFakeClock } from "./client-test-support.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";

useFakeClock();

describe("CimClient: transient failures are retried, only a refused token ends the login", () => {
  it("an `unavailable` Error and a 1011 close while logging in again lead to another attempt, not a logout", async () => {
    const t = setup();
    await t.logIn();
    t.sockets[0]!.serverClose(1006);
    expect(t.client.state).toBe("reconnecting");
    await t.socketCount(2);
    t.sockets[1]!.open();
    t.sockets[1]!.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "login failed, retry" } });
    t.sockets[1]!.serverClose(1011, "login failed, retry");
    expect(t.client.state).toBe("reconnecting");
    await t.socketCount(3);
    t.sockets[2]!.open();
    t.sockets[2]!.serverClose(1011);
    await t.socketCount(4);
    t.sockets[3]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    expect(t.errors).toEqual([]);
  });

  it("`rate_limited` before LoginAck on resume is tried on other gateways, then rejects with an error that is not an auth failure", async () => {
    const t = setup();
    const resumed = t.client.resume({ userId: "7", userName: "ann", token: fakeToken({ exp: nowS() + HOUR_S }) }).catch((e: unknown) => e);
    for (let i = 0; i < 3; i++) {
      await t.socketCount(i + 1);
      t.sockets[i]!.open();
      t.sockets[i]!.push({ kind: "error", body: { code: ErrorCode.RateLimited, message: "slow down" } });
      await vi.advanceTimersByTimeAsync(100);
    }
    const error = await resumed;
    expect(error).toMatchObject({ name: "LoginError", code: ErrorCode.RateLimited });
    expect(isAuthFailure(error)).toBe(false);
    expect(t.sockets).toHaveLength(3);
    expect(t.client.state).toBe("closed");
  });

  it("an `unauthorized` Error with close 4401 while logging in again ends the login", async () => {
    const t = setup();
    await t.logIn();
    t.sockets[0]!.serverClose(1006);
    await t.socketCount(2);
    t.sockets[1]!.open();
    t.sockets[1]!.push({ kind: "error", body: { code: ErrorCode.Unauthorized, message: "logged out: log in again" } });
    t.sockets[1]!.serverClose(LoginClose.BadToken);
    await vi.waitFor(() => expect(t.client.state).toBe("closed"));
    expect(t.errors).toHaveLength(1);
    expect(isAuthFailure(t.errors[0])).toBe(true);
  });

  it("a live session closed with 4401 (revoked) is over: no reconnect", async () => {
    const t = setup();
    await t.logIn();
    t.sockets[0]!.serverClose(SessionClose.Revoked, "logged out");
    expect(t.client.state).toBe("closed");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.reconnects()).toEqual([]);
    expect(isAuthFailure(t.errors[0])).toBe(true);
    expect(isAccountDeleted(t.errors[0])).toBe(false);
  });

  it("a close, Login refusal or 401 saying 'account deleted' tells the account was deleted; other refusals do not", async () => {
    const t = setup();
    await t.logIn();
    t.sockets[0]!.serverClose(SessionClose.Revoked, ACCOUNT_DELETED);
    expect(t.client.state).toBe("closed");
    expect(isAccountDeleted(t.errors[0])).toBe(true);
    expect(isAccountDeleted(new CimApiError(401, ErrorCode.Unauthorized, ACCOUNT_DELETED))).toBe(true);
    expect(isAccountDeleted(new CimApiError(401, ErrorCode.Unauthorized, "logged out: log in again"))).toBe(false);
    expect(isAccountDeleted(new CimApiError(404, ErrorCode.NotFound, ACCOUNT_DELETED))).toBe(false);
  });
});

describe("CimClient: the device's network", () => {
  it("going offline drops a live session at once; a send waits and goes once after coming back", async () => {
    const t = setup();
    await t.logIn();
    t.client.network(false);
    expect(t.client.state).toBe("reconnecting");
    expect(t.sockets[0]!.closedWith).toEqual({ code: 1000, reason: "network offline" });
    const sent = t.client.send({ text: "typed offline" });
    t.client.network(true);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    expect(t.sockets[0]!.sentOf("send")).toEqual([]);
    expect(t.sockets[1]!.sentOf("send").map((s) => s.text)).toEqual(["typed offline"]);
    void sent.catch(() => undefined);
    expect(t.errors).toEqual([]);
  });

  it("while the device has no network, route calls fail at once as unreachable and ask nothing; back online, they go", async () => {
    const t = setup();
    await t.logIn();
    t.client.network(false);
    const asked = t.route.calls.length;
    await expect(t.client.history({ room: "everyone" })).rejects.toMatchObject({ status: 0, code: "unreachable" });
    await expect(t.client.conversations()).rejects.toMatchObject({ status: 0, code: "unreachable" });
    expect(t.route.calls.length).toBe(asked);
    t.client.network(true);
    await t.client.conversations().catch(() => undefined);
    expect(t.route.calls.map((c) => c.path)).toContain("/api/conversations");
  });

  it("while the device has no network, no reconnect is tried until it is back (or offlineRetryMs passes)", async () => {
    const t = setup();
    await t.logIn();
    t.client.network(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(t.reconnects()).toEqual([]);
    t.client.network(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.reconnects()).toHaveLength(1);
  });

  it("going offline while already reconnecting (route down) stops the retries", async () => {
    const t = setup();
    await t.logIn();
    t.control.unreachable = true;
    t.sockets[0]!.serverClose(1006, "gone");
    await vi.advanceTimersByTimeAsync(1_000);
    const before = t.reconnects().length;
    expect(before).toBeGreaterThan(1);
    t.client.network(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(t.reconnects()).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(t.reconnects()).toHaveLength(before + 1);
  });

  it("an offline event while not online, or an online event while online, changes nothing", async () => {
    const t = setup();
    await t.logIn();
    t.client.network(true);
    expect(t.client.state).toBe("online");
    t.client.close();
    t.client.network(false);
    expect(t.client.state).toBe("closed");
    expect(t.reconnects()).toEqual([]);
  });
});

describe("CimClient: connections that never get going", () => {
  it("a reconnect whose route call is never answered (route frozen) is given up after requestTimeoutMs and tried again", async () => {
    const sockets: FakeSocket[] = [];
    const answer = () => ({ userId: "7", userName: "ann", token: fakeToken({ iat: nowS(), exp: nowS() + HOUR_S }), gateway: { id: "gw-b", wsUrl: "ws://gw-b/ws" } });
    let reconnects = 0;
    const route = fakeRoute(() => ({ status: 200, body: answer() }));
    const fetch = ((input: string | URL | Request, init?: RequestInit) => {
      if (String(input).endsWith("/api/reconnect") && ++reconnects === 1) {
        return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
      }
      return route.fetch(input, init);
    }) as typeof globalThis.fetch;
    const client = new CimClient({
      routeUrl: "http://route.test",
      fetch,
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      backoff: { baseMs: 100, maxMs: 100 },
      requestTimeoutMs: 2_000,
      logger: { warn: () => undefined },
    });
    const login = client.logIn("ann", "cim-test-pass-1");
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.accept();
    await login;
    sockets[0]!.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reconnects).toBe(1);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(reconnects).toBe(2);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1]!.accept();
    await vi.waitFor(() => expect(client.state).toBe("online"));
    client.close();
  });

  it("a socket the browser refuses (an error, no close event) fails the login after three gateways instead of hanging", async () => {
    const t = setup();
    const login = t.client.logIn("ann", "cim-test-pass-1").catch((e: unknown) => e);
    for (let i = 0; i < 3; i++) {
      await t.socketCount(i + 1);
      t.sockets[i]!.refuse();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(await login).toMatchObject({ name: "CloseError", code: 1006 });
    expect(t.client.state).toBe("closed");
    expect(t.sockets).toHaveLength(3);
  });

  it("a login whose gateway cannot be reached (it just died) is opened on the next gateway route picks, avoiding it", async () => {
    const t = setup();
    const login = t.client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    t.sockets[0]!.serverClose(1006);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    expect(await login).toMatchObject({ userId: "7", userName: "ann" });
    expect(t.client.state).toBe("online");
    expect(t.reconnects().map((c) => c.body)).toEqual([{ avoid: "gw-a" }]);
    expect(t.warnings.join("\n")).toContain("gw-a could not be reached");
  });

  it("a refused token at the first gateway ends the login at once, without trying others", async () => {
    const t = setup();
    const login = t.client.logIn("ann", "cim-test-pass-1").catch((e: unknown) => e);
    await t.socketCount(1);
    t.sockets[0]!.open();
    t.sockets[0]!.serverClose(LoginClose.BadToken);
    expect(await login).toMatchObject({ name: "CloseError", code: LoginClose.BadToken });
    expect(t.reconnects()).toHaveLength(0);
    expect(t.client.state).toBe("closed");
  });

  it("a reconnect whose socket is refused, or whose Login is never answered, is tried again", async () => {
    const t = setup();
    await t.logIn();
    t.sockets[0]!.serverClose(1006);
    await t.socketCount(2);
    t.sockets[1]!.refuse();
    await t.socketCount(3);
    t.sockets[2]!.open();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.sockets[2]!.closedWith).not.toBeNull();
    await t.socketCount(4);
    t.sockets[3]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    expect(t.errors).toEqual([]);
  });
});
