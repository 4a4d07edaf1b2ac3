// Accounts: a hash per user plus the unique name -> id index (the seed's KV + VK), keyed by a canonical name.
import type { RedisClient } from "./redis.js";
import { keys } from "./keys.js";

export interface Account {
  userId: string;
  /** The name as the user typed it at registration, for display. */
  userName: string;
  passwordHash: string;
  createdAt: number;
}

export class AccountStore {
  constructor(private readonly redis: RedisClient) {}

  /**
   * Creates an account; returns null when the name is taken. `nameKey` is the canonical form of the name that
   * makes names unique (look-alikes share one), `userName` what is displayed.
   */
  async create(userName: string, nameKey: string, passwordHash: string): Promise<Account | null> {
    if (await this.redis.exists(keys.accountName(userName))) return null; // taken before canonical keys existed
    const userId = String(await this.redis.incr(keys.accountSeq));
    const claimed = await this.redis.set(keys.accountName(nameKey), userId, "NX");
    if (claimed !== "OK") return null;
    const createdAt = Date.now();
    await this.redis.hset(keys.account(userId), { userName, passwordHash, createdAt: String(createdAt) });
    return { userId, userName, passwordHash, createdAt };
  }

  /** The account of a canonical name; `typed` also finds accounts registered before names were canonical. */
  async byName(nameKey: string, typed: string = nameKey): Promise<Account | null> {
    const userId = (await this.redis.get(keys.accountName(nameKey))) ?? (typed !== nameKey ? await this.redis.get(keys.accountName(typed)) : null);
    return userId ? this.byId(userId) : null;
  }

  async byId(userId: string): Promise<Account | null> {
    const fields = await this.redis.hgetall(keys.account(userId));
    if (!fields.userName || !fields.passwordHash) return null;
    return { userId, userName: fields.userName, passwordHash: fields.passwordHash, createdAt: Number(fields.createdAt) };
  }

  /** Replaces a password hash (re-hashing with stronger parameters after a good login). */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.redis.hset(keys.account(userId), "passwordHash", passwordHash);
  }

  /** Names of many users at once, in the order given; "" for an unknown id. */
  async names(userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    // One command per key (each account is a slot of its own on a cluster); auto-pipelining batches them.
    const values = await Promise.all(userIds.map((id) => this.redis.hget(keys.account(id), "userName")));
    return values.map((value) => value ?? "");
  }
}
