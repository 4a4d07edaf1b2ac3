import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACCOUNT_DELETED, ErrorCode, LoginClose, SessionClose } from "@cim/protocol";
import { CimClient } from "./client.js";
import { isAccountDeleted, isAuthFailure } from "./errors.js";
import { CimApiError } from "./route-api.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";

const HOUR_S = 3600;
const nowS = () => Math.floor(Date.now() / 1000);
const UNAUTHORIZED = { status: 401, body: { error: { code: "unauthorized", message: "token expired" } } };

/** A client against a fake route and scripted gateway sockets; `route.refuse` makes /api/reconnect answer 401. */
function setup(options: { tokenLifetimeS?: number; sessionEndS?: number } = {}) {
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

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

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

describe("CimClient: token expiry", () => {
  it("a 4440 close renews the token through route at once and logs in again with it, on the same gateway", async () => {
    const t = setup();
    await t.logIn();
    const states: string[] = [];
    t.client.onState((s) => void states.push(s));
    const sessions: string[] = [];
    t.client.onSession((login) => void sessions.push(login.token));
    const oldToken = t.client.session!.token;
    t.sockets[0]!.serverClose(SessionClose.TokenExpired, "token expired");
    await t.socketCount(2);
    expect(t.reconnects()).toHaveLength(1);
    expect(t.reconnects()[0]).toMatchObject({ token: oldToken, body: {} });
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    expect(t.sockets[1]!.loginToken).not.toBe(oldToken);
    expect(sessions).toEqual([t.sockets[1]!.loginToken]);
    expect(states).toEqual(["reconnecting", "online"]);
    expect(t.errors).toEqual([]);
  });

  it("a 4440 close after which route refuses the token (401) ends the login", async () => {
    const t = setup();
    await t.logIn();
    t.control.refuse = true;
    t.sockets[0]!.serverClose(SessionClose.TokenExpired, "token expired");
    await vi.waitFor(() => expect(t.client.state).toBe("closed"));
    expect(t.reconnects()).toHaveLength(1);
    expect(t.errors[0]).toMatchObject({ name: "CimApiError", status: 401 });
  });

  it("renews the token shortly before it expires, keeping the live session, and again for each new token", async () => {
    const t = setup({ tokenLifetimeS: 10 * 60 });
    await t.logIn();
    const sessions: string[] = [];
    t.client.onSession((login) => void sessions.push(login.token));
    await vi.advanceTimersByTimeAsync(8 * 60_000);
    expect(t.reconnects()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000 + 1_000);
    expect(t.reconnects()).toHaveLength(1);
    expect(sessions).toHaveLength(1);
    expect(t.client.session!.token).toBe(sessions[0]);
    expect(t.sockets).toHaveLength(1);
    expect(t.client.state).toBe("online");
    // The next Login (after any close) uses the renewed token; and the renewed one is renewed in turn.
    await vi.advanceTimersByTimeAsync(9 * 60_000 + 1_000);
    expect(t.reconnects()).toHaveLength(2);
    expect(t.reconnects()[1]!.token).toBe(sessions[0]);
  });

  it("stops renewing when route cannot extend the login (its absolute end), and ends on a 401", async () => {
    const t = setup({ tokenLifetimeS: 10 * 60, sessionEndS: nowS() + 15 * 60 });
    await t.logIn();
    await vi.advanceTimersByTimeAsync(9 * 60_000 + 1_000);
    expect(t.reconnects()).toHaveLength(1);
    // That token expires at the login's end (6 min from now): renewing it gains nothing, so no loop.
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(t.reconnects()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(t.reconnects()).toHaveLength(2);
    t.control.refuse = true;
    t.sockets[0]!.serverClose(SessionClose.TokenExpired);
    await vi.waitFor(() => expect(t.client.state).toBe("closed"));
  });

  it("a renewal refused with 401 (revoked) ends the login; an unreachable route is tried again", async () => {
    const t = setup({ tokenLifetimeS: 10 * 60 });
    await t.logIn();
    t.control.unreachable = true;
    await vi.advanceTimersByTimeAsync(9 * 60_000 + 1_000);
    expect(t.reconnects().length).toBeGreaterThanOrEqual(2);
    expect(t.client.state).toBe("online");
    t.control.unreachable = false;
    t.control.refuse = true;
    await vi.waitFor(() => expect(t.client.state).toBe("closed"));
    expect(t.errors[0]).toMatchObject({ status: 401 });
  });
});

describe("CimClient: duplicates and the outbox bound", () => {
  it("counts, logs and reports a message not newer than the last one of its stream instead of hiding it", async () => {
    const t = setup();
    await t.logIn();
    const received: string[] = [];
    const duplicates: string[] = [];
    t.client.onMessage((m) => void received.push(m.msgId));
    t.client.onDuplicate((m) => void duplicates.push(m.msgId));
    const message = (msgId: string, to = "") => ({ msgId, from: "9", fromName: "bob", to, text: msgId, ts: 1, room: "" });
    t.sockets[0]!.push({ kind: "message", body: message("100") });
    t.sockets[0]!.push({ kind: "messageBatch", body: { messages: [message("100"), message("99"), message("101")] } });
    t.sockets[0]!.push({ kind: "message", body: message("50", "7") });
    expect(received).toEqual(["100", "101", "50"]);
    expect(duplicates).toEqual(["100", "99"]);
    expect(t.client.stats.duplicatesDropped).toBe(2);
    expect(t.warnings).toHaveLength(2);
    expect(t.warnings[1]).toMatch(/dropped message 99.*group.*2 dropped/);
  });

  it("reports a Send the gateway could not store (`unavailable`) and keeps it until its SendAck; a final error is no retry", async () => {
    const t = setup();
    await t.logIn();
    const retries: string[] = [];
    t.client.onSendRetry((error) => void retries.push(`${error.code}: ${error.message}`));
    const sent = t.client.send({ clientMsgId: "c-1", text: "hello" });
    const refused = t.client.send({ clientMsgId: "c-2", text: "too long" }).catch((e: Error) => e.name);
    t.sockets[0]!.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "message not stored, retry", clientMsgId: "c-1" } });
    t.sockets[0]!.push({ kind: "error", body: { code: ErrorCode.BadRequest, message: "text too long", clientMsgId: "c-2" } });
    expect(retries).toEqual(["unavailable: message not stored, retry"]);
    expect(await refused).toBe("SendError");
    expect(t.client.unacknowledged).toBe(1);
    t.sockets[0]!.push({ kind: "sendAck", body: { clientMsgId: "c-1", msgId: "500", ts: 1 } });
    expect((await sent).msgId).toBe("500");
  });

  it("rejects a send beyond maxUnacknowledged with a clear error", async () => {
    const t = setup();
    const client = new CimClient({ routeUrl: "http://route.test", fetch: t.route.fetch, createSocket: (url) => (t.sockets.push(new FakeSocket(url)), t.sockets.at(-1)!), maxUnacknowledged: 2 });
    const done = client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    t.sockets[0]!.accept();
    await done;
    const pending = [client.send({ text: "one" }), client.send({ text: "two" })].map((p) => p.catch((e: Error) => e.message));
    await expect(client.send({ text: "three" })).rejects.toMatchObject({ name: "OutboxFullError", limit: 2 });
    expect(client.unacknowledged).toBe(2);
    client.close();
    expect(await Promise.all(pending)).toEqual(["client closed", "client closed"]);
  });
});

describe("CimClient: presence by subscription", () => {
  it("sends the watched list when online and again after a reconnect, skips an unchanged one, refuses one over 500", async () => {
    const t = setup();
    t.client.subscribePresence(["3", "4", "3"]); // before login: kept for the LoginAck
    await t.logIn();
    const subscribes = (i: number) => t.sockets[i]!.sent.filter((f) => f.kind === "presenceSubscribe").map((f) => f.body);
    expect(subscribes(0)).toEqual([{ userIds: ["3", "4"] }]);
    t.client.subscribePresence(["3", "4"]);
    t.client.subscribePresence(["5"]);
    expect(subscribes(0)).toEqual([{ userIds: ["3", "4"] }, { userIds: ["5"] }]);
    expect(() => t.client.subscribePresence(Array.from({ length: 501 }, (_, i) => String(i)))).toThrow(RangeError);
    const seen: string[] = [];
    t.client.onPresence((p) => void seen.push(`${p.userId}:${p.online}`));
    t.sockets[0]!.push({ kind: "presenceBatch", body: { presences: [{ userId: "5", userName: "eve", online: true }] } });
    t.sockets[0]!.push({ kind: "presence", body: { userId: "5", userName: "eve", online: false } });
    expect(seen).toEqual(["5:true", "5:false"]);
    t.sockets[0]!.serverClose(1006);
    await vi.advanceTimersByTimeAsync(200);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(subscribes(1)).toEqual([{ userIds: ["5"] }]));
  });
});

describe("CimClient: typing by subscription", () => {
  it("sends the list only to a gateway that takes it, again after a reconnect; an empty list too", async () => {
    const t = setup();
    t.client.subscribeTyping(["r1", "r1"]); // before login: kept for the LoginAck
    await t.logIn(); // a gateway before TypingSubscribe: it would close the session for it
    const lists = (i: number) => t.sockets[i]!.sent.filter((f) => f.kind === "typingSubscribe").map((f) => f.body);
    t.client.subscribeTyping(["2"]);
    expect(lists(0)).toEqual([]);
    t.sockets[0]!.serverClose(1006);
    await vi.advanceTimersByTimeAsync(200);
    await t.socketCount(2);
    t.sockets[1]!.accept(15_000, { typingSubscribe: true });
    await vi.waitFor(() => expect(lists(1)).toEqual([{ conversations: ["2"] }]));
    t.client.subscribeTyping(["2"]);
    t.client.subscribeTyping([]);
    expect(lists(1)).toEqual([{ conversations: ["2"] }, { conversations: [] }]);
    expect(() => t.client.subscribeTyping(Array.from({ length: 21 }, (_, i) => String(i)))).toThrow(/at most 20 conversations/);
  });
});

describe("CimClient: the gateway's frame limit is never exceeded", () => {
  const ackAll = (socket: FakeSocket) => {
    for (const body of socket.sentOf("send")) socket.push({ kind: "sendAck", body: { clientMsgId: body.clientMsgId, msgId: "1", ts: 1 } });
  };

  it("a burst of sends goes out within the budget of the limit LoginAck names, in order, each once", async () => {
    const t = setup();
    const done = t.client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    const socket = t.sockets[0]!;
    socket.accept(15_000, { ratePerSec: 20, rateBurst: 50 });
    await done;
    const acked = Array.from({ length: 100 }, (_, i) => t.client.send({ text: `m${i}` }));
    const sent = () => socket.sentOf("send").map((s) => s.text);
    // 60% of the burst at once, then 80% of the rate: a gateway's bucket of 50 and 20/s is never emptied.
    expect(sent()).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()).toHaveLength(46);
    // Answered, as a gateway does (a Send unanswered for 2 s would hold back the newer ones: Redis stalls).
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()).toHaveLength(62);
    for (let second = 0; second < 5; second++) {
      ackAll(socket);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    ackAll(socket);
    await Promise.all(acked);
    expect(sent()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  });

  it("without limits in LoginAck (an older gateway) it keeps 100 Sends in flight at most, and under 50/s, burst 200", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    for (let i = 0; i < 300; i++) void t.client.send({ text: `m${i}` }).catch(() => undefined);
    expect(socket.sentOf("send")).toHaveLength(100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.sentOf("send")).toHaveLength(100);
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    // The 20 left of the burst of 120, and two seconds' 40 each.
    expect(socket.sentOf("send")).toHaveLength(200);
  });

  it("keeps at most half the Sends in flight that LoginAck allows, the next ones written as answers come", async () => {
    const t = setup();
    const done = t.client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    const socket = t.sockets[0]!;
    socket.accept(15_000, { maxSendsInFlight: 10 });
    await done;
    const acked = Array.from({ length: 12 }, (_, i) => t.client.send({ text: `m${i}` }));
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    for (let round = 0; round < 3; round++) {
      ackAll(socket);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    await Promise.all(acked);
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  it("a Send answered unavailable holds back the newer ones until it is written again and acknowledged, so order is kept", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    const first = t.client.send({ text: "first" });
    socket.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "store unavailable", clientMsgId: socket.sentOf("send")[0]!.clientMsgId } });
    const second = t.client.send({ text: "second" });
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first"]);
    await vi.advanceTimersByTimeAsync(6_000);
    // Written again, but not answered yet: the gateway may still be waiting for Redis with it.
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first", "first"]);
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first", "first", "second"]);
    ackAll(socket);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
  });

  it("after a reconnect the outbox goes out oldest first within the new session's budget, none held back behind newer sends", async () => {
    const t = setup();
    await t.logIn();
    for (let i = 0; i < 150; i++) void t.client.send({ text: `m${i}` }).catch(() => undefined);
    t.sockets[0]!.serverClose(1006);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    void t.client.send({ text: "new" }).catch(() => undefined);
    for (let second = 0; second < 4; second++) {
      ackAll(t.sockets[1]!);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    const texts = t.sockets[1]!.sentOf("send").map((s) => s.text);
    expect(texts.slice(0, 150)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`));
    expect(texts[150]).toBe("new");
  });

  it("a flood of private messages is answered with Delivered receipts within the budget: the newest per sender last", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    const senders = ["11", "12", "13"];
    const messages = Array.from({ length: 300 }, (_, i) => ({ msgId: String(1_000 + i), from: senders[i % 3]!, fromName: "x", to: "7", text: `p${i}`, ts: 1, room: "" }));
    socket.push({ kind: "messageBatch", body: { messages } });
    expect(socket.sentOf("delivered")).toHaveLength(120);
    await vi.advanceTimersByTimeAsync(2_000);
    const receipts = socket.sentOf("delivered");
    expect(receipts.length).toBeLessThanOrEqual(123);
    for (const from of senders) expect(receipts.filter((r) => r.from === from).at(-1)!.msgId).toBe(messages.filter((m) => m.from === from).at(-1)!.msgId);
  });

  it("a Delivered the gateway could not apply (Error unavailable naming no Send) is written again", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    socket.push({ kind: "message", body: { msgId: "5000", from: "11", fromName: "bob", to: "7", text: "hi", ts: 1 } });
    expect(socket.sentOf("delivered")).toEqual([{ msgId: "5000", by: "", from: "11" }]);
    socket.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "store unavailable" } });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(socket.sentOf("delivered")).toEqual([{ msgId: "5000", by: "", from: "11" }, { msgId: "5000", by: "", from: "11" }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.sentOf("delivered")).toHaveLength(2);
  });
});
