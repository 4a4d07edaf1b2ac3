// Route configuration: parsed once from the environment with zod; a bad value stops the start.
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { adminTokenFrom, tokenSecretFrom } from "@cim/token";

export const STRATEGIES = ["round-robin", "random", "consistent-hash", "least-connections"] as const;
export type Strategy = (typeof STRATEGIES)[number];

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("127.0.0.1"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  ZK_CONNECT: z.string().default("127.0.0.1:2181"),
  ZK_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  CIM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  CIM_ROUTE_STRATEGY: z.enum(STRATEGIES).default("round-robin"),
  CIM_LOGIN_POLICY: z.enum(["replace", "reject"]).default("replace"),
  /** Failed logins of one name within CIM_LOGIN_LOCK_SECONDS after which its logins get 429 until the window ends. */
  CIM_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  CIM_LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(300),
  CIM_WEB_DIR: z.string().default(fileURLToPath(new URL("../../web/dist", import.meta.url))),
  CIM_STREAM_MAXLEN: z.coerce.number().int().min(100).default(10_000),
  CIM_STREAM_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(0),
  CIM_MAX_BODY_BYTES: z.coerce.number().int().min(256).default(16 * 1024),
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  CIM_METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RouteConfig = Readonly<z.infer<typeof schema> & {
  CIM_TOKEN_SECRET: string;
  /** Undefined: the admin API is off. */
  CIM_ADMIN_TOKEN: string | undefined;
}>;

/** Parses the environment; throws an error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RouteConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid route configuration: ${problems}`);
  }
  try {
    return Object.freeze({ ...parsed.data, CIM_TOKEN_SECRET: tokenSecretFrom(env), CIM_ADMIN_TOKEN: adminTokenFrom(env) });
  } catch (error) {
    throw new Error(`invalid route configuration: ${(error as Error).message}`);
  }
}
