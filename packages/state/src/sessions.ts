// Routes and online state: which gateway holds each user, kept true by atomic scripts.
import type { Redis } from "ioredis";
import { AccountStore } from "./accounts.js";
import { compareIds } from "@cim/protocol";
import { keys } from "./keys.js";

// KEYS: route, online, gatewayUsers(new). ARGV: gatewayId, userId, key prefix of gatewayUsers.
const CLAIM = `
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
local added = redis.call('SADD', KEYS[2], ARGV[2])
if old and old ~= ARGV[1] then redis.call('SREM', ARGV[3] .. old, ARGV[2]) end
return {old or '', added}
`;

// KEYS: route, online, gatewayUsers. ARGV: gatewayId, userId. Removes the route only if it is still ours.
const RELEASE = `
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
  return 1
end
return 0
`;

// KEYS: gatewayUsers, online. ARGV: gatewayId, route key prefix. Releases every user still routed to it.
const RELEASE_GATEWAY = `
local released = {}
for _, userId in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local routeKey = ARGV[2] .. userId
  if redis.call('GET', routeKey) == ARGV[1] then
    redis.call('DEL', routeKey)
    redis.call('SREM', KEYS[2], userId)
    table.insert(released, userId)
  end
end
redis.call('DEL', KEYS[1])
return released
`;

export interface OnlineUser {
  userId: string;
  userName: string;
}

export class SessionStore {
  private readonly accounts: AccountStore;

  constructor(private readonly redis: Redis) {
    this.accounts = new AccountStore(redis);
    redis.defineCommand("cimClaimRoute", { numberOfKeys: 3, lua: CLAIM });
    redis.defineCommand("cimReleaseRoute", { numberOfKeys: 3, lua: RELEASE });
    redis.defineCommand("cimReleaseGateway", { numberOfKeys: 2, lua: RELEASE_GATEWAY });
  }

  /** Routes a user to a gateway; says which gateway held it before and whether it just came online. */
  async claim(userId: string, gatewayId: string): Promise<{ previousGateway: string | null; cameOnline: boolean }> {
    const [old, added] = (await this.call("cimClaimRoute", keys.route(userId), keys.online, keys.gatewayUsers(gatewayId), gatewayId, userId, keys.gatewayUsers(""))) as [string, number];
    return { previousGateway: old || null, cameOnline: added === 1 };
  }

  /** Drops the user's route if it still points at this gateway; true when the user went offline. */
  async release(userId: string, gatewayId: string): Promise<boolean> {
    return (await this.call("cimReleaseRoute", keys.route(userId), keys.online, keys.gatewayUsers(gatewayId), gatewayId, userId)) === 1;
  }

  /** Releases every user still routed to a gateway that is gone; returns their ids. */
  async releaseGateway(gatewayId: string): Promise<string[]> {
    return (await this.call("cimReleaseGateway", keys.gatewayUsers(gatewayId), keys.online, gatewayId, keys.route(""))) as string[];
  }

  /** Ids of gateways that still hold users in Redis, found with SCAN (never KEYS). */
  async gatewaysWithUsers(): Promise<string[]> {
    const prefix = keys.gatewayUsers("");
    const ids: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await this.redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      ids.push(...batch.map((key) => key.slice(prefix.length)));
      cursor = next;
    } while (cursor !== "0");
    return ids;
  }

  /** Marks a login (token session id) as logged out until `expiresAt` (seconds since the epoch). */
  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    const ttl = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
    await this.redis.set(keys.revoked(sessionId), "1", "EX", ttl);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(keys.revoked(sessionId))) === 1;
  }

  async routeOf(userId: string): Promise<string | null> {
    return this.redis.get(keys.route(userId));
  }

  async onlineCount(): Promise<number> {
    return this.redis.scard(keys.online);
  }

  /** Connections per gateway, as the size of its user set. */
  async connections(gatewayIds: readonly string[]): Promise<number[]> {
    if (gatewayIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of gatewayIds) pipeline.scard(keys.gatewayUsers(id));
    return ((await pipeline.exec()) ?? []).map(([, n]) => Number(n ?? 0));
  }

  /** Every online user with their name, ordered by userId. */
  async onlineUsers(): Promise<OnlineUser[]> {
    const ids: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await this.redis.sscan(keys.online, cursor, "COUNT", 1000);
      ids.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    ids.sort(compareIds);
    const names = await this.accounts.names(ids);
    return ids.map((userId, i) => ({ userId, userName: names[i] ?? "" }));
  }

  private call(command: string, ...args: string[]): Promise<unknown> {
    return (this.redis as unknown as Record<string, (...a: string[]) => Promise<unknown>>)[command]!(...args);
  }
}
