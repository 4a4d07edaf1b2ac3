// CONTRACT.md's register, login, logout and reconnect, as a client sees them, through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DECIMAL_ID } from "@cim/protocol";
import { TEST_TOKEN_SECRET } from "@cim/devstack";
import { channels, keys } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { expectError, loginUser, newUser, PASSWORD, registerUser, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { recordBus } from "./testing/bus-recorder.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

const register = (body: unknown) => h.call("POST", "/api/register", { body });
const login = (userName: string, password = PASSWORD) => h.call("POST", "/api/login", { body: { userName, password } });

describe("POST /api/register", () => {
  it("answers 201 with a decimal userId and the name as typed; each account gets its own id", async () => {
    const userName = uniqueName("Reg.ist_er-");
    const res = await register({ userName, password: PASSWORD });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { userId: string; userName: string };
    expect(body).toEqual({ userId: expect.stringMatching(DECIMAL_ID), userName });
    const other = await registerUser(h, "other");
    expect(other.userId).not.toBe(body.userId);
    expect((await loginUser(h, userName)).userId).toBe(body.userId);
  });

  it("answers 409 name_taken for a name that exists", async () => {
    const { userName } = await registerUser(h, "taken");
    await expectError(await register({ userName, password: "another-pass-2" }), 409, "name_taken");
  });

  it("answers 400 bad_request for a missing, empty, too long or ill-formed name, a missing password, or a body that is not an object", async () => {
    const bodies: unknown[] = [
      { password: PASSWORD },
      { userName: "", password: PASSWORD },
      { userName: "   ", password: PASSWORD },
      { userName: "x".repeat(33), password: PASSWORD },
      { userName: "two words", password: PASSWORD },
      { userName: "<script>", password: PASSWORD },
      { userName: 42, password: PASSWORD },
      { userName: uniqueName("nopass") },
      [],
      "null",
      "{not json",
    ];
    for (const body of bodies) await expectError(await register(body), 400, "bad_request");
  });

  it("answers 400 weak_password for a password equal to the user name", async () => {
    const userName = uniqueName("samename");
    await expectError(await register({ userName, password: userName.toUpperCase() }), 400, "weak_password");
    // Nothing was created: the name is still free.
    expect((await register({ userName, password: PASSWORD })).status).toBe(201);
  });

  it("answers 413 payload_too_large, closing the connection, for a body over the limit", async () => {
    const res = await register({ userName: uniqueName("big"), password: PASSWORD, padding: "x".repeat(20_000) });
    expect(res.headers.get("connection")).toBe("close");
    await expectError(res, 413, "payload_too_large");
  });

  it("answers 415 unsupported_media_type for a JSON body sent without a Content-Type", async () => {
    const body = new TextEncoder().encode(JSON.stringify({ userName: uniqueName("notype"), password: PASSWORD }));
    await expectError(await h.app.request("/api/register", { method: "POST", body }), 415, "unsupported_media_type");
  });
});

describe("POST /api/login", () => {
  it("answers 200 with the user, a working token and a live gateway {id, wsUrl}", async () => {
    const account = await registerUser(h, "login");
    const res = await login(account.userName);
    expect(res.status).toBe(200);
    const body = (await res.json()) as LoginAnswer;
    expect(body).toEqual({ ...account, token: expect.any(String), logoutToken: expect.any(String), gateway: { id: HARNESS_GATEWAY.id, wsUrl: HARNESS_GATEWAY.wsUrl } });
    expect((await h.call("GET", "/api/online", { token: body.token })).status).toBe(200);
  });

  it("answers 401 unauthorized alike for a wrong password and an unknown name", async () => {
    const { userName } = await registerUser(h, "wrongpass");
    const wrong = await expectError(await login(userName, "not-the-password"), 401, "unauthorized");
    const unknown = await expectError(await login(uniqueName("nobody")), 401, "unauthorized");
    // The answer does not tell which names exist.
    expect(unknown.error.message).toBe(wrong.error.message);
  });

  it("answers 400 bad_request without a password", async () => {
    await expectError(await h.call("POST", "/api/login", { body: { userName: uniqueName("nopass") } }), 400, "bad_request");
  });

  it("lets a user who is online log in again under the default policy (multi) and under replace", async () => {
    const user = await newUser(h, "replace");
    await h.services.sessions.claim(user.userId, HARNESS_GATEWAY.id);
    expect((await login(user.userName)).status).toBe(200);
    const replace = h.variant({ CIM_LOGIN_POLICY: "replace" });
    expect((await replace.call("POST", "/api/login", { body: { userName: user.userName, password: PASSWORD } })).status).toBe(200);
  });

  it("answers 409 already_online under CIM_LOGIN_POLICY=reject while the user's gateway is live, 200 once it is gone", async () => {
    const reject = h.variant({ CIM_LOGIN_POLICY: "reject" });
    const { userId, userName } = await registerUser(h, "reject");
    expect((await reject.call("POST", "/api/login", { body: { userName, password: PASSWORD } })).status).toBe(200);
    await h.services.sessions.claim(userId, HARNESS_GATEWAY.id);
    await expectError(await reject.call("POST", "/api/login", { body: { userName, password: PASSWORD } }), 409, "already_online");
    // Sessions on a gateway that is not in ZooKeeper are stale, not logins.
    await h.services.sessions.release(userId, HARNESS_GATEWAY.id);
    await h.services.sessions.claim(userId, "gw-gone");
    expect((await reject.call("POST", "/api/login", { body: { userName, password: PASSWORD } })).status).toBe(200);
  });
});

describe("POST /api/logout", () => {
  it("answers 204 without a body; the token then gets 401 everywhere", async () => {
    const { token } = await newUser(h, "logout");
    const res = await h.call("POST", "/api/logout", { token });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectError(await h.call("GET", "/api/online", { token }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/messages", { token, body: { text: "still here?" } }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/reconnect", { token }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/logout", { token }), 401, "unauthorized");
  });

  it("takes the login's logout token, which ends that login and is refused everywhere else (sec23)", async () => {
    const { userName } = await registerUser(h, "logoutkey");
    const answer = (await (await h.call("POST", "/api/login", { body: { userName, password: PASSWORD } })).json()) as { token: string; logoutToken?: string };
    const { token, logoutToken } = answer;
    expect(typeof logoutToken).toBe("string");
    // What a device keeps while a logout waits for the network opens nothing of the account.
    await expectError(await h.call("GET", "/api/online", { token: logoutToken! }), 401, "unauthorized");
    await expectError(await h.call("GET", "/api/conversations", { token: logoutToken! }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/reconnect", { token: logoutToken! }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/logout/others", { token: logoutToken! }), 401, "unauthorized");
    expect((await h.call("GET", "/api/online", { token })).status).toBe(200);
    // A refreshed token belongs to the same login: the logout token ends it too.
    const refreshed = (await (await h.call("POST", "/api/reconnect", { token })).json()) as { token: string };
    expect((await h.call("POST", "/api/logout", { token: logoutToken! })).status).toBe(204);
    await expectError(await h.call("GET", "/api/online", { token }), 401, "unauthorized");
    await expectError(await h.call("GET", "/api/online", { token: refreshed.token }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/logout", { token: logoutToken! }), 401, "unauthorized");
  });

  it("keeps the logout's mark in Redis only while a token of that login can still be valid, not until the login's end (30 days)", async () => {
    const { token } = await newUser(h, "loop");
    const { sessionId, sessionEnd } = await h.services.tokens.verify(token);
    expect((await h.call("POST", "/api/logout", { token })).status).toBe(204);
    const ttl = await h.redis.ttl(keys.revoked(sessionId));
    const tokenTtl = h.services.config.CIM_TOKEN_TTL_SECONDS;
    expect(sessionEnd - Date.now() / 1000).toBeGreaterThan(tokenTtl + 3_600); // the login would have lived far longer
    expect(ttl).toBeGreaterThan(tokenTtl - 60);
    expect(ttl).toBeLessThanOrEqual(tokenTtl + 300);
    await expectError(await h.call("POST", "/api/reconnect", { token }), 401, "unauthorized");
  });

  it("keeps the mark while the login's longest-lived token can be valid, also when a refreshed copy of it logs out", async () => {
    const { token, userId, userName } = await newUser(h, "longlived");
    const login = await h.services.tokens.verify(token);
    // A first token that lives a week (cim-admin's --ttl, or a route's longer setting before), refreshed by route (a day).
    const week = new TokenSigner(TEST_TOKEN_SECRET, { ttlSeconds: 7 * 86_400, sessionLifetimeSeconds: 30 * 86_400 });
    const long = await week.sign({ userId, userName }, { sessionId: login.sessionId, sessionEnd: login.sessionEnd, loginEpoch: login.loginEpoch });
    const refreshed = (await (await h.call("POST", "/api/reconnect", { token: long.token })).json()) as { token: string };
    expect((await h.call("POST", "/api/logout", { token: refreshed.token })).status).toBe(204);
    expect(await h.redis.ttl(keys.revoked(login.sessionId))).toBeGreaterThanOrEqual(long.claims.exp - Math.floor(Date.now() / 1000));
    await expectError(await h.call("POST", "/api/reconnect", { token: long.token }), 401, "unauthorized");
  });

  it("tells every gateway holding the user to close that login's sockets (kick naming the login); other logins stay valid", async () => {
    const user = await newUser(h, "leaving");
    const other = await loginUser(h, user.userName);
    await h.services.sessions.setSessions(user.userId, HARNESS_GATEWAY.id, 2);
    await h.services.sessions.setSessions(user.userId, "gw-second-device", 1);
    const bus = await recordBus(h.redis, [channels.gateway(HARNESS_GATEWAY.id), channels.gateway("gw-second-device")]);
    try {
      expect((await h.call("POST", "/api/logout", { token: user.token })).status).toBe(204);
      const { sessionId } = await h.services.tokens.verify(user.token);
      const kick = { type: "kick", userId: user.userId, keepConnection: "", sessionId };
      await bus.waitFor((m) => m.channel === channels.gateway("gw-second-device"));
      await bus.waitFor((m) => m.channel === channels.gateway(HARNESS_GATEWAY.id));
      expect(bus.messages).toEqual(expect.arrayContaining([
        { ...kick, channel: channels.gateway(HARNESS_GATEWAY.id) }, { ...kick, channel: channels.gateway("gw-second-device") },
      ]));
      expect(bus.messages).toHaveLength(2);
    } finally {
      bus.stop();
    }
    // The gateways rewrite their counts as the sockets close; route leaves presence to them.
    expect(await h.services.sessions.sessionCount(user.userId)).toBe(3);
    expect((await h.call("GET", "/api/online", { token: other.token })).status).toBe(200);
  });

  it("answers 401 to a missing, garbage, tampered or non-Bearer token", async () => {
    const { token } = await newUser(h, "tamper");
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    const missing = await h.call("POST", "/api/logout");
    // RFC 6750: a 401 names the scheme it wants, and says when the token given was the problem.
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="cim"');
    await expectError(missing, 401, "unauthorized");
    for (const authorization of ["Bearer", "Bearer garbage", `Bearer ${tampered}`, `Basic ${token}`]) {
      const res = await h.call("POST", "/api/logout", { headers: { authorization } });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="cim"/);
      await expectError(res, 401, "unauthorized");
    }
    expect((await h.call("POST", "/api/logout", { token })).status).toBe(204);
    const ended = await h.call("GET", "/api/rooms", { token });
    expect(ended.headers.get("www-authenticate")).toBe('Bearer realm="cim", error="invalid_token"');
    await expectError(ended, 401, "unauthorized");
  });

  it("names the Bearer scheme on every 401 of a bearer endpoint, also for a wrong password asked again", async () => {
    // A valid token with a wrong current password was answered 401 without WWW-Authenticate (RFC 9110 11.6.1: a 401
    // must carry it; CONTRACT: every 401 of a bearer endpoint does). The token was fine: no error="invalid_token".
    const { token } = await newUser(h, "challenge");
    const change = await h.call("POST", "/api/password", { token, body: { currentPassword: "not-the-password-1", newPassword: "a-new-password-2" } });
    expect(change.headers.get("www-authenticate")).toBe('Bearer realm="cim"');
    await expectError(change, 401, "unauthorized");
    const deletion = await h.call("DELETE", "/api/account", { token, body: { password: "not-the-password-1" } });
    expect(deletion.headers.get("www-authenticate")).toBe('Bearer realm="cim"');
    await expectError(deletion, 401, "unauthorized");
  });

  it("answers 401 to a token whose account is gone, or whose userId now names another account (Redis's data lost)", async () => {
    const gone = await newUser(h, "gone");
    const reused = await newUser(h, "reused");
    await h.redis.del(`cim-account:${gone.userId}`);
    // The id given again after a data loss: the old token must not speak for the new account.
    await h.redis.hset(`cim-account:${reused.userId}`, "userName", uniqueName("newcomer"));
    for (const { token } of [gone, reused]) {
      await expectError(await h.call("GET", "/api/rooms", { token }), 401, "unauthorized");
      await expectError(await h.call("POST", "/api/messages", { token, body: { text: "still me?" } }), 401, "unauthorized");
      await expectError(await h.call("POST", "/api/reconnect", { token, body: {} }), 401, "unauthorized");
    }
  });
});

describe("DELETE /api/account", () => {
  it("needs the password: 401 for a wrong one, 400 without one; the account stays", async () => {
    const user = await newUser(h, "keeper");
    await expectError(await h.call("DELETE", "/api/account", { token: user.token, body: { password: "not-the-password-1" } }), 401, "unauthorized");
    await expectError(await h.call("DELETE", "/api/account", { token: user.token, body: {} }), 400, "bad_request");
    await expectError(await h.call("DELETE", "/api/account", { body: { password: PASSWORD } }), 401, "unauthorized");
    expect((await login(user.userName)).status).toBe(200);
  });

  it("deletes the account: its logins end, its name logs in no more and stays taken, it leaves its rooms and every list, sends to it are refused", async () => {
    const [gone, friend] = await Promise.all([newUser(h, "gone"), newUser(h, "friend")]);
    // Another route process, which sent to the user before the deletion and is told nothing of it.
    const other = h.variant({});
    const room = (await (await h.call("POST", "/api/rooms", { token: friend.token, body: { name: `farewell ${gone.userName}`, visibility: "public" } })).json()) as { roomId: string };
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: gone.token })).status).toBe(200);
    expect((await h.call("POST", "/api/messages", { token: friend.token, body: { to: gone.userId, text: "hi there" } })).status).toBe(202);
    expect((await other.call("POST", "/api/messages", { token: friend.token, body: { to: gone.userId, text: "hi from elsewhere" } })).status).toBe(202);
    expect((await h.call("PUT", `/api/blocks/${friend.userId}`, { token: gone.token })).status).toBe(204);
    expect((await h.call("PUT", `/api/blocks/${gone.userId}`, { token: friend.token })).status).toBe(204);
    await h.services.sessions.setSessions(gone.userId, HARNESS_GATEWAY.id, 1);
    await h.services.sessions.setSessions(friend.userId, HARNESS_GATEWAY.id, 1);
    const bus = await recordBus(h.redis, [channels.gateway(HARNESS_GATEWAY.id), channels.all, channels.room(room.roomId)]);
    try {
      const res = await h.call("DELETE", "/api/account", { token: gone.token, body: { password: PASSWORD } });
      expect(res.status).toBe(204);
      // Its room sees it leave; the gateway holding it checks its logins (and finds them ended).
      await bus.waitFor((m) => m.type === "room" && m.kind === "left" && m.userId === gone.userId && m.channel === channels.all);
      // As every leave, a quiet copy on the room's channel first, in order with the room's wake-ups.
      await bus.waitFor((m) => m.type === "room" && m.kind === "left" && m.userId === gone.userId && m.quiet === true && m.channel === channels.room(room.roomId));
      // The friend's devices take it out of their blocked list at once (a BlockEvent), as after an unblock.
      await bus.waitFor((m) => m.type === "block" && m.userId === friend.userId && m.peer === gone.userId && !m.blocked && m.peerName === gone.userName);
      // Every gateway hears it (cim-bus:all), to refuse sends to the user at once.
      await bus.waitFor((m) => m.type === "kick" && m.userId === gone.userId && m.accountGone === true && m.channel === channels.all);
    } finally {
      bus.stop();
    }
    await expectError(await h.call("GET", "/api/online", { token: gone.token }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/reconnect", { token: gone.token }), 401, "unauthorized");
    await expectError(await login(gone.userName), 401, "unauthorized");
    await expectError(await register({ userName: gone.userName, password: "another-pass-word-2" }), 409, "name_taken");
    expect(await h.services.sessions.isRevoked({ ...(await h.services.tokens.verify(gone.token)) })).toBe(true);
    // Others find it nowhere: members, user search, conversations, their blocks; a send to it is refused.
    const members = (await (await h.call("GET", `/api/rooms/${room.roomId}/members`, { token: friend.token })).json()) as { members: Array<{ userId: string }> };
    expect(members.members.map((m) => m.userId)).toEqual([friend.userId]);
    const found = (await (await h.call("GET", `/api/users?prefix=${gone.userName}`, { token: friend.token })).json()) as { users: unknown[] };
    expect(found.users).toEqual([]);
    const conversations = (await (await h.call("GET", "/api/conversations", { token: friend.token })).json()) as { conversations: Array<{ conversation: string }> };
    expect(conversations.conversations.map((c) => c.conversation)).not.toContain(gone.userId);
    expect(((await (await h.call("GET", "/api/blocks", { token: friend.token })).json()) as { blocks: unknown[] }).blocks).toEqual([]);
    await expectError(await h.call("POST", "/api/messages", { token: friend.token, body: { to: gone.userId, text: "still there?" } }), 404, "unknown_recipient");
    await expectError(await other.call("POST", "/api/messages", { token: friend.token, body: { to: gone.userId, text: "still there, elsewhere?" } }), 404, "unknown_recipient");
    // The friend's chat with it keeps what was said, and says the peer is gone; a chat with a live user does not.
    const chat = (await (await h.call("GET", `/api/history?with=${gone.userId}`, { token: friend.token })).json()) as { messages: Array<{ text: string }>; peerGone?: boolean };
    expect(chat.messages.map((m) => m.text)).toEqual(["hi there", "hi from elsewhere"]);
    expect(chat.peerGone).toBe(true);
    const live = await newUser(h, "live");
    expect(Object.keys(await (await h.call("GET", `/api/history?with=${live.userId}`, { token: friend.token })).json())).toEqual(["messages", "events"]);
    // What it wrote stays with those it wrote to; its own keys are gone.
    expect(await h.redis.exists(`cim-u:{u:${gone.userId}}:inbox`, `cim-u:{u:${gone.userId}}:rooms`, `cim-u:{u:${gone.userId}}:blocks`, `cim-account:${gone.userId}`)).toBe(0);
    expect(await h.redis.sismember(`cim-u:{u:${friend.userId}}:blocked-by`, gone.userId)).toBe(0);
  });
});

describe("POST /api/reconnect", () => {
  it("answers 200 with the same user, a fresh working token and a live gateway", async () => {
    const first = await newUser(h, "reconnect");
    const res = await h.call("POST", "/api/reconnect", { token: first.token, body: {} });
    expect(res.status).toBe(200);
    const body = (await res.json()) as LoginAnswer;
    expect(body).toEqual({ userId: first.userId, userName: first.userName, token: expect.any(String), logoutToken: expect.any(String), gateway: HARNESS_GATEWAY });
    expect((await h.call("GET", "/api/online", { token: body.token })).status).toBe(200);
  });

  it("skips the gateway to avoid while another is live, and gives it when it is the only one", async () => {
    const { token } = await newUser(h, "avoid");
    await h.addGateway("gw-second", "ws://127.0.0.1:39998/ws");
    try {
      for (let i = 0; i < 4; i++) {
        const res = await h.call("POST", "/api/reconnect", { token, body: { avoid: HARNESS_GATEWAY.id } });
        expect(((await res.json()) as LoginAnswer).gateway).toEqual({ id: "gw-second", wsUrl: "ws://127.0.0.1:39998/ws" });
      }
    } finally {
      await h.removeGateway("gw-second");
    }
    const res = await h.call("POST", "/api/reconnect", { token, body: { avoid: HARNESS_GATEWAY.id } });
    expect(((await res.json()) as LoginAnswer).gateway.id).toBe(HARNESS_GATEWAY.id);
  });

  it("answers 401 to a bad or missing token", async () => {
    await expectError(await h.call("POST", "/api/reconnect", { token: "not-a-token" }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/reconnect", {}), 401, "unauthorized");
  });

  it("answers 400 to an avoid that is not a gateway id, 415 to a body that is not JSON", async () => {
    const { token } = await newUser(h, "badavoid");
    await expectError(await h.call("POST", "/api/reconnect", { token, body: { avoid: 7 } }), 400, "bad_request");
    await expectError(await h.call("POST", "/api/reconnect", { token, body: "avoid=gw-1", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  });
});

describe("no live gateway", () => {
  it("login and reconnect answer 503 no_gateway; they work again once a gateway registers", async () => {
    const user = await newUser(h, "nogateway");
    await h.removeGateway(HARNESS_GATEWAY.id);
    try {
      const refused = await login(user.userName);
      // When to try again, as every other 503 of route says (a gateway is seen within a health probe interval).
      expect(refused.headers.get("retry-after")).toBe("3");
      await expectError(refused, 503, "no_gateway");
      const reconnect = await h.call("POST", "/api/reconnect", { token: user.token });
      expect(reconnect.headers.get("retry-after")).toBe("3");
      await expectError(reconnect, 503, "no_gateway");
    } finally {
      await h.addGateway(HARNESS_GATEWAY.id, HARNESS_GATEWAY.wsUrl);
    }
    expect((await loginUser(h, user.userName)).gateway).toEqual(HARNESS_GATEWAY);
  });
});
