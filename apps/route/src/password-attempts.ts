// Attempts at a password (a login of a name from an address, a password change or an account deletion by a login)
// run one at a time per key, on every route process together: each is checked against its limits before the costly
// hash and counted after it, so attempts sent at once all passed a check made before any was counted, and all were
// hashed. On one process they wait in a queue; between processes the one whose turn it is holds a short lease in Redis
// (sec19: each process ran its own one at a time, so with two behind a balancer a guess on each ran at once).
import { randomUUID } from "node:crypto";
import type { ClientContext, Result } from "ioredis";
import type { Logger } from "pino";
import { keys, type RedisClient } from "@cim/state";
import { rateLimited } from "./abuse-guard.js";
import { UserRequests } from "./user-requests.js";

/** Attempts of one key waiting for the one in progress on a process; more are answered 429 (Retry-After: 1). */
export const PASSWORD_ATTEMPTS_WAITING = 64;
/** How long a turn's lease holds unless given back: a process that died in an attempt frees its key then. */
export const PASSWORD_TURN_LEASE_MS = 10_000;
/** How long an attempt waits for another process's turn to end before it is answered 429 (Retry-After: 1). */
export const PASSWORD_TURN_WAIT_MS = 10_000;
/** How often a waiting attempt asks whether the other process's turn ended. */
const PASSWORD_TURN_POLL_MS = 20;

/** The key of a login's own attempts (password change, account deletion): `|` starts no address. */
export const loginAttemptKey = (sessionId: string) => `|${sessionId}`;

// KEYS: the lease. ARGV: the holder's token. Deletes the lease only while that holder has it (it may have lapsed and
// gone to another attempt). Returns 1 when deleted.
const GIVE_BACK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See GIVE_BACK. */
    cimGiveBackTurn(lease: string, holder: string): Result<number, Context>;
  }
}

export interface PasswordAttemptsOptions {
  leaseMs?: number;
  waitMs?: number;
}

/** One attempt at a time per key: queued on this process, leased in Redis between processes. */
export class PasswordAttempts {
  private readonly here = new UserRequests(1, PASSWORD_ATTEMPTS_WAITING);
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(private readonly redis: RedisClient, private readonly log: Logger, options: PasswordAttemptsOptions = {}) {
    this.leaseMs = options.leaseMs ?? PASSWORD_TURN_LEASE_MS;
    this.waitMs = options.waitMs ?? PASSWORD_TURN_WAIT_MS;
    redis.defineCommand("cimGiveBackTurn", { numberOfKeys: 1, lua: GIVE_BACK });
  }

  /** Runs `attempt` once the attempts of `key` before it, on any route process, are done (checked and counted). */
  async run<T>(key: string, attempt: () => Promise<T>): Promise<T> {
    if ((await this.here.enter(key)) === "refused") throw rateLimited("too many attempts at this password at once", 1);
    try {
      const lease = `${keys.rateLimitPrefix}:password-turn:${key}`;
      const holder = await this.take(lease);
      try {
        return await attempt();
      } finally {
        await this.redis.cimGiveBackTurn(lease, holder).catch((error: unknown) => this.log.warn({ err: (error as Error).message }, "giving back a password attempt's turn failed: it lapses on its own"));
      }
    } finally {
      this.here.leave(key);
    }
  }

  /** Takes the lease of `lease` once free (its holder's token), or throws 429 after waitMs. */
  private async take(lease: string): Promise<string> {
    const holder = randomUUID();
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if ((await this.redis.set(lease, holder, "PX", this.leaseMs, "NX")) === "OK") return holder;
      if (Date.now() >= deadline) {
        this.log.info({ lease }, "password attempt refused: another route process held its turn too long");
        throw rateLimited("too many attempts at this password at once", 1);
      }
      await new Promise((resolve) => setTimeout(resolve, PASSWORD_TURN_POLL_MS));
    }
  }
}
