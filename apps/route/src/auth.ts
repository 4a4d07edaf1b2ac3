// Bearer-token middleware: user tokens for the API, the admin token for /api/admin.
import { timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";
import { ErrorCode } from "@cim/protocol";
import type { SessionStore } from "@cim/state";
import { TokenError, type TokenClaims, type TokenSigner } from "@cim/token";
import type { AppEnv } from "./context.js";
import { ApiError } from "./errors.js";

function bearer(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) throw new ApiError(401, ErrorCode.Unauthorized, "missing bearer token");
  return match[1]!;
}

/** Requires a valid user token that was not logged out; the caller's claims are `c.get("user")`. */
export function requireUser(tokens: TokenSigner, sessions: Pick<SessionStore, "isRevoked">) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    let claims: TokenClaims;
    try {
      claims = await tokens.verify(token);
    } catch (error) {
      throw new ApiError(401, ErrorCode.Unauthorized, error instanceof TokenError ? error.message : "bad token", { cause: error });
    }
    if (await sessions.isRevoked(claims.sessionId)) throw new ApiError(401, ErrorCode.Unauthorized, "logged out: log in again");
    c.set("user", claims);
    await next();
  });
}

/** Requires the admin token (CIM_ADMIN_TOKEN); without one configured, admin is closed. */
export function requireAdmin(adminToken: string | undefined) {
  return createMiddleware(async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    if (!adminToken) throw new ApiError(403, ErrorCode.Forbidden, "admin API disabled: CIM_ADMIN_TOKEN is not set");
    const given = Buffer.from(token);
    const expected = Buffer.from(adminToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ApiError(401, ErrorCode.Unauthorized, "bad admin token");
    await next();
  });
}
