// cim-admin's checks of its flags and settings: a bad one is a UsageError (exit code 2, with the usage).
import { MIN_SESSION_SECONDS, MIN_TOKEN_TTL_SECONDS } from "./config.js";

const DAY_S = 24 * 3600;

/** A flag or setting the command cannot run with: said in one line, then the usage, and exit code 2. */
export class UsageError extends Error {}

/** A whole number of at least 1 (`fallback` when absent). */
export function positive(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number`);
  return n;
}

/**
 * The lifetimes of the tokens `token` issues: `--ttl`, else CIM_TOKEN_TTL_SECONDS, else a day; the login's absolute
 * end CIM_SESSION_MAX_SECONDS (30 days), at least the token's. Held to route's own bounds (README, Configuration):
 * a token must live long enough to be refreshed, as route refuses to start with a shorter CIM_TOKEN_TTL_SECONDS.
 */
export function tokenLifetimes(ttl: string | undefined, env: Record<string, string | undefined>): { ttlSeconds: number; sessionLifetimeSeconds: number } {
  const flag = ttl !== undefined ? "--ttl" : "CIM_TOKEN_TTL_SECONDS";
  const ttlSeconds = positive(ttl ?? env.CIM_TOKEN_TTL_SECONDS, flag, DAY_S);
  if (ttlSeconds < MIN_TOKEN_TTL_SECONDS) throw new UsageError(`${flag} must be at least ${MIN_TOKEN_TTL_SECONDS} seconds, as route's CIM_TOKEN_TTL_SECONDS: a shorter token expires before a client can use and refresh it`);
  const sessionMax = positive(env.CIM_SESSION_MAX_SECONDS, "CIM_SESSION_MAX_SECONDS", 30 * DAY_S);
  if (sessionMax < MIN_SESSION_SECONDS) throw new UsageError(`CIM_SESSION_MAX_SECONDS must be at least ${MIN_SESSION_SECONDS} seconds, as route's`);
  return { ttlSeconds, sessionLifetimeSeconds: Math.max(ttlSeconds, sessionMax) };
}
