// Gateway configuration: parsed once from the environment with zod; a bad value stops the start.
import { hostname } from "node:os";
import { z } from "zod";
import { parseSettings, sharedSettings } from "@cim/config";
import { DEFAULT_SESSION_LIMITS, MAX_PRESENCE_SUBSCRIPTIONS } from "@cim/protocol";
import { previousTokenSecretsFrom, tokenSecretFrom } from "@cim/token";
import { RESEND_GRACE_MS } from "./send-order.js";

const csv = z.string().transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean));

/** True for an origin exactly as a browser's `Origin` header spells it (`https://chat.example.com`, `http://127.0.0.1:8080`). */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return /^https?:$/.test(url.protocol) && url.origin === entry;
  } catch {
    return false;
  }
}

const schema = z.object({
  ...sharedSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(8091),
  GATEWAY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - (1-64)").optional(),
  GATEWAY_WS_URL: z.string().url().refine((u) => /^wss?:\/\//.test(u), "must be a ws:// or wss:// URL").optional(),
  /**
   * Page origins allowed to open sessions, as browsers send them (`scheme://host[:port]`, lower case, no path). A list
   * naming none (`,`) let every origin in (the check was skipped on an empty list), and an entry with a path or a
   * trailing slash never matched any browser: both stop the start, naming the variable (sec25).
   */
  CIM_ALLOWED_ORIGINS: csv
    .refine((origins) => origins.length > 0, "names no origin: list the page origins allowed to open sessions (https://chat.example.com)")
    .refine((origins) => origins.every(isOrigin), "each entry must be an origin as browsers send it: scheme://host[:port], lower case, without a path or trailing slash")
    .default(["http://127.0.0.1:8080", "http://localhost:8080", "http://127.0.0.1:5173", "http://localhost:5173"]),
  CIM_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  CIM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(45_000),
  CIM_LOGIN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  CIM_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(256).default(64 * 1024),
  CIM_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /**
   * A socket whose unsent bytes have not drained at all for this long is closed with 4429, under the bound too (a
   * reader that stopped reading but keeps writing). As long as a replay waits for a drain (socket-drain.ts). A reader
   * is seen to move only when the kernel takes more bytes from user space, after about a third of its send buffer
   * (up to 4 MB) went out: at 30 s, a reader of about 50 KB/s or faster is not cut off by it.
   */
  CIM_SEND_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  CIM_RATE_PER_SEC: z.coerce.number().min(1).default(DEFAULT_SESSION_LIMITS.ratePerSec),
  CIM_RATE_BURST: z.coerce.number().min(1).default(DEFAULT_SESSION_LIMITS.rateBurst),
  /**
   * Sends of one session started and not answered yet; more are answered `unavailable` at once (resent later by
   * the SDK). The default is the rate burst: only a Redis too slow to answer a burst before the next one meets it.
   */
  CIM_MAX_SENDS_IN_FLIGHT: z.coerce.number().int().min(1).default(DEFAULT_SESSION_LIMITS.maxSendsInFlight),
  /**
   * How long a Send answered `unavailable` and not sent again holds back the session's newer Sends to its
   * conversation (send-order.ts); then they go on.
   */
  CIM_SEND_RESEND_GRACE_MS: z.coerce.number().int().min(100).default(RESEND_GRACE_MS),
  /** Sockets of one client address that have not logged in yet; more upgrades are refused with 429. */
  CIM_MAX_PENDING_PER_IP: z.coerce.number().int().min(1).default(20),
  /**
   * Sockets of one client address on this gateway, logged in or not (IPv6: its /64); more upgrades are refused with
   * 429. Logins are capped per user, and an address may register 50 users an hour: 500 more sockets an hour without
   * it. 1,000, as CIM_MAX_CONNECTIONS_PER_IP: an office behind one NAT address keeps its hundreds of users' tabs, and
   * one address holds at most a twentieth of a gateway's 20,000 files. Loopback is exempt (CIM_CONNECT_LIMIT_EXEMPT).
   */
  CIM_MAX_SOCKETS_PER_IP: z.coerce.number().int().min(1).default(1_000),
  /** Upgrades of one client address per second (sustained) and at once; more are refused with 429. */
  CIM_CONNECT_RATE_PER_IP: z.coerce.number().positive().default(20),
  CIM_CONNECT_BURST_PER_IP: z.coerce.number().int().min(1).default(100),
  /**
   * Logged-in sockets of one user on all gateways together (replaced ones count until closed; a gateway killed counts
   * until route releases it); more logins get 4429.
   */
  CIM_MAX_SESSIONS_PER_USER: z.coerce.number().int().min(1).default(10),
  /**
   * Logins of one user on all gateways together per second (sustained) and at once; more are answered
   * Error{rate_limited} and closed with 4429 (the SDK reconnects with backoff). Each login and each close writes the
   * user's session count to Redis and may publish its presence: a client opening and closing its only socket in a
   * loop (loopback is exempt from the per-address connect rate) made that work as fast as it looped. The burst
   * defaults to LOGIN_BURST_PER_SESSION times CIM_MAX_SESSIONS_PER_USER and may not be set below it: every session of
   * a user reconnecting at once (a gateway killed, a network change) is admitted, three times over by default.
   */
  CIM_WS_LOGINS_PER_SEC_PER_USER: z.coerce.number().positive().default(1),
  CIM_WS_LOGINS_BURST_PER_USER: z.coerce.number().int().min(1).optional(),
  /**
   * Users named in the PresenceSubscribe lists of one user's sessions here together, per second and at once (each
   * list's users are read from Redis); a list beyond waits its turn, replaced by newer ones. The burst holds at least
   * one full list: the default answers every session of a user (10) twice at once after a reconnect.
   */
  CIM_PRESENCE_IDS_PER_SEC_PER_USER: z.coerce.number().min(1).default(1_000),
  CIM_PRESENCE_IDS_BURST_PER_USER: z.coerce.number().int().min(MAX_PRESENCE_SUBSCRIPTIONS).default(10_000),
});

/** The default login burst of a user, in sessions it may hold: each of them reconnecting at once, three times over. */
export const LOGIN_BURST_PER_SESSION = 3;

export type GatewayConfig = Readonly<z.infer<typeof schema> & { GATEWAY_ID: string; CIM_TOKEN_SECRET: string; CIM_TOKEN_SECRET_PREVIOUS: string[]; CIM_WS_LOGINS_BURST_PER_USER: number }>;

/** Parses the environment; throws an error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const settings = parseSettings("gateway", schema, env);
  const id = settings.GATEWAY_ID ?? `gw-${hostname()}-${settings.PORT}`;
  let secret: string;
  let previous: string[];
  try {
    secret = tokenSecretFrom(env);
    previous = previousTokenSecretsFrom(env);
  } catch (error) {
    throw new Error(`invalid gateway configuration: ${(error as Error).message}`);
  }
  const sessions = settings.CIM_MAX_SESSIONS_PER_USER;
  const burst = settings.CIM_WS_LOGINS_BURST_PER_USER ?? LOGIN_BURST_PER_SESSION * sessions;
  if (burst < sessions) {
    throw new Error(`invalid gateway configuration: CIM_WS_LOGINS_BURST_PER_USER: ${burst} is below CIM_MAX_SESSIONS_PER_USER (${sessions}): a user's sessions reconnecting at once would be refused`);
  }
  return Object.freeze({ ...settings, GATEWAY_ID: id, CIM_TOKEN_SECRET: secret, CIM_TOKEN_SECRET_PREVIOUS: previous, CIM_WS_LOGINS_BURST_PER_USER: burst });
}
