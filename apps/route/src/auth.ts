// Bearer-token middleware: user tokens for the API, the admin token for /api/admin.
import { createMiddleware } from "hono/factory";
import { addressMatcher } from "@cim/config";
import { ACCOUNT_DELETED, ErrorCode } from "@cim/protocol";
import type { SessionStore } from "@cim/state";
import { sameSecret, TokenError, type TokenClaims, type TokenSigner } from "@cim/token";
import { rateLimited, type AbuseGuard } from "./abuse-guard.js";
import { clientAddress } from "./client-address.js";
import type { AppEnv } from "./context.js";
import { ApiError } from "./errors.js";
import type { UserRequests } from "./user-requests.js";

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
}

/**
 * A 401 with the challenge RFC 6750 asks for (`WWW-Authenticate: Bearer`), `error="invalid_token"` when a token was
 * given and refused (bad, expired or ended), so generic HTTP clients know which scheme to send and why it failed.
 */
/** The challenge of a 401 whose token was not the problem (none sent, or a wrong password asked again). */
export const BEARER_CHALLENGE = 'Bearer realm="cim"';

export function unauthorized(message: string, tokenGiven: boolean, cause?: unknown): ApiError {
  const challenge = tokenGiven ? `${BEARER_CHALLENGE}, error="invalid_token"` : BEARER_CHALLENGE;
  return new ApiError(401, ErrorCode.Unauthorized, message, { cause, headers: { "WWW-Authenticate": challenge } });
}

function bearer(header: string | undefined): string {
  const token = bearerOf(header);
  if (!token) throw unauthorized("missing bearer token", false);
  return token;
}

/** The 401 of a login that ended, or whose account was deleted (said so: ACCOUNT_DELETED). */
function ended(state: "ended" | "gone"): ApiError {
  return unauthorized(state === "gone" ? ACCOUNT_DELETED : "logged out: log in again", true);
}

/**
 * Requires a valid user token that was not logged out; the caller's claims are `c.get("user")`. With `requests`,
 * a user's requests in progress at once are capped: more wait for a place, and beyond the waiting room are
 * answered 429 rate_limited (Retry-After: 1). An `urgent` request (one that ends logins) is never refused for a
 * full waiting room and takes the next place: a stolen token keeping the user's places full must not keep the
 * owner from signing it out. A request that waited is checked again when its turn comes: 401 if its login ended.
 * With `logoutToken`, the login's logout token is taken as well as its session tokens (POST /api/logout only).
 */
export function requireUser(tokens: TokenSigner, sessions: Pick<SessionStore, "loginState">, requests?: UserRequests, urgent = false, logoutToken = false) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    let claims: TokenClaims;
    try {
      // POST /api/logout takes the login's logout token too (TokenSigner.signLogout); every other path refuses it.
      claims = await tokens.verify(token).catch((error: unknown) => (logoutToken ? tokens.verifyLogout(token).catch(() => Promise.reject(error)) : Promise.reject(error)));
    } catch (error) {
      throw unauthorized(error instanceof TokenError ? error.message : "bad token", true, error);
    }
    const state = await sessions.loginState(claims);
    if (state !== "live") throw ended(state);
    c.set("user", claims);
    if (!requests) return next();
    const entry = await requests.enter(claims.userId, urgent);
    if (entry === "refused") throw rateLimited("too many of your requests are in progress", 1);
    try {
      // The login may have ended while this request waited (a logout, a sign-out of the other devices, a password
      // change, often the very request it waited behind): one more read, only for requests that waited.
      const now = entry === "waited" ? await sessions.loginState(claims) : "live";
      if (now !== "live") throw ended(now);
      await next();
    } finally {
      requests.leave(claims.userId);
    }
  });
}

/**
 * Requires the admin token (CIM_ADMIN_TOKEN); without one configured, admin is closed. Wrong tokens are counted
 * per address by `guard`, which answers 429 past its limit; addresses of `exempt` are not counted.
 */
export function requireAdmin(adminToken: string | undefined, guard: Pick<AbuseGuard, "checkAdmin" | "adminFailed">, trustProxy: boolean, exempt: readonly string[] = []) {
  const isExempt = addressMatcher(exempt);
  return createMiddleware(async (c, next) => {
    if (!adminToken) throw new ApiError(403, ErrorCode.Forbidden, "admin API disabled: CIM_ADMIN_TOKEN is not set");
    const from = clientAddress(c, trustProxy, isExempt);
    await guard.checkAdmin(from);
    const token = bearerOf(c.req.header("authorization"));
    if (!token || !sameSecret(token, adminToken)) {
      await guard.adminFailed(from);
      throw unauthorized(token ? "bad admin token" : "missing bearer token", Boolean(token));
    }
    await next();
  });
}

/** Requires `Authorization: Bearer <token>` when a metrics token is configured; open otherwise. */
export function requireMetricsToken(metricsToken: string | undefined) {
  return createMiddleware(async (c, next) => {
    if (metricsToken && !sameSecret(bearer(c.req.header("authorization")), metricsToken)) {
      throw unauthorized("bad metrics token", true);
    }
    await next();
  });
}

/**
 * Tells whether a request path is one whose every operation needs a user token (`security` in the document; the
 * admin paths take the admin token and check it in their own middleware).
 */
export function userTokenPaths(operations: ReadonlyArray<{ path: string; security?: unknown }>): (path: string) => boolean {
  const byPath = new Map<string, boolean>();
  for (const { path, security } of operations) byPath.set(path, (byPath.get(path) ?? true) && security !== undefined && !path.startsWith("/api/admin/"));
  const patterns = [...byPath].filter(([, all]) => all).map(([path]) => new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`));
  return (path) => patterns.some((pattern) => pattern.test(path));
}
