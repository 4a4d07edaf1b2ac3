// The rules for the secrets route and gateways share: no known default outside an explicit development mode.
/** Shortest accepted token secret, in bytes (HS256 wants a key as long as its hash). */
export const MIN_SECRET_BYTES = 32;

import { createHash, timingSafeEqual } from "node:crypto";

/** Used only with CIM_DEV_MODE: known to everyone, so never valid in production. */
export const DEV_TOKEN_SECRET = "cim-development-only-secret-never-in-production";

/** What CIM_ADMIN_TOKEN says to turn the admin API off explicitly. */
export const ADMIN_DISABLED = "disabled";

/** Shortest accepted admin token, in characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 24;

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** True when CIM_DEV_MODE asks for the development defaults. */
export function devMode(env: NodeJS.ProcessEnv): boolean {
  return truthy(env.CIM_DEV_MODE);
}

/**
 * The token secret of the environment; throws an error naming CIM_TOKEN_SECRET when it is missing or short,
 * unless development mode allows the built-in one.
 */
export function tokenSecretFrom(env: NodeJS.ProcessEnv): string {
  const secret = env.CIM_TOKEN_SECRET;
  if (secret === undefined || secret === "") {
    if (devMode(env)) return DEV_TOKEN_SECRET;
    throw new Error(`CIM_TOKEN_SECRET is required (at least ${MIN_SECRET_BYTES} bytes, e.g. \`openssl rand -base64 48\`), or set CIM_DEV_MODE=1 for development`);
  }
  if (new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) throw new Error(`CIM_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  if (secret === DEV_TOKEN_SECRET && !devMode(env)) throw new Error("CIM_TOKEN_SECRET is the published development secret: generate your own");
  return secret;
}

/**
 * The verify-only secrets of the environment (CIM_TOKEN_SECRET_PREVIOUS: one, or several separated by commas; none
 * when unset), for rotating CIM_TOKEN_SECRET without logging everyone out: tokens signed with one of them are still
 * accepted (and route's refresh re-signs them with the new secret) until they expire. Each follows the rules of
 * CIM_TOKEN_SECRET; throws an error naming CIM_TOKEN_SECRET_PREVIOUS otherwise.
 */
export function previousTokenSecretsFrom(env: NodeJS.ProcessEnv): string[] {
  const value = env.CIM_TOKEN_SECRET_PREVIOUS;
  if (value === undefined || value.trim() === "") return [];
  const secrets = value.split(",").map((secret) => secret.trim());
  for (const secret of secrets) {
    if (new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) throw new Error(`CIM_TOKEN_SECRET_PREVIOUS: each secret must be at least ${MIN_SECRET_BYTES} bytes`);
    if (secret === DEV_TOKEN_SECRET && !devMode(env)) throw new Error("CIM_TOKEN_SECRET_PREVIOUS holds the published development secret: tokens anyone can sign would pass");
    if (secret === env.CIM_TOKEN_SECRET) throw new Error("CIM_TOKEN_SECRET_PREVIOUS holds CIM_TOKEN_SECRET itself: it is for the secret being replaced");
  }
  return secrets;
}

/**
 * The admin token of the environment: a token, or undefined when admin is off (CIM_ADMIN_TOKEN=disabled, or
 * unset in development mode). Throws an error naming CIM_ADMIN_TOKEN when it is missing or short.
 */
export function adminTokenFrom(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.CIM_ADMIN_TOKEN;
  if (token === ADMIN_DISABLED) return undefined;
  if (token === undefined || token === "") {
    if (devMode(env)) return undefined;
    throw new Error(`CIM_ADMIN_TOKEN is required (at least ${MIN_ADMIN_TOKEN_LENGTH} characters), or CIM_ADMIN_TOKEN=${ADMIN_DISABLED} to turn the admin API off`);
  }
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new Error(`CIM_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  return token;
}

/** Compares a given secret with the expected one in constant time; digests first, so lengths leak nothing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
