// Route configuration: parsed once from the environment with zod; a bad value stops the start.
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseSettings, sharedSettings } from "@cim/config";
import { adminTokenFrom, previousTokenSecretsFrom, tokenSecretFrom } from "@cim/token";
import type { AbuseLimits } from "./abuse-guard.js";
import { LOGIN_POLICIES } from "./login-policy.js";

export const STRATEGIES = ["round-robin", "random", "consistent-hash", "least-connections"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The shortest token lifetime (CIM_TOKEN_TTL_SECONDS, and cim-admin's --ttl): clients refresh at half of it. */
export const MIN_TOKEN_TTL_SECONDS = 30;
/** The shortest absolute lifetime of a login (CIM_SESSION_MAX_SECONDS). */
export const MIN_SESSION_SECONDS = 60;

const schema = z.object({
  ...sharedSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Lifetime of one token; clients refresh it through /api/reconnect before it ends (at 30 s: every 15 s). */
  CIM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(MIN_TOKEN_TTL_SECONDS).default(24 * 3600),
  /** Absolute lifetime of a login: refreshed tokens never go past it; then the user logs in again. */
  CIM_SESSION_MAX_SECONDS: z.coerce.number().int().min(MIN_SESSION_SECONDS).default(30 * 24 * 3600),
  /**
   * A request's headers must be complete within this (else 408 and closed), as at a gateway (CIM_LOGIN_TIMEOUT_MS):
   * Node's 60 s let a slow-headers client hold a socket, and a place of its address's connection cap, that long.
   */
  CIM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  CIM_ROUTE_STRATEGY: z.enum(STRATEGIES).default("round-robin"),
  /** `multi`: several devices per user; `replace`: a new login closes the others; `reject`: 409 while one is live. */
  CIM_LOGIN_POLICY: z.enum(LOGIN_POLICIES).default("multi"),
  /** Policy `multi`: live sessions of one user across gateways before a login answers 409 too_many_devices. */
  CIM_MAX_DEVICES: z.coerce.number().int().min(1).default(10),
  /** Failed logins of one name from one address before growing delays (5 s, doubling) start. */
  CIM_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  /** The longest of those delays. */
  CIM_LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Failed logins from one address (any names) per window before that address waits for the window's end. */
  CIM_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
  CIM_LOGIN_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Good logins of one user per window (429 with Retry-After beyond, before the hash): each costs a password hash. */
  CIM_LOGINS_PER_USER: z.coerce.number().int().min(1).default(30),
  CIM_LOGINS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Accounts one address may create per window (429 with Retry-After beyond). */
  CIM_REGISTER_PER_IP: z.coerce.number().int().min(1).default(50),
  CIM_REGISTER_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Accounts all addresses together may create per minute. */
  CIM_REGISTER_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Rooms one user may create per window (429 with Retry-After beyond). */
  CIM_ROOMS_PER_USER: z.coerce.number().int().min(1).default(20),
  CIM_ROOMS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Renames and removals one room owner may make per window (429 with Retry-After beyond): each is pushed to every member's sessions. */
  CIM_ROOM_CHANGES_PER_USER: z.coerce.number().int().min(1).default(30),
  CIM_ROOM_CHANGES_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Joins and leaves one user may make per window (429 with Retry-After beyond): each is pushed to every member's sessions. */
  CIM_ROOM_JOINS_PER_USER: z.coerce.number().int().min(1).default(60),
  CIM_ROOM_JOINS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Invitations one member may make per window (429 with Retry-After beyond): each puts a room in another user's list. */
  CIM_INVITES_PER_USER: z.coerce.number().int().min(1).default(100),
  CIM_INVITES_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Blocks and unblocks per user per window (PUT/DELETE /api/blocks). */
  CIM_BLOCK_CHANGES_PER_USER: z.coerce.number().int().min(1).default(60),
  CIM_BLOCK_CHANGES_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Requests of one user in progress at once on one route process; more wait, up to CIM_MAX_WAITING_REQUESTS_PER_USER, then 429. */
  CIM_MAX_REQUESTS_PER_USER: z.coerce.number().int().min(1).default(8),
  CIM_MAX_WAITING_REQUESTS_PER_USER: z.coerce.number().int().min(0).default(64),
  /**
   * Searches in progress at once on one route process, of all users together, and waiting beyond them (then 429):
   * each reads up to 100 x 2,000 stream entries, and the per-user limit does not stop many accounts searching at once.
   */
  CIM_MAX_SEARCHES_IN_PROGRESS: z.coerce.number().int().min(1).default(4),
  CIM_MAX_SEARCHES_WAITING: z.coerce.number().int().min(0).default(32),
  /** Searches one user may run per window (429 with Retry-After beyond): each reads up to 100 × 2,000 stream entries. */
  CIM_SEARCHES_PER_USER: z.coerce.number().int().min(1).default(60),
  CIM_SEARCH_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * Sends over HTTP (POST /api/messages, reactions, edits and deletions included) one user may make per window, all
   * route processes together (429 with Retry-After beyond): 200 per 4 s is 50/s on average, as a WebSocket session, and a burst of 200 at once passes.
   */
  CIM_HTTP_SENDS_PER_USER: z.coerce.number().int().min(1).default(200),
  CIM_HTTP_SENDS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(4),
  /**
   * The cost of heavy reads one user may make per window, all route processes together (429 with Retry-After beyond):
   * a page of GET /api/online or of a room's members, or a GET /api/users/last-seen of up to 10 users, costs 1 (more
   * users: 1 per 10 named); the whole list without paging (old clients) 1 per 200 users it lists (at least 1). The web app costs about 12 a minute per
   * visible tab (the online panel and the members dialog refresh every 10 s).
   */
  CIM_HEAVY_READS_PER_USER: z.coerce.number().int().min(10).default(3_000),
  CIM_HEAVY_READS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Wrong admin tokens from one address per window before 429. */
  CIM_ADMIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(10),
  CIM_ADMIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  CIM_WEB_DIR: z.string().default(fileURLToPath(new URL("../../web/dist", import.meta.url))),
  CIM_MAX_BODY_BYTES: z.coerce.number().int().min(256).default(16 * 1024),
});

export type RouteConfig = Readonly<z.infer<typeof schema> & {
  CIM_TOKEN_SECRET: string;
  /** Verify-only secrets while CIM_TOKEN_SECRET is rotated (none by default). */
  CIM_TOKEN_SECRET_PREVIOUS: string[];
  /** Undefined: the admin API is off. */
  CIM_ADMIN_TOKEN: string | undefined;
}>;

/** Parses the environment; throws an error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RouteConfig {
  const settings = parseSettings("route", schema, env);
  try {
    return Object.freeze({ ...settings, CIM_TOKEN_SECRET: tokenSecretFrom(env), CIM_TOKEN_SECRET_PREVIOUS: previousTokenSecretsFrom(env), CIM_ADMIN_TOKEN: adminTokenFrom(env) });
  } catch (error) {
    throw new Error(`invalid route configuration: ${(error as Error).message}`);
  }
}

/** The abuse limits of a configuration, for AbuseGuard. */
export function abuseLimits(config: RouteConfig): AbuseLimits {
  return {
    loginFreeFailures: config.CIM_LOGIN_MAX_FAILURES,
    loginMaxDelaySeconds: config.CIM_LOGIN_LOCK_SECONDS,
    loginFailuresPerAddress: config.CIM_LOGIN_MAX_FAILURES_PER_IP,
    loginAddressWindowSeconds: config.CIM_LOGIN_IP_WINDOW_SECONDS,
    loginsPerUser: config.CIM_LOGINS_PER_USER,
    loginsWindowSeconds: config.CIM_LOGINS_WINDOW_SECONDS,
    registrationsPerAddress: config.CIM_REGISTER_PER_IP,
    registrationAddressWindowSeconds: config.CIM_REGISTER_IP_WINDOW_SECONDS,
    registrationsPerMinute: config.CIM_REGISTER_PER_MINUTE,
    roomsPerUser: config.CIM_ROOMS_PER_USER,
    roomWindowSeconds: config.CIM_ROOMS_WINDOW_SECONDS,
    roomChangesPerUser: config.CIM_ROOM_CHANGES_PER_USER,
    roomChangesWindowSeconds: config.CIM_ROOM_CHANGES_WINDOW_SECONDS,
    roomJoinsPerUser: config.CIM_ROOM_JOINS_PER_USER,
    roomJoinsWindowSeconds: config.CIM_ROOM_JOINS_WINDOW_SECONDS,
    invitesPerUser: config.CIM_INVITES_PER_USER,
    invitesWindowSeconds: config.CIM_INVITES_WINDOW_SECONDS,
    blockChangesPerUser: config.CIM_BLOCK_CHANGES_PER_USER,
    blockChangesWindowSeconds: config.CIM_BLOCK_CHANGES_WINDOW_SECONDS,
    searchesPerUser: config.CIM_SEARCHES_PER_USER,
    searchWindowSeconds: config.CIM_SEARCH_WINDOW_SECONDS,
    httpSendsPerUser: config.CIM_HTTP_SENDS_PER_USER,
    httpSendsWindowSeconds: config.CIM_HTTP_SENDS_WINDOW_SECONDS,
    heavyReadsPerUser: config.CIM_HEAVY_READS_PER_USER,
    heavyReadsWindowSeconds: config.CIM_HEAVY_READS_WINDOW_SECONDS,
    adminFailuresPerAddress: config.CIM_ADMIN_MAX_FAILURES_PER_IP,
    adminWindowSeconds: config.CIM_ADMIN_WINDOW_SECONDS,
  };
}
