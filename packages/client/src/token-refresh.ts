// Renews a session's token through route shortly before it expires (gateways close at expiry with 4440).
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { isAuthFailure } from "./errors.js";

/** Never refresh sooner than this after receiving a token (a guard against a refresh loop). */
const MIN_REFRESH_DELAY_MS = 1_000;

/** The `exp` and `iat` claims (seconds) of a JWT, read without verifying it; null when it is not one. */
export function tokenTimes(token: string): { exp: number; iat?: number } | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="))) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== "number") return null;
    return { exp: claims.exp, iat: typeof claims.iat === "number" ? claims.iat : undefined };
  } catch {
    return null;
  }
}

/**
 * How long after receiving a freshly issued `token` to renew it: `beforeMs` ahead of its expiry, but no
 * earlier than half its lifetime. The lifetime is `exp - iat` (both the server's clock), so a skewed
 * local clock does not matter; null when the token carries no expiry.
 */
export function refreshDelayMs(token: string, beforeMs: number, now: number = Date.now()): number | null {
  const times = tokenTimes(token);
  if (!times) return null;
  const lifetimeMs = times.iat !== undefined ? (times.exp - times.iat) * 1000 : times.exp * 1000 - now;
  return Math.max(MIN_REFRESH_DELAY_MS, lifetimeMs - Math.min(beforeMs, lifetimeMs / 2));
}

export interface TokenRefreshOptions {
  /** Asks route for a fresh token (`POST /api/reconnect`). */
  renew: () => Promise<string>;
  /** A fresh token arrived (and the refresh it needs in turn is planned). */
  renewed: (token: string) => void;
  /** Route refused the token (401: revoked, or the login's absolute lifetime is over). */
  refused: (error: Error) => void;
  beforeMs: number;
  backoff: BackoffOptions;
}

/** One planned refresh at a time; retried with backoff while route is unreachable, until the token expires. */
export class TokenRefresh {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every plan and stop, so a renewal that was in flight when they happened is ignored. */
  private generation = 0;

  constructor(private readonly options: TokenRefreshOptions) {}

  /** Plans the renewal of a token just received; replaces any earlier plan. */
  plan(token: string): void {
    this.stop();
    const delay = refreshDelayMs(token, this.options.beforeMs);
    const exp = tokenTimes(token)?.exp;
    if (delay === null || exp === undefined) return;
    const generation = this.generation;
    this.timer = setTimeout(() => void this.run(generation, exp, 0), delay);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(generation: number, exp: number, attempt: number): Promise<void> {
    this.timer = null;
    let token: string;
    try {
      token = await this.options.renew();
    } catch (error) {
      if (generation !== this.generation) return;
      if (isAuthFailure(error)) return this.options.refused(error as Error);
      // Route unreachable or busy: try again while the token lives; past its expiry the gateway's 4440 takes over.
      const delay = backoffDelay(attempt, this.options.backoff);
      if (Date.now() + delay < exp * 1000) this.timer = setTimeout(() => void this.run(generation, exp, attempt + 1), delay);
      return;
    }
    if (generation !== this.generation) return;
    this.options.renewed(token);
    // Near the login's absolute end route gives a token that expires no later: there is nothing left to renew.
    if ((tokenTimes(token)?.exp ?? 0) > exp) this.plan(token);
  }
}
