// Signed, expiring session tokens (HS256 JWT via jose), issued by route and verified by gateways.
import { jwtVerify, SignJWT, errors } from "jose";
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

export interface TokenSignerOptions {
  /** Lifetime of one token, seconds. */
  ttlSeconds: number;
  /** Absolute lifetime of a login (all tokens refreshed from it), seconds; defaults to `ttlSeconds`. */
  sessionLifetimeSeconds?: number;
}

/** Signs and verifies tokens with one shared secret. */
export class TokenSigner {
  /**
   * The secret as a WebCrypto key, imported once: given the raw bytes, jose would import a key for every token
   * (about a tenth of a gateway's CPU in a login storm).
   */
  private readonly key: Promise<CryptoKey>;
  private readonly ttlSeconds: number;
  private readonly sessionLifetimeSeconds: number;

  constructor(secret: string, options: TokenSignerOptions | number) {
    const raw = new TextEncoder().encode(secret);
    if (raw.length < MIN_SECRET_BYTES) throw new Error(`token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    this.key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    const opts = typeof options === "number" ? { ttlSeconds: options } : options;
    this.ttlSeconds = opts.ttlSeconds;
    this.sessionLifetimeSeconds = opts.sessionLifetimeSeconds ?? opts.ttlSeconds;
  }

  /**
   * Issues a token for one login of a user. A refresh passes the login's `sessionId` and `sessionEnd`, so the
   * new token expires no later than the login does.
   */
  async sign(
    user: { userId: string; userName: string },
    session: { sessionId?: string; sessionEnd?: number } = {},
  ): Promise<{ token: string; claims: TokenClaims }> {
    const now = Math.floor(Date.now() / 1000);
    const sessionId = session.sessionId ?? crypto.randomUUID();
    const sessionEnd = session.sessionEnd ?? now + this.sessionLifetimeSeconds;
    const exp = Math.min(now + this.ttlSeconds, sessionEnd);
    const token = await new SignJWT({ name: user.userName, sid: sessionId, se: sessionEnd })
      .setProtectedHeader({ alg: ALG })
      .setSubject(user.userId)
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, claims: { userId: user.userId, userName: user.userName, sessionId, exp, sessionEnd } };
  }

  /** Verifies a token; throws TokenError when it is not one of ours or has expired. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { algorithms: [ALG], issuer: ISSUER, requiredClaims: ["exp", "sub"] });
      if (typeof payload.sub !== "string" || typeof payload.name !== "string" || typeof payload.sid !== "string") {
        throw new TokenError("invalid");
      }
      const exp = payload.exp ?? 0;
      const sessionEnd = typeof payload.se === "number" ? payload.se : exp;
      return { userId: payload.sub, userName: payload.name, sessionId: payload.sid, exp, sessionEnd };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      throw new TokenError(error instanceof errors.JWTExpired ? "expired" : "invalid");
    }
  }
}
