// Signed, expiring session tokens (HS256 JWT via fast-jwt), issued by route and verified by gateways.
import { createSigner, createVerifier, TokenError as JwtError } from "fast-jwt";
import { MIN_SECRET_BYTES } from "./secrets.js";

export * from "./secrets.js";

export interface TokenClaims {
  userId: string;
  userName: string;
  /** Unique per login: every token refreshed from one login keeps it. */
  sessionId: string;
  /** Expiry of this token, seconds since the epoch. */
  exp: number;
  /** Absolute end of the login, seconds since the epoch: refreshed tokens never outlive it. */
  sessionEnd: number;
  /**
   * The user's login epoch when the login began (claim `le`; 0 in tokens older than it): a password change or
   * "sign out other devices" raises the epoch and ends the logins that began before (the caller's aside).
   */
  loginEpoch: number;
  /**
   * The latest expiry of any token this one was refreshed from, or its own if later (claim `mx`; its `exp` in tokens
   * older than it): a logout keeps the login marked until then, so a long-lived first token (cim-admin's --ttl, or a
   * route with a longer CIM_TOKEN_TTL_SECONDS before) does not come back to life when a refreshed copy logs out.
   */
  latestExp: number;
}

/** Thrown when a token is malformed, forged or expired; `reason` says which. */
export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(readonly reason: "expired" | "invalid") {
    super(reason === "expired" ? "token expired" : "token invalid");
  }
}


const ALG = "HS256";
const ISSUER = "cim-route";
/**
 * The issuer of logout tokens: a verifier of session tokens (this one's `verify`, and any older one, which checks the
 * issuer too) refuses them, so a logout token left on a device can end its login and do nothing else.
 */
const LOGOUT_ISSUER = "cim-route-logout";

export interface TokenSignerOptions {
  /** Lifetime of one token, seconds. */
  ttlSeconds: number;
  /** Absolute lifetime of a login (all tokens refreshed from it), seconds; defaults to `ttlSeconds`. */
  sessionLifetimeSeconds?: number;
  /** `verify` accepts a token this long past its expiry (the verifier's clock behind the signer's); 0 by default. */
  clockToleranceSeconds?: number;
  /**
   * Verify-only secrets (CIM_TOKEN_SECRET_PREVIOUS): a token signed with one of them still verifies, so a rotation of
   * the secret logs nobody out; `sign` always uses the secret given first.
   */
  previousSecrets?: string[];
}

/** Signs and verifies tokens with one shared secret (and verifies with the previous ones while a rotation lasts). */
export class TokenSigner {
  /**
   * HMAC through node:crypto, synchronously: a login storm verifies thousands of tokens a second, and WebCrypto's
   * asynchronous jobs (jose) took about a tenth of a gateway's CPU there.
   */
  private readonly signJwt: (payload: Record<string, unknown>) => string;
  /** The session tokens' verifiers: the current secret's first, then the previous ones'. */
  private readonly verifiers: Array<(token: string) => Record<string, unknown>>;
  /** The same for logout tokens (their own issuer). */
  private readonly logoutVerifiers: Array<(token: string) => Record<string, unknown>>;
  private readonly ttlSeconds: number;
  private readonly sessionLifetimeSeconds: number;
  /** How long past its expiry `verify` still accepts a token (TokenSignerOptions). */
  readonly clockToleranceSeconds: number;

  constructor(secret: string, options: TokenSignerOptions | number) {
    if (new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) throw new Error(`token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    // iat and exp are set by sign() itself (exp never past the login's end).
    this.signJwt = createSigner({ key: secret, algorithm: ALG, noTimestamp: true });
    const opts = typeof options === "number" ? { ttlSeconds: options } : options;
    const verifier = (key: string, issuer: string) => createVerifier({ key, algorithms: [ALG], allowedIss: issuer, requiredClaims: ["exp", "sub"], clockTolerance: (opts.clockToleranceSeconds ?? 0) * 1000 });
    const previous = opts.previousSecrets ?? [];
    for (const key of previous) {
      if (new TextEncoder().encode(key).length < MIN_SECRET_BYTES) throw new Error(`token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.verifiers = [secret, ...previous].map((key) => verifier(key, ISSUER));
    this.logoutVerifiers = [secret, ...previous].map((key) => verifier(key, LOGOUT_ISSUER));
    this.ttlSeconds = opts.ttlSeconds;
    this.sessionLifetimeSeconds = opts.sessionLifetimeSeconds ?? opts.ttlSeconds;
    this.clockToleranceSeconds = opts.clockToleranceSeconds ?? 0;
  }

  /**
   * Issues a token for one login of a user. A refresh passes the login's `sessionId`, `sessionEnd`, `loginEpoch` and
   * `latestExp`, so the new token expires no later than the login does, ends with it, and remembers the latest expiry
   * of the tokens it came from. A new login passes the
   * account's current login epoch.
   */
  async sign(
    user: { userId: string; userName: string },
    session: { sessionId?: string; sessionEnd?: number; loginEpoch?: number; latestExp?: number } = {},
  ): Promise<{ token: string; claims: TokenClaims }> {
    const now = Math.floor(Date.now() / 1000);
    const sessionId = session.sessionId ?? crypto.randomUUID();
    const sessionEnd = session.sessionEnd ?? now + this.sessionLifetimeSeconds;
    const loginEpoch = session.loginEpoch ?? 0;
    const exp = Math.min(now + this.ttlSeconds, sessionEnd);
    const latestExp = Math.max(exp, session.latestExp ?? 0);
    const token = this.signJwt({ name: user.userName, sid: sessionId, se: sessionEnd, le: loginEpoch, mx: latestExp, sub: user.userId, iss: ISSUER, iat: now, exp });
    return { token, claims: { userId: user.userId, userName: user.userName, sessionId, exp, sessionEnd, loginEpoch, latestExp } };
  }

  /**
   * A logout token of the login `claims` came from: it ends that login (POST /api/logout) and is refused everywhere
   * else, so a device can keep it until route is reachable without keeping the login. It lasts as long as the login
   * (`sessionEnd`); its `mx` is the latest expiry of the login's tokens when it was issued, which a logout counts as
   * a session token's (route revokes the login until then, or a token lifetime from the logout if later).
   */
  signLogout(claims: TokenClaims): string {
    const now = Math.floor(Date.now() / 1000);
    return this.signJwt({ name: claims.userName, sid: claims.sessionId, se: claims.sessionEnd, le: claims.loginEpoch, mx: claims.latestExp, sub: claims.userId, iss: LOGOUT_ISSUER, iat: now, exp: claims.sessionEnd });
  }

  /** The payload of a token signed with the current secret, else with a previous one; TokenError when neither. */
  private verified(token: string, verifiers: Array<(token: string) => Record<string, unknown>>): Record<string, unknown> {
    const reasonOf = (error: unknown) => (error instanceof JwtError && error.code === JwtError.codes.expired ? "expired" : "invalid");
    for (const verify of verifiers) {
      try {
        return verify(token);
      } catch (error) {
        if (!(error instanceof JwtError && error.code === JwtError.codes.invalidSignature)) throw new TokenError(reasonOf(error));
      }
    }
    throw new TokenError("invalid");
  }

  /** Verifies a token; throws TokenError when it is not one of ours or has expired. */
  async verify(token: string): Promise<TokenClaims> {
    return this.claimsOf(this.verified(token, this.verifiers));
  }

  /**
   * Verifies a logout token (signLogout); throws TokenError for anything else, a session token included. Its claims
   * are the login's, with `exp` the latest expiry of the login's tokens when it was issued (`mx`), not its own.
   */
  async verifyLogout(token: string): Promise<TokenClaims> {
    const payload = this.verified(token, this.logoutVerifiers);
    if (typeof payload.mx !== "number") throw new TokenError("invalid");
    return this.claimsOf({ ...payload, exp: payload.mx });
  }

  private claimsOf(payload: Record<string, unknown>): TokenClaims {
    if (typeof payload.sub !== "string" || typeof payload.name !== "string" || typeof payload.sid !== "string" || typeof payload.exp !== "number") {
      throw new TokenError("invalid");
    }
    const sessionEnd = typeof payload.se === "number" ? payload.se : payload.exp;
    const loginEpoch = typeof payload.le === "number" ? payload.le : 0;
    const latestExp = typeof payload.mx === "number" ? Math.max(payload.mx, payload.exp) : payload.exp;
    return { userId: payload.sub, userName: payload.name, sessionId: payload.sid, exp: payload.exp, sessionEnd, loginEpoch, latestExp };
  }
}
