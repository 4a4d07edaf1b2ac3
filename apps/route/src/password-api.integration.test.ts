// Changing the password and signing out the other devices (POST /api/password, POST /api/logout/others), through
// app.request() on real Redis and ZooKeeper: the calling login stays, every other one ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { channels } from "@cim/state";
import { expectError, loginUser, newUser, PASSWORD, type LoginAnswer } from "./testing/api-client.js";
import type { Services } from "./context.js";
import { recordBus } from "./testing/bus-recorder.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

const NEW_PASSWORD = "cim-changed-pass-2";

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

const changePassword = (token: string, body: unknown, from?: string) => h.call("POST", "/api/password", { token, body, from });
const login = (userName: string, password: string) => h.call("POST", "/api/login", { body: { userName, password } });
const works = async (token: string) => (await h.call("GET", "/api/online", { token })).status === 200;

/** A fresh token of the same login (as the SDK refreshes it), checked to work. */
async function refreshed(token: string): Promise<string> {
  const res = await h.call("POST", "/api/reconnect", { token, body: {} });
  expect(res.status).toBe(200);
  return ((await res.json()) as LoginAnswer).token;
}

/** Asserts that `token` is refused as a logged-out login by the calls that take a token. */
async function expectEnded(token: string): Promise<void> {
  await expectError(await h.call("GET", "/api/online", { token }), 401, "unauthorized");
  await expectError(await h.call("POST", "/api/reconnect", { token, body: {} }), 401, "unauthorized");
}

/**
 * Makes a route's next POST /api/password hold its user's place (reading the account) until `release`, and counts
 * the requests that ask that route for a place (`entered`), so a test knows which ones wait.
 */
function holdPlaces(services: Services) {
  const { accounts, requests } = services;
  const byId = accounts.byId.bind(accounts);
  const enter = requests.enter.bind(requests);
  let entered = 0;
  let holding = false;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  requests.enter = (userId, urgent) => {
    entered += 1;
    return enter(userId, urgent);
  };
  accounts.byId = async (userId) => {
    holding = true;
    await held;
    return byId(userId);
  };
  const restore = () => {
    accounts.byId = byId;
    requests.enter = enter;
    release();
  };
  return { entered: () => entered, holding: () => holding, release: () => release(), restore };
}

describe("POST /api/password", () => {
  it("answers 204, stores the new password, ends every other login (refreshed tokens too) and keeps the calling one", async () => {
    const caller = await newUser(h, "pwchange");
    const phone = await loginUser(h, caller.userName);
    const phoneRefreshed = await refreshed(phone.token);
    const callerRefreshed = await refreshed(caller.token);
    const res = await changePassword(caller.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    await expectEnded(phone.token);
    await expectEnded(phoneRefreshed);
    expect(await works(caller.token)).toBe(true);
    expect(await works(callerRefreshed)).toBe(true);
    expect(await works(await refreshed(caller.token))).toBe(true);

    await expectError(await login(caller.userName, PASSWORD), 401, "unauthorized");
    const fresh = await login(caller.userName, NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    expect(await works(((await fresh.json()) as LoginAnswer).token)).toBe(true);
  });

  it("tells the gateways holding the user to close its revoked logins (a kick naming none) and logs one line", async () => {
    const caller = await newUser(h, "pwkick");
    await h.services.sessions.setSessions(caller.userId, HARNESS_GATEWAY.id, 2);
    const bus = await recordBus(h.redis, [channels.gateway(HARNESS_GATEWAY.id)]);
    try {
      expect((await changePassword(caller.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
      const kick = await bus.waitFor((m) => m.type === "kick");
      expect(kick).toEqual({ type: "kick", userId: caller.userId, keepConnection: "", channel: channels.gateway(HARNESS_GATEWAY.id) });
    } finally {
      bus.stop();
    }
  });

  it("answers 401 to a wrong current password and changes nothing", async () => {
    const caller = await newUser(h, "pwwrong");
    const phone = await loginUser(h, caller.userName);
    const body = await expectError(await changePassword(caller.token, { currentPassword: "not-the-password", newPassword: NEW_PASSWORD }), 401, "unauthorized");
    expect(body.error.message).toMatch(/current password/);
    expect(await works(caller.token)).toBe(true);
    expect(await works(phone.token)).toBe(true);
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
    await expectError(await login(caller.userName, NEW_PASSWORD), 401, "unauthorized");
  });

  it("slows a token that guesses the current password: after the free failures 429 with Retry-After, from any address, even for the right one", async () => {
    const strict = h.variant({ CIM_LOGIN_MAX_FAILURES: "2" });
    const caller = await newUser(h, "pwguess");
    const attempt = (currentPassword: string, from: string) =>
      strict.call("POST", "/api/password", { token: caller.token, body: { currentPassword, newPassword: NEW_PASSWORD }, from });
    await expectError(await attempt("guess-1", "10.9.0.1"), 401, "unauthorized");
    await expectError(await attempt("guess-2", "10.9.0.2"), 401, "unauthorized");
    const slowed = await attempt(PASSWORD, "10.9.0.3");
    await expectError(slowed, 429, "rate_limited");
    expect(Number(slowed.headers.get("retry-after"))).toBeGreaterThan(0);
    // Nothing was changed while slowed.
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
  });

  // Checked before the hash and counted after it, the guesses of a burst (8 at once: the user's requests in progress)
  // all passed the check: more than the free failures were hashed and answered.
  it("counts guesses sent at once as if sent one after another: a burst of them gets the free failures only", async () => {
    const strict = h.variant({ CIM_LOGIN_MAX_FAILURES: "2" });
    const caller = await newUser(h, "pwburst");
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      strict.call("POST", "/api/password", { token: caller.token, body: { currentPassword: `burst-${i}`, newPassword: NEW_PASSWORD } }).then((res) => res.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    const deletions = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      strict.call("DELETE", "/api/account", { token: caller.token, body: { password: `burst-again-${i}` } }).then((res) => res.status)));
    expect(deletions.filter((status) => status === 401)).toHaveLength(0);
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
  });

  // Each route process ran a key's attempts one at a time: with two behind a balancer, a guess on each ran at once and
  // both passed the check made before either was counted.
  it("counts guesses sent at once to two route processes as if sent one after another", async () => {
    const routes = [h.variant({ CIM_LOGIN_MAX_FAILURES: "2" }), h.variant({ CIM_LOGIN_MAX_FAILURES: "2" })];
    const caller = await newUser(h, "pwtwo");
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      routes[i % 2]!.call("POST", "/api/password", { token: caller.token, body: { currentPassword: `two-${i}`, newPassword: NEW_PASSWORD } }).then((res) => res.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(14);
    const deletions = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      routes[i % 2]!.call("DELETE", "/api/account", { token: caller.token, body: { password: `two-again-${i}` } }).then((res) => res.status)));
    expect(deletions.filter((status) => status === 401)).toHaveLength(0);
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
  });

  it("a stolen token's wrong guesses slow that login only: the owner's change from its own login goes through", async () => {
    const strict = h.variant({ CIM_LOGIN_MAX_FAILURES: "2" });
    const owner = await newUser(h, "pwlockout");
    const thief = await loginUser(h, owner.userName);
    for (const guess of ["guess-1", "guess-2"]) {
      await expectError(await strict.call("POST", "/api/password", { token: thief.token, body: { currentPassword: guess, newPassword: NEW_PASSWORD } }), 401, "unauthorized");
    }
    await expectError(await strict.call("POST", "/api/password", { token: thief.token, body: { currentPassword: "guess-3", newPassword: NEW_PASSWORD } }), 429, "rate_limited");
    expect((await strict.call("POST", "/api/password", { token: owner.token, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(204);
    await expectEnded(thief.token);
  });

  it("answers 400 weak_password for a new password the policy refuses, and changes nothing", async () => {
    const caller = await newUser(h, "pwweak");
    for (const newPassword of ["short", "password123", "12345678", caller.userName]) {
      await expectError(await changePassword(caller.token, { currentPassword: PASSWORD, newPassword }), 400, "weak_password");
    }
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
  });

  it("answers 400 to a body without both passwords, 415 to one that is not JSON, 401 without a valid token", async () => {
    const caller = await newUser(h, "pwbody");
    for (const body of [{}, { currentPassword: PASSWORD }, { newPassword: NEW_PASSWORD }, { currentPassword: "", newPassword: NEW_PASSWORD }, { currentPassword: 7, newPassword: NEW_PASSWORD }, [], "null"]) {
      await expectError(await changePassword(caller.token, body), 400, "bad_request");
    }
    await expectError(await h.call("POST", "/api/password", { token: caller.token, body: "currentPassword=x", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
    await expectError(await h.call("POST", "/api/password", { body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }), 401, "unauthorized");
    expect((await login(caller.userName, PASSWORD)).status).toBe(200);
  });

  it("a login that ended cannot change the password", async () => {
    const caller = await newUser(h, "pwended");
    const phone = await loginUser(h, caller.userName);
    expect((await changePassword(caller.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
    await expectError(await changePassword(phone.token, { currentPassword: NEW_PASSWORD, newPassword: "cim-third-pass-3" }), 401, "unauthorized");
  });
  it("a change by a login ended while its request ran (the owner changed the password meanwhile) is refused and undoes nothing", async () => {
    const owner = await newUser(h, "pwrace");
    const thief = await loginUser(h, owner.userName);
    const { accounts } = h.services;
    const byId = accounts.byId.bind(accounts);
    let ownerChange: Promise<Response> | undefined;
    // The thief's request has passed its token check; the owner's change runs while the thief's reads the account.
    accounts.byId = async (userId) => {
      const account = await byId(userId);
      if (!ownerChange) {
        ownerChange = changePassword(owner.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
        await ownerChange;
      }
      return account;
    };
    try {
      await expectError(await changePassword(thief.token, { currentPassword: PASSWORD, newPassword: "cim-thief-pass-9" }), 401, "unauthorized");
    } finally {
      accounts.byId = byId;
    }
    expect((await ownerChange)?.status).toBe(204);
    expect(await works(owner.token)).toBe(true);
    await expectEnded(thief.token);
    await expectError(await login(owner.userName, "cim-thief-pass-9"), 401, "unauthorized");
    expect((await login(owner.userName, NEW_PASSWORD)).status).toBe(200);
  });
});

describe("a login racing a password change", () => {
  it("with the old password, checked just before the change, is refused (401) and, under policy replace, closes none of the owner's sockets", async () => {
    const strict = h.variant({ CIM_LOGIN_POLICY: "replace" });
    const owner = await newUser(h, "pwlogin");
    await h.services.sessions.setSessions(owner.userId, HARNESS_GATEWAY.id, 1);
    const channel = channels.gateway(HARNESS_GATEWAY.id);
    const bus = await recordBus(h.redis, [channel]);
    const { accounts } = strict.services;
    const byName = accounts.byName.bind(accounts);
    let ownerChange: Promise<Response> | undefined;
    // The thief's login has read the account (the old hash); the owner's change runs before its check ends.
    accounts.byName = async (nameKey, typed) => {
      const account = await byName(nameKey, typed);
      ownerChange ??= changePassword(owner.token, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      await ownerChange;
      return account;
    };
    try {
      await expectError(await strict.call("POST", "/api/login", { body: { userName: owner.userName, password: PASSWORD } }), 401, "unauthorized");
      expect((await ownerChange)?.status).toBe(204);
      await h.redis.publish(channel, JSON.stringify({ type: "kick", userId: "0", keepConnection: "sentinel" }));
      await bus.waitFor((m) => m.type === "kick" && m.keepConnection === "sentinel");
      expect(bus.messages.filter((m) => m.type === "kick" && m.userId === owner.userId)).toEqual([
        { type: "kick", userId: owner.userId, keepConnection: "", channel },
      ]);
    } finally {
      accounts.byName = byName;
      bus.stop();
    }
    expect(await works(owner.token)).toBe(true);
  });
});

describe("POST /api/logout/others", () => {
  it("answers 204 and ends every other login of the user; this one and the password stay", async () => {
    const caller = await newUser(h, "others");
    const phone = await loginUser(h, caller.userName);
    const phoneRefreshed = await refreshed(phone.token);
    const res = await h.call("POST", "/api/logout/others", { token: caller.token });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectEnded(phone.token);
    await expectEnded(phoneRefreshed);
    expect(await works(caller.token)).toBe(true);
    expect(await works(await refreshed(caller.token))).toBe(true);
    // A login after it is not ended by it; the kept one is ended by a sign-out from the newer one.
    const laptop = await loginUser(h, caller.userName);
    expect(await works(laptop.token)).toBe(true);
    expect((await h.call("POST", "/api/logout/others", { token: laptop.token })).status).toBe(204);
    await expectEnded(caller.token);
    expect(await works(laptop.token)).toBe(true);
  });

  it("says in a header how many other logins it ended: logins since the last time, less those logged out", async () => {
    const ended = async (token: string) => {
      const res = await h.call("POST", "/api/logout/others", { token });
      expect(res.status).toBe(204);
      return res.headers.get("cim-logins-ended");
    };
    const caller = await newUser(h, "counted");
    await loginUser(h, caller.userName);
    const tablet = await loginUser(h, caller.userName);
    expect((await h.call("POST", "/api/logout", { token: tablet.token })).status).toBe(204);
    // Logged out twice: counted once.
    await h.call("POST", "/api/logout", { token: tablet.token });
    expect(await ended(caller.token)).toBe("1");
    expect(await ended(caller.token)).toBe("0");
    // A newer login ends the one kept last time.
    const laptop = await loginUser(h, caller.userName);
    expect(await ended(laptop.token)).toBe("1");
    await expectEnded(caller.token);
    expect(await ended(laptop.token)).toBe("0");
  });

  it("goes through while a stolen token fills the user's places and waiting room (it waits for the next place, first)", async () => {
    const strict = h.variant({ CIM_MAX_REQUESTS_PER_USER: "1", CIM_MAX_WAITING_REQUESTS_PER_USER: "0" });
    const owner = await newUser(h, "busyowner");
    const thief = await loginUser(h, owner.userName);
    const place = holdPlaces(strict.services);
    try {
      const thiefRequest = strict.call("POST", "/api/password", { token: thief.token, body: { currentPassword: "guess-1", newPassword: NEW_PASSWORD } });
      await waitUntil(place.holding, 5_000, "the thief's request to hold the place");
      await expectError(await strict.call("GET", "/api/online", { token: owner.token }), 429, "rate_limited");
      const before = place.entered();
      const signOut = strict.call("POST", "/api/logout/others", { token: owner.token });
      await waitUntil(() => place.entered() > before, 5_000, "the owner's sign-out to ask for a place");
      place.release();
      expect((await signOut).status).toBe(204);
      await expectError(await thiefRequest, 401, "unauthorized");
    } finally {
      place.restore();
    }
    await expectEnded(thief.token);
    expect(await works(owner.token)).toBe(true);
  });

  it("answers 401 to a request that waited for a place while its login was ended, without running it", async () => {
    const strict = h.variant({ CIM_MAX_REQUESTS_PER_USER: "1" });
    const owner = await newUser(h, "queuedowner");
    const thief = await loginUser(h, owner.userName);
    const text = `queued by the thief of ${owner.userName}`;
    const place = holdPlaces(strict.services);
    try {
      const thiefRequest = strict.call("POST", "/api/password", { token: thief.token, body: { currentPassword: "guess-1", newPassword: NEW_PASSWORD } });
      await waitUntil(place.holding, 5_000, "the thief's request to hold the place");
      const queued = strict.call("POST", "/api/messages", { token: thief.token, body: { text } });
      await waitUntil(() => place.entered() === 2, 5_000, "the thief's send to wait for a place");
      const signOut = strict.call("POST", "/api/logout/others", { token: owner.token });
      await waitUntil(() => place.entered() === 3, 5_000, "the owner's sign-out to ask for a place");
      place.release();
      expect((await signOut).status).toBe(204);
      await expectError(await thiefRequest, 401, "unauthorized");
      await expectError(await queued, 401, "unauthorized");
    } finally {
      place.restore();
    }
    const history = (await (await h.call("GET", "/api/history?limit=200", { token: owner.token })).json()) as { messages: Array<{ text: string }> };
    expect(history.messages.map((m) => m.text)).not.toContain(text);
  });

  it("leaves a plain POST /api/logout as it was: only that login ends", async () => {
    const caller = await newUser(h, "plainlogout");
    const phone = await loginUser(h, caller.userName);
    expect((await h.call("POST", "/api/logout", { token: caller.token })).status).toBe(204);
    await expectEnded(caller.token);
    expect(await works(phone.token)).toBe(true);
  });
});
