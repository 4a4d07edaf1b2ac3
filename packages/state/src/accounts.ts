// Accounts: a hash per user plus the unique name -> id index (the seed's KV + VK).
import type { Redis } from "ioredis";
import { keys } from "./keys.js";

export interface Account {
  userId: string;
  userName: string;
  passwordHash: string;
  createdAt: number;
}

export class AccountStore {
  constructor(private readonly redis: Redis) {}

  /** Creates an account; returns null when the name is taken. */
  async create(userName: string, passwordHash: string): Promise<Account | null> {
    const userId = String(await this.redis.incr(keys.accountSeq));
    const claimed = await this.redis.set(keys.accountName(userName), userId, "NX");
    if (claimed !== "OK") return null;
    const createdAt = Date.now();
    await this.redis.hset(keys.account(userId), { userName, passwordHash, createdAt: String(createdAt) });
    return { userId, userName, passwordHash, createdAt };
  }

  async byName(userName: string): Promise<Account | null> {
    const userId = await this.redis.get(keys.accountName(userName));
    return userId ? this.byId(userId) : null;
  }

  async byId(userId: string): Promise<Account | null> {
    const fields = await this.redis.hgetall(keys.account(userId));
    if (!fields.userName || !fields.passwordHash) return null;
    return { userId, userName: fields.userName, passwordHash: fields.passwordHash, createdAt: Number(fields.createdAt) };
  }

  /** Seconds a name is still locked after `maxFailures` failed logins in the window; 0 when it is not. */
  async lockedFor(userName: string, maxFailures: number): Promise<number> {
    const key = keys.loginFailures(userName);
    const [failures, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    return Number(failures ?? 0) >= maxFailures ? Math.max(1, ttl) : 0;
  }

  /** Counts a failed login; the window starts at the first failure. */
  async recordFailure(userName: string, windowSeconds: number): Promise<void> {
    const key = keys.loginFailures(userName);
    await this.redis.multi().incr(key).expire(key, windowSeconds, "NX").exec();
  }

  /** Names of many users at once, in the order given; "" for an unknown id. */
  async names(userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.hget(keys.account(id), "userName");
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, value]) => (typeof value === "string" ? value : ""));
  }
}
