// `npm run cim-admin -- users create ...` and `... token ...`: operator tools for provisioning and load tests,
// over route's account code (provisioning.ts). Settings come from flags, then the environment, then the files
// `npm start` writes (.run/stack.json, .run/secrets.json).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import { sharedSettings } from "@cim/config";
import { createRedis } from "@cim/state";
import { tokenSecretFrom } from "@cim/token";
import { positive, tokenLifetimes, UsageError } from "./admin-flags.js";
import { createAccounts, issueTokens, numberedNames, parseAccountLines, UnknownUsersError, type NewAccount } from "./provisioning.js";

const USAGE = `usage:
  npm run cim-admin -- users create --count N --prefix NAME- --password PASS [--start 1] [--hash-each]
  npm run cim-admin -- users create --file users.txt [--password PASS] [--hash-each]
      (file lines: "name password", or "name" with --password; # comments)
  npm run cim-admin -- token --user NAME [--ttl SECONDS (at least 30)]
  npm run cim-admin -- token --prefix NAME- --count N [--start 1] [--ttl SECONDS]
      (one JSON line per user: {"userId","userName","token"})
common: --redis redis://host:port (else REDIS_URL, else .run/stack.json, else redis://127.0.0.1:6379)
tokens are signed with CIM_TOKEN_SECRET (else .run/secrets.json); lifetime CIM_TOKEN_TTL_SECONDS (1 day) or --ttl`;

const RUN_DIR = process.env.CIM_RUN_DIR ?? join(fileURLToPath(new URL("../../../", import.meta.url)), ".run");

function readJson(file: string): Record<string, unknown> | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : null;
}

function redisUrl(flag: string | undefined): string {
  const stack = readJson(join(RUN_DIR, "stack.json")) as { env?: Record<string, string> } | null;
  return flag ?? process.env.REDIS_URL ?? stack?.env?.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/**
 * Redis, answering: a URL of route's own form (else a UsageError) whose server answers a PING (else one line saying
 * where it looked). With npm start stopped, ioredis printed "[ioredis] Unhandled error event" and a stack per attempt,
 * then "Reached the max retries per request limit".
 */
async function openRedis(flag: string | undefined): Promise<Redis> {
  const url = redisUrl(flag);
  const checked = sharedSettings.REDIS_URL.safeParse(url);
  if (!checked.success) throw new UsageError(`${flag ? "--redis" : "REDIS_URL"} ${url}: ${checked.error.issues[0]!.message}`);
  const redis = createRedis(url, "cim-admin");
  let lastError = "";
  redis.on("error", (error: NodeJS.ErrnoException) => void (lastError = error.code ?? error.message));
  try {
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${url} does not answer (${lastError || (error as Error).message}): is npm start running? (--redis, REDIS_URL, ${join(RUN_DIR, "stack.json")})`);
  }
  return redis;
}

function tokenSecret(): string {
  if (process.env.CIM_TOKEN_SECRET || process.env.CIM_DEV_MODE) return tokenSecretFrom(process.env);
  const kept = readJson(join(RUN_DIR, "secrets.json")) as { CIM_TOKEN_SECRET?: string } | null;
  if (!kept?.CIM_TOKEN_SECRET) throw new Error(`CIM_TOKEN_SECRET is not set and ${join(RUN_DIR, "secrets.json")} has none: set the secret route and the gateways use`);
  return tokenSecretFrom({ CIM_TOKEN_SECRET: kept.CIM_TOKEN_SECRET });
}

type Flags = Record<string, string | boolean | undefined>;

function accountsOf(flags: Flags): NewAccount[] {
  const password = flags.password as string | undefined;
  if (flags.file) return parseAccountLines(readFileSync(flags.file as string, "utf8"), password);
  if (!flags.prefix || !flags.count || !password) throw new UsageError("users create needs --count, --prefix and --password, or --file");
  return numberedNames(flags.prefix as string, positive(flags.count as string, "--count"), positive(flags.start as string | undefined, "--start", 1)).map((userName) => ({ userName, password }));
}

async function usersCreate(flags: Flags): Promise<void> {
  const accounts = accountsOf(flags);
  const redis = await openRedis(flags.redis as string | undefined);
  try {
    const started = performance.now();
    const result = await createAccounts(redis, accounts, {
      hashEach: flags["hash-each"] === true,
      progress: (done) => process.stderr.write(`\r${done}/${accounts.length}`),
    });
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write("\n");
    console.log(`created ${result.created.length} users, ${result.existing.length} existed already, in ${seconds.toFixed(1)} s (${Math.round(result.created.length / Math.max(seconds, 0.001))}/s)`);
  } finally {
    redis.disconnect();
  }
}

async function token(flags: Flags): Promise<void> {
  const names = flags.user ? [flags.user as string] : flags.prefix && flags.count ? numberedNames(flags.prefix as string, positive(flags.count as string, "--count"), positive(flags.start as string | undefined, "--start", 1)) : null;
  if (!names) throw new UsageError("token needs --user NAME, or --prefix and --count");
  const { ttlSeconds, sessionLifetimeSeconds } = tokenLifetimes(flags.ttl as string | undefined, process.env);
  const secret = tokenSecret();
  const redis = await openRedis(flags.redis as string | undefined);
  try {
    const issued = await issueTokens(redis, names, { secret, ttlSeconds, sessionLifetimeSeconds }).catch((error: unknown) => {
      // A name typed wrong, an account not made yet, or another Redis than route's: say which Redis was asked.
      if (!(error instanceof UnknownUsersError)) throw error;
      throw new Error(`${error.message} in the Redis at ${redisUrl(flags.redis as string | undefined)}: create the accounts with users create (or register them), or check the names and --redis`);
    });
    if (flags.user) console.log(issued[0]!.token);
    else process.stdout.write(issued.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
  } finally {
    redis.disconnect();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      count: { type: "string" }, prefix: { type: "string" }, start: { type: "string" }, password: { type: "string" }, file: { type: "string" },
      "hash-each": { type: "boolean" }, user: { type: "string" }, ttl: { type: "string" }, redis: { type: "string" }, help: { type: "boolean" },
    },
  });
  const command = positionals.join(" ");
  if (values.help) return console.log(USAGE);
  if (command === "users create") return usersCreate(values);
  if (command === "token") return token(values);
  throw new UsageError(command ? `unknown command "${command}"` : "no command");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`cim-admin: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(`cim-admin: ${(error as Error).message}`);
  process.exit(1);
});
