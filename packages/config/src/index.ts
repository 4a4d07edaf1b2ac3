// The settings route and gateways share, defined once, and the one way both read them from the environment.
import { z } from "zod";

export { ambiguousFraming, answerClientErrorsAsJson } from "./client-errors.js";
export { slowClientTimeouts } from "./slow-clients.js";
export { MAX_PIPELINED_REQUESTS, oneRequestAtATime } from "./pipelined-requests.js";
export { keepFilesInReserve, openFilesLimit, RESERVED_FILES, watchOpenFiles } from "./open-files.js";
export { listenOn, startFailure, StartupError } from "./listen.js";
export { HOST_LOG_WINDOW_MS, HostCheck, hostNameOf, isAllowedHostEntry, isLoopbackListen, type HostCheckOptions } from "./allowed-hosts.js";
import { isAllowedHostEntry } from "./allowed-hosts.js";
export { addressMatcher, capConnectionsPerAddress, clientKey, isAddressOrRange, plainAddress } from "./connection-cap.js";
import { isAddressOrRange } from "./connection-cap.js";

/** Every loopback address: the default of CIM_CONNECT_LIMIT_EXEMPT. */
export const LOOPBACK = "127.0.0.0/8,::1";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Fields of both apps' schemas: spread into each app's `z.object({...})`. */
export const sharedSettings = {
  HOST: z.string().default("127.0.0.1"),
  /**
   * `redis://[user:password@]host:port[/db]`, `rediss://...` (TLS), `host[:port]` or a Unix socket's absolute path. Other
   * values (`http://host`, `redis:/host`) were taken by ioredis as a socket path it retried forever ("connect ENOENT").
   */
  REDIS_URL: z.string().trim().default("redis://127.0.0.1:6379").refine(
    (value) => /^rediss?:\/\/[^\s/]+(\/\d*)?$/.test(value) || /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(value) || /^\/\S+$/.test(value),
    "a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (or host:port, or a Unix socket's path)",
  ),
  /**
   * A Redis Cluster: `host:port,host:port,...` (any few of its nodes; the rest are discovered), or URLs
   * `redis://[user:password@]host:port` / `rediss://...` (TLS). When set, REDIS_URL is not used, and the bus runs
   * on sharded channels (SPUBLISH/SSUBSCRIBE, Redis 7).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
    .refine((nodes) => nodes.every((node) => /^(rediss?:\/\/([^@\s]*@)?)?[^\s:/@]+:\d{1,5}\/?$/.test(node)), "a comma-separated list of host:port"),
  /** `host[:port],host[:port],...[/chroot]`; anything else failed deep in the ZooKeeper client with a stack trace. */
  ZK_CONNECT: z.string().trim().default("127.0.0.1:2181").refine(
    (value) => /^[A-Za-z0-9.-]+(:\d{1,5})?(,[A-Za-z0-9.-]+(:\d{1,5})?)*(\/[^\s,]*)?$/.test(value),
    "host:port of ZooKeeper, comma-separated for an ensemble (127.0.0.1:2181,127.0.0.2:2181)",
  ),
  /** How fast a dead gateway is dropped from ZooKeeper. */
  ZK_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  /**
   * A gateway's lease in Redis, renewed five times per lease and declared in it: while route's ZooKeeper cannot tell
   * (no quorum), it releases the users of a gateway whose lease lapsed and stayed lapsed that gateway's lease again
   * (silent to Redis for two of its leases, whatever route's own setting); the gateway, back, claims them again.
   */
  CIM_GATEWAY_LEASE_MS: z.coerce.number().int().min(500).default(15_000),
  /**
   * Private conversations one user may start per hour with users it had none with (neither wrote to the other);
   * more are refused `rate_limited` (429 over HTTP). Answers and existing chats never count. 0: no limit.
   */
  CIM_NEW_PEERS_PER_HOUR: z.coerce.number().int().min(0).default(1_000),
  /**
   * How far a gateway's clock may be ahead of route's: a gateway accepts a token, and keeps its session open, this
   * long past its expiry by its own clock. Route signs tokens with its clock and gateways checked them with theirs:
   * one ahead by more than a token's life refused every fresh token ("token expired"). At most route's 300 s of
   * skew that a logout's mark outlives the login's tokens by (auth-routes.ts, CLOCK_SKEW_SECONDS).
   */
  CIM_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  /**
   * Replicas that must hold a message (Redis WAIT) before it is acknowledged (a gateway's SendAck, route's 202 to
   * POST /api/messages); 0 (the default) acknowledges once the master has it. WAIT is not consensus: see
   * docs/DEPLOYMENT.md.
   */
  CIM_REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  /**
   * How long an acknowledgement waits for those replicas; after it the message is acknowledged anyway (and counted).
   * Under the Redis command timeout (CIM_REDIS_COMMAND_TIMEOUT_MS), which would fail the WAIT itself.
   */
  CIM_REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(9_000).default(1_000),
  /**
   * A command to a single-node Redis unanswered this long fails: a stalled Redis or a silent link is answered 503 /
   * `unavailable` (retry) rather than held. Longer than CIM_REDIS_WAIT_TIMEOUT_MS. Tests of a stall set it short.
   */
  CIM_REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(500).default(10_000),
  /** Approximate number of messages kept per stream. */
  CIM_STREAM_MAXLEN: z.coerce.number().int().min(100).default(10_000),
  /** Messages older than this are trimmed; 0 keeps them until CIM_STREAM_MAXLEN applies. */
  CIM_STREAM_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(0),
  /**
   * The Host names route and gateways answer, comma-separated (`chat.example.com`; `.example.com` for it and its
   * subdomains; `*` for any). Unset: on a loopback HOST (`npm start`) only IP addresses and `localhost`, so a page whose
   * name rebinds to 127.0.0.1 (DNS rebinding) cannot call the API from a visitor's browser; on any other HOST every
   * Host, as behind proxies that send their own names. IP addresses and `localhost` are always answered.
   */
  CIM_ALLOWED_HOSTS: z.string().default("")
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAllowedHostEntry), "a comma-separated list of host names (chat.example.com, .example.com for its subdomains too) or *, without scheme, port or path"),
  /** Behind a reverse proxy: take the client address from the last X-Forwarded-For entry. */
  CIM_TRUST_PROXY: z.enum(["0", "1", "false", "true"]).default("0").transform((v) => v === "1" || v === "true"),
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  CIM_METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /**
   * Connections the kernel queues before the process accepts them (`listen` backlog; Linux caps it at
   * net.core.somaxconn): sized for login and reconnect storms, where Node's default of 511 overflows.
   */
  CIM_LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(4096),
  /**
   * Open HTTP connections of one client address (IPv6: its /64); more are closed as they are accepted (idle and
   * slowloris connections). Not applied with CIM_TRUST_PROXY (every connection is the proxy's), nor to the addresses
   * and ranges of CIM_CONNECT_LIMIT_EXEMPT. 1,000: an office behind one NAT address holds hundreds of keep-alive
   * connections to route, and one address still cannot take more than a twentieth of a process's 20,000 files.
   */
  CIM_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(1_000),
  /**
   * Addresses and CIDR ranges the per-address limits skip: loopback by default (set it empty to count loopback too).
   * A loopback client is this machine itself: its operator's tools, a local test harness or load test, or a local
   * reverse proxy that is not trusted (CIM_TRUST_PROXY), so one address stands for many people; counted as one
   * client, one local flood would get every local client refused. Route's per-name login delays and per-user
   * limits still apply to it.
   */
  CIM_CONNECT_LIMIT_EXEMPT: z.string().default(LOOPBACK)
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrRange), "a comma-separated list of IP addresses or CIDR ranges"),
};

/** Variables whose empty value means something (no exemption at all); any other variable set empty is unset. */
const EMPTY_MEANS_NONE = new Set(["CIM_CONNECT_LIMIT_EXEMPT"]);

/**
 * `NAME=` (a copy of .env.example, an env file, a Kubernetes ConfigMap) leaves the variable at its default. It was taken
 * as a value: `CIM_METRICS_TOKEN=` refused the start, an empty number was 0, an empty CIM_WEB_DIR served no web app.
 */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => value !== "" || EMPTY_MEANS_NONE.has(name)));
}

/** A number setting's only spelling: decimal digits, a fraction after a point allowed (CIM_RATE_PER_SEC=2.5). */
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** Whether a field of a settings schema is a number read with zod's coercion, under its default, optional or preprocess. */
function isCoercedNumber(field: z.ZodType): boolean {
  const def = field.def as { type: string; coerce?: boolean; innerType?: z.ZodType; out?: z.ZodType };
  if (def.type === "number") return def.coerce === true;
  const inner = def.innerType ?? (def.type === "pipe" ? def.out : undefined);
  return inner !== undefined && isCoercedNumber(inner);
}

/**
 * The number settings whose value is not decimal. zod's `z.coerce.number()` is `Number(value)`, which took `0x10` as
 * 16, `1e3` as 1000, ` 5` and `5 ` as 5 and `0b11` as 3: a typo or a foreign spelling started a process on a port or
 * limit nobody wrote. The HTTP query parameters take decimal digits only (route's query-number.ts); so do these.
 */
function nonDecimalNumbers(schema: z.ZodType, env: NodeJS.ProcessEnv): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape).flatMap(([name, field]) => {
    const value = env[name];
    if (value === undefined || DECIMAL.test(value) || !isCoercedNumber(field)) return [];
    return [`${name}: ${JSON.stringify(value)} is not a number in decimal digits (such as 5000 or 2.5)`];
  });
}

/** Parses `env` with `schema`; throws one error naming every bad variable, prefixed with the app. */
export function parseSettings<T extends z.ZodType>(app: string, schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const given = withoutEmpty(env);
  const parsed = schema.safeParse(given);
  const spelled = nonDecimalNumbers(schema, given);
  if (!parsed.success || spelled.length > 0) {
    const flagged = new Set(spelled.map((problem) => problem.slice(0, problem.indexOf(":"))));
    const others = (parsed.success ? [] : parsed.error.issues)
      .filter((issue) => !flagged.has(issue.path.join(".")))
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid ${app} configuration: ${[...spelled, ...others].join("; ")}`);
  }
  const { CIM_REDIS_WAIT_TIMEOUT_MS: wait, CIM_REDIS_COMMAND_TIMEOUT_MS: command } = parsed.data as Record<string, unknown>;
  // A WAIT as long as the command timeout would itself time out: every acknowledgement would fail.
  if (typeof wait === "number" && typeof command === "number" && wait >= command) {
    throw new Error(`invalid ${app} configuration: CIM_REDIS_WAIT_TIMEOUT_MS: must be under CIM_REDIS_COMMAND_TIMEOUT_MS (${command})`);
  }
  return parsed.data;
}
