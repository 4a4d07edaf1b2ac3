// Signed, expiring session tokens (HS256 JWT via jose), issued by route and verified by gateways.
import { jwtVerify, SignJWT, errors } from "jose";

export interface TokenClaims {
  userId: string;
  userName: string;
  /** Unique per issued token: identifies one login. */
  sessionId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
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

/** Signs and verifies tokens with one shared secret. */
export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlSeconds: number) {
    if (secret.length < 16) throw new Error("token secret must be at least 16 characters");
    this.key = new TextEncoder().encode(secret);
  }

  /** Issues a token for one login of a user; a refreshed token keeps its login's `sessionId`. */
  async sign(user: { userId: string; userName: string }, sessionId: string = crypto.randomUUID()): Promise<{ token: string; claims: TokenClaims }> {
    const exp = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const token = await new SignJWT({ name: user.userName, sid: sessionId })
      .setProtectedHeader({ alg: ALG })
      .setSubject(user.userId)
      .setIssuer(ISSUER)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, claims: { userId: user.userId, userName: user.userName, sessionId, exp } };
  }

  /** Verifies a token; throws TokenError when it is not one of ours or has expired. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALG], issuer: ISSUER });
      if (typeof payload.sub !== "string" || typeof payload.name !== "string" || typeof payload.sid !== "string") {
        throw new TokenError("invalid");
      }
      return { userId: payload.sub, userName: payload.name, sessionId: payload.sid, exp: payload.exp ?? 0 };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      throw new TokenError(error instanceof errors.JWTExpired ? "expired" : "invalid");
    }
  }
}
