// Register, login (picks a gateway), reconnect (a new gateway for a token holder), logout, password change.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { addressMatcher } from "@cim/config";
import { ErrorCode, LOGINS_ENDED_HEADER } from "@cim/protocol";
import { EVERYONE } from "@cim/state";
import type { TokenClaims } from "@cim/token";
import { requireUser, unauthorized } from "../auth.js";
import { clientAddress } from "../client-address.js";
import type { AppEnv, Services } from "../context.js";
import { ApiError } from "../errors.js";
import { HEALTH_PROBE_INTERVAL_MS } from "../gateway-health.js";
import { loginRefusal } from "../login-policy.js";
import { verifyOwnPassword } from "../own-password.js";
import { checkNewPassword, MAX_PASSWORD_LENGTH } from "../password-policy.js";
import { checkPassword, hashPassword, verifyNothing } from "../password.js";
import { isGroupName, MAX_USER_NAME_LENGTH, nameKey, nameKeys, USER_NAME } from "../user-names.js";
import { bearer, errorAnswer, jsonAnswer, jsonBody } from "../api-route.js";
import { bodyOf } from "../validation.js";

const Registration = z.object({
  userName: z.string().trim().min(1, "userName is required").max(MAX_USER_NAME_LENGTH, `userName is at most ${MAX_USER_NAME_LENGTH} characters`)
    // The document shows the pattern without its flag (JSON Schema patterns are Unicode-aware).
    .regex(USER_NAME, "userName may hold letters, digits, _ . - only, none invisible").meta({ pattern: USER_NAME.source })
    // A private chat with a user of the group's name would pass for the group in the lists, as a room of that name.
    .refine((name) => !isGroupName(name), `userName may not be "${EVERYONE.name}", the group's`),
  // Length and commonness are checked by the password policy, with the weak_password code.
  password: z.string().max(4 * MAX_PASSWORD_LENGTH, `password is at most ${MAX_PASSWORD_LENGTH} characters`),
});
const LoginBody = z.object({ userName: z.string().min(1, "userName is required").max(64), password: z.string().min(1, "password is required").max(MAX_PASSWORD_LENGTH) });
const Reconnect = z.object({ avoid: z.string().max(64).optional() });
const PasswordChange = z.object({
  currentPassword: z.string().min(1, "currentPassword is required").max(MAX_PASSWORD_LENGTH),
  // Length and commonness are checked by the password policy, with the weak_password code.
  newPassword: z.string().max(4 * MAX_PASSWORD_LENGTH, `newPassword is at most ${MAX_PASSWORD_LENGTH} characters`),
});

/** Retry-After of 503 no_gateway: a gateway that starts is seen in ZooKeeper at once, one back from a failed probe within a probe interval. */
const NO_GATEWAY_RETRY_AFTER_SECONDS = Math.ceil(HEALTH_PROBE_INTERVAL_MS / 1000);
const loginAnswer = jsonAnswer("{userId, userName, token, logoutToken, gateway:{id, wsUrl}}");
const noGateway = errorAnswer(`no_gateway (with Retry-After: ${NO_GATEWAY_RETRY_AFTER_SECONDS}): no live gateway; try again`);
export const authApi = {
  register: createRoute({
    method: "post", path: "/api/register", summary: "Create an account", request: { body: jsonBody(Registration) },
    responses: { 201: jsonAnswer("{userId, userName}"), 400: errorAnswer("invalid or weak_password"), 409: errorAnswer("name_taken"), 415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited (with Retry-After): too many registrations from the address, or overall") },
  }),
  login: createRoute({
    method: "post", path: "/api/login", summary: "Log in: a token and a gateway", request: { body: jsonBody(LoginBody) },
    responses: {
      200: loginAnswer, 400: errorAnswer("invalid"), 401: errorAnswer("wrong user name or password"), 409: errorAnswer("already_online or too_many_devices"),
      415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited (with Retry-After): failed logins of the name from the address, or from the address, or too many good logins of the user"), 503: noGateway,
    },
  }),
  reconnect: createRoute({
    method: "post", path: "/api/reconnect", summary: "A fresh token and a live gateway", security: bearer, request: { body: jsonBody(Reconnect, { required: false }) },
    responses: { 200: loginAnswer, 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 415: errorAnswer("not JSON"), 503: noGateway },
  }),
  logout: createRoute({
    method: "post", path: "/api/logout", summary: "End this login (a token of it, or its logoutToken)", security: bearer,
    responses: { 204: { description: "logged out" }, 401: errorAnswer("bad token") },
  }),
  logoutOthers: createRoute({
    method: "post", path: "/api/logout/others", summary: "End every other login of this user (sign out other devices); this one stays", security: bearer,
    responses: { 204: { description: `the other logins ended; header ${LOGINS_ENDED_HEADER}: how many (0: none was signed in)` }, 401: errorAnswer("bad token") },
  }),
  password: createRoute({
    method: "post", path: "/api/password", summary: "Change the password: every other login of this user ends, this one stays", security: bearer,
    request: { body: jsonBody(PasswordChange) },
    responses: {
      204: { description: "changed" }, 400: errorAnswer("invalid or weak_password"), 401: errorAnswer("bad token or wrong current password"),
      415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited: too many wrong current passwords"),
    },
  }),
};


/** Clocks of route processes and gateways may disagree this much about a token's expiry. */
const CLOCK_SKEW_SECONDS = 300;

/**
 * When a logged-out login's mark may go (seconds since the epoch): once every token of it has expired. Its tokens
 * expire a token lifetime after they were issued, never past the login's end, and none is issued after the logout
 * (a refresh already past its check gets one a lifetime from about now). The presented token's own expiry, and the
 * latest of the tokens it was refreshed from (`latestExp`: cim-admin's --ttl, or an earlier longer setting), count too. Kept until the login's end, the marks of a login-logout loop (30 a minute per
 * user) stayed 30 days: 1.3 million keys per account.
 */
export function revokedUntil(login: { exp: number; latestExp: number; sessionEnd: number }, tokenTtlSeconds: number, now = Math.floor(Date.now() / 1000)): number {
  // The login's last token expires at its end, by route's clock: a gateway whose clock is behind, or which allows
  // CIM_CLOCK_TOLERANCE_SECONDS past expiry, still takes it a while after that.
  return Math.min(login.sessionEnd, Math.max(login.exp, login.latestExp, now + tokenTtlSeconds)) + CLOCK_SKEW_SECONDS;
}

export function authRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const isExempt = addressMatcher(s.config.CIM_CONNECT_LIMIT_EXEMPT);
  const address = (c: Parameters<typeof clientAddress>[0]) => clientAddress(c, s.config.CIM_TRUST_PROXY, isExempt);

  /** A token (of a new login, or of `user.sessionId`'s) and a gateway; `sessionId` is the token's login. */
  async function issue(user: { userId: string; userName: string; sessionId?: string; sessionEnd?: number; loginEpoch: number; latestExp?: number }, avoid?: string) {
    const gateway = await s.picker.pick(s.gateways.list(), { userId: user.userId, avoid });
    if (!gateway) throw new ApiError(503, ErrorCode.NoGateway, "no gateway is available, try again shortly", { headers: { "Retry-After": String(NO_GATEWAY_RETRY_AFTER_SECONDS) } });
    const { token, claims } = await s.tokens.sign(user, { sessionId: user.sessionId, sessionEnd: user.sessionEnd, loginEpoch: user.loginEpoch, latestExp: user.latestExp });
    // The logout token lets a client keep, until route is reachable, a credential that only ends this login.
    const logoutToken = s.tokens.signLogout(claims);
    return { answer: { userId: user.userId, userName: user.userName, token, logoutToken, gateway: { id: gateway.id, wsUrl: gateway.wsUrl } }, sessionId: claims.sessionId };
  }

  app.post("/register", async (c) => {
    const { userName, password } = await bodyOf(c, authApi.register);
    checkNewPassword(password, userName);
    await s.guard.register(address(c));
    const [key, ...lookAlikes] = nameKeys(userName);
    const account = await s.accounts.create(userName, key, await hashPassword(password), lookAlikes);
    if (!account) throw new ApiError(409, ErrorCode.NameTaken, `the name ${userName} is taken`);
    // Not fatal: the account exists, and route's start indexes accounts missing from the directory.
    await s.users.index(account.userId, key).catch((error: unknown) => s.log.warn({ err: error, userId: account.userId }, "indexing a new user's name failed"));
    // Not fatal either: the group's history would count as unread.
    await s.reads.startInGroup([account.userId]).catch((error: unknown) => s.log.warn({ err: error, userId: account.userId }, "starting a new user's group read position failed"));
    s.log.info({ userId: account.userId, userName }, "registered");
    return c.json({ userId: account.userId, userName: account.userName }, 201);
  });

  /**
   * Checks a login's password, counted as a failure or a success before the next attempt of the name from the address
   * is checked: attempts sent at once wait for each other (on this process). Each was checked before the hash and
   * counted after it, so every guess of a burst passed a check made before any was counted, and all were hashed.
   */
  async function verifyLogin(key: string, from: ReturnType<typeof address>, userName: string, password: string) {
    return s.loginAttempts.run(`${from.key}|${key}`, async () => {
      // Guessing is slowed per (name, address) and per address, before the (deliberately costly) hash.
      await s.guard.checkLogin(key, from).catch((error: unknown) => {
        s.metrics.logins.inc({ outcome: "locked" });
        throw error;
      });
      const account = await s.accounts.byName(key, userName);
      // An unknown name costs one verification too, so timing does not tell which names exist.
      const { good, rehash } = account ? await checkPassword(password, account.passwordHash) : (await verifyNothing(password), { good: false, rehash: false });
      if (!account || !good) {
        await s.guard.loginFailed(key, from);
        s.metrics.logins.inc({ outcome: "bad_credentials" });
        throw new ApiError(401, ErrorCode.Unauthorized, "wrong user name or password");
      }
      await s.guard.loginSucceeded(key, from);
      return { account, rehash };
    });
  }

  app.post("/login", async (c) => {
    const { userName, password } = await bodyOf(c, authApi.login);
    const { account, rehash } = await verifyLogin(nameKey(userName.trim()), address(c), userName, password);
    // The password was changed (or the other logins ended) while it was checked: this login would be born ended,
    // and under policy replace its kick would close the logins of the one who changed it.
    const [epoch = 0] = await s.accounts.loginEpochs([account.userId]);
    if (epoch > account.loginEpoch) {
      s.log.info({ userId: account.userId }, "login refused: the user's logins were ended while the password was checked");
      s.metrics.logins.inc({ outcome: "bad_credentials" });
      throw new ApiError(401, ErrorCode.Unauthorized, "the password was changed or the logins were ended meanwhile: log in again");
    }
    if (rehash) {
      // Only over the hash just checked: a password change made meanwhile stays (and this login has ended with it).
      if (await s.accounts.rehashPassword(account.userId, account.passwordHash, await hashPassword(password))) {
        s.log.info({ userId: account.userId }, "password re-hashed (Argon2id of its NFKC form)");
      } else {
        s.log.info({ userId: account.userId }, "password not re-hashed: it was changed meanwhile");
      }
    }
    if (s.config.CIM_LOGIN_POLICY !== "replace") {
      // Devices are logins (one login's many sockets are one device); sessions on a gateway that is gone are stale.
      const live = await s.presence.liveDevices(account.userId, (gatewayId) => s.gateways.has(gatewayId));
      const refusal = loginRefusal(s.config.CIM_LOGIN_POLICY, live, s.config.CIM_MAX_DEVICES, account.userName);
      if (refusal) {
        s.metrics.logins.inc({ outcome: refusal.code });
        throw refusal;
      }
    }
    const { answer, sessionId } = await issue(account);
    // Counted for "sign out other devices" to say how many it ended; a miss only makes that count wrong.
    await s.accounts.countLogin({ userId: account.userId, sessionId, loginEpoch: account.loginEpoch }, 1)
      .catch((error: unknown) => s.log.error({ err: error, userId: account.userId }, "counting the login failed"));
    if (s.config.CIM_LOGIN_POLICY === "replace") {
      // The new login takes over: every gateway holding the user closes the sockets of its other logins (4409).
      await s.bus.toUser(account.userId, { type: "kick", userId: account.userId, keepConnection: "", keepSession: sessionId });
    }
    s.metrics.logins.inc({ outcome: "ok" });
    return c.json(answer, 200);
  });

  // A fresh token of the same login (never past its absolute end) and a live gateway.
  app.post("/reconnect", requireUser(s.tokens, s.sessions, s.requests), async (c) => {
    const { avoid } = await bodyOf(c, authApi.reconnect);
    // The client could not reach `avoid`: check it now, so it is not handed to others while it is down.
    if (avoid) await s.health.report(avoid);
    return c.json((await issue(c.get("user"), avoid)).answer, 200);
  });

  app.post("/logout", requireUser(s.tokens, s.sessions, s.requests, true, true), async (c) => {
    const user = c.get("user");
    // Until no token of this login can still be valid: none is refreshed from it any more.
    if (await s.sessions.revoke(user.sessionId, revokedUntil(user, s.config.CIM_TOKEN_TTL_SECONDS))) {
      await s.accounts.countLogin(user, -1)
        .catch((error: unknown) => s.log.error({ err: error, userId: user.userId }, "uncounting the login failed"));
    }
    // Each gateway holding the user closes this login's sockets and writes its new count (presence follows);
    // the user's other devices stay.
    await s.bus.toUser(user.userId, { type: "kick", userId: user.userId, keepConnection: "", sessionId: user.sessionId });
    return c.body(null, 204);
  });

  /**
   * Ends the user's other logins: their tokens are refused from now on, and each gateway closes their sockets (4401).
   * Refused (401) when this login was itself ended meanwhile by another login of the user, or when the password
   * is no longer the one just checked: a request that passed its token check must not undo a newer change.
   */
  async function endOtherLogins(user: TokenClaims, password?: { verified: string; next: string }): Promise<number> {
    const ended = await s.accounts.endOtherLoginsCounted(user, password);
    if (ended === "ended") {
      s.log.info({ userId: user.userId }, "ending the user's other logins refused: this login was ended meanwhile");
      throw unauthorized("logged out: log in again", true);
    }
    if (ended === "changed") {
      s.log.info({ userId: user.userId }, "password change refused: the password was changed meanwhile");
      throw new ApiError(401, ErrorCode.Unauthorized, "the current password is wrong");
    }
    // Each gateway holding the user closes the sockets of its logins now revoked (4401); this login's stay. Not
    // fatal: the change is made (a retry of a password change would now fail), and those sockets end at the
    // latest when their tokens expire, since no token of theirs is accepted again.
    await s.bus.toUser(user.userId, { type: "kick", userId: user.userId, keepConnection: "" })
      .catch((error: unknown) => s.log.error({ err: error, userId: user.userId }, "telling gateways to close the user's other logins failed"));
    return ended.others;
  }

  app.post("/logout/others", requireUser(s.tokens, s.sessions, s.requests, true), async (c) => {
    const user = c.get("user");
    const others = await endOtherLogins(user);
    s.log.info({ userId: user.userId, others }, "signed out the user's other logins");
    // Added: how many logins ended (0: no other device was signed in), a header so the 204 stays as it was; none
    // while the account's logins are not counted yet (older than the count).
    if (others >= 0) c.header(LOGINS_ENDED_HEADER, String(others));
    return c.body(null, 204);
  });

  app.post("/password", requireUser(s.tokens, s.sessions, s.requests), async (c) => {
    const { currentPassword, newPassword } = await bodyOf(c, authApi.password);
    const user = c.get("user");
    const account = await verifyOwnPassword(s, user, currentPassword, { logLine: "password change refused: wrong current password", message: "the current password is wrong" }, (found) => checkNewPassword(newPassword, found.userName));
    await endOtherLogins(user, { verified: account.passwordHash, next: await hashPassword(newPassword) });
    s.log.info({ userId: user.userId }, "password changed; the user's other logins ended");
    return c.body(null, 204);
  });

  return app;
}
