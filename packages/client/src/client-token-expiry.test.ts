// CimClient renews its token through route: on a 4440 close, and shortly before it expires, until the login's end.
import { describe, expect, it, vi } from "vitest";
import { SessionClose } from "@cim/protocol";
import { nowS, setup, useFakeClock } from "./client-test-support.js";

useFakeClock();

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
