// Presence of users with several devices: each gateway writes how many sessions a user has there in the user's
// `gateways` hash; `cim-online` and `cim-gw-users:<gw>` follow it in commands of their own (each a slot of its own).
import type { ClientContext, Result } from "ioredis";
import { scanKeys, type RedisClient } from "./redis.js";
import { AccountStore, LOGIN_EPOCH_FIELD, LOGIN_KEPT_FIELD } from "./accounts.js";
import { compareIds } from "@cim/protocol";
import { keys, user } from "./keys.js";

// KEYS: gateways (the user's hash gatewayId -> sessions), logins (its hash "<gatewayId> <sessionId>" -> sockets of
// that login there), pending (its logins' reserved places, login-gate.ts). ARGV: gatewayId, sessions (a count, 0
// removes it), written (how many of the next ARGV are reservations whose sockets this write counts: removed from
// `pending` in the same step, so no gateway counts such a socket twice or not at all), those members, then pairs of
// sessionId and sockets: the gateway's logins of the user, replacing every field of this gateway in `logins`. Writes counts (not increments), so a
// command re-sent after a reconnect changes nothing. Returns how many gateways hold sessions of the user afterwards
// (online while > 0).
const SET_SESSIONS = `
local gateways, logins, pending = KEYS[1], KEYS[2], KEYS[3]
local gatewayId, sessions, written = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, 3 + written do redis.call('ZREM', pending, ARGV[i]) end
if sessions > 0 then redis.call('HSET', gateways, gatewayId, sessions) else redis.call('HDEL', gateways, gatewayId) end
local prefix = gatewayId .. ' '
for _, field in ipairs(redis.call('HKEYS', logins)) do
  if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', logins, field) end
end
for i = 4 + written, #ARGV, 2 do redis.call('HSET', logins, prefix .. ARGV[i], ARGV[i + 1]) end
return redis.call('HLEN', gateways)
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See SET_SESSIONS. */
    cimSetSessions(gateways: string, logins: string, pending: string, gatewayId: string, sessions: string, written: string, ...writtenAndLogins: string[]): Result<number, Context>;
  }
}

/** A login as its token names it: the user and its name, the login (token session id) and the login epoch it began in. */
export interface LoginRef {
  userId: string;
  userName: string;
  sessionId: string;
  loginEpoch: number;
}

export interface OnlineUser {
  userId: string;
  userName: string;
}

export class SessionStore {
  private readonly accounts: AccountStore;

  constructor(private readonly redis: RedisClient) {
    this.accounts = new AccountStore(redis);
    redis.defineCommand("cimSetSessions", { numberOfKeys: 3, lua: SET_SESSIONS });
  }

  /**
   * Records that `userId` has `sessions` sessions on `gatewayId` (the gateway's own count, 0 when none is left)
   * and keeps the online set and the gateway's user set in step. Says whether the user came online or went
   * offline with it. `logins`: those sessions by login (the token's sessionId), for the cap of login-gate.ts;
   * `written`: the reservations (`LoginGate.admit`) of sockets these counts hold, given back in the same step. Calls
   * for one user on one gateway must not overlap (the gateway serialises them).
   */
  async setSessions(userId: string, gatewayId: string, sessions: number, logins: ReadonlyMap<string, number> = new Map(), written: readonly string[] = []): Promise<{ cameOnline: boolean; wentOffline: boolean }> {
    const pairs = sessions > 0 ? [...logins].flatMap(([sessionId, sockets]) => [sessionId, String(sockets)]) : [];
    const gateways = await this.redis.cimSetSessions(user.gateways(userId), user.logins(userId), user.pendingLogins(userId), gatewayId, String(Math.max(0, sessions)), String(written.length), ...written, ...pairs);
    if (sessions > 0) {
      await this.redis.sadd(keys.gatewayUsers(gatewayId), userId);
      // The index after the user set (forgetIfEmpty reads them in the other order), beside the online set.
      const [, cameOnline] = await Promise.all([this.redis.sadd(keys.gatewaysWithUsers, gatewayId), this.redis.sadd(keys.online, userId)]);
      return { cameOnline: cameOnline === 1, wentOffline: false };
    }
    await this.redis.srem(keys.gatewayUsers(gatewayId), userId);
    return { cameOnline: false, wentOffline: gateways === 0 && (await this.leaveOnline(userId)) };
  }

  /** One more session of the user here (tests, and older callers that count one per gateway). */
  async claim(userId: string, gatewayId: string, sessions = 1): Promise<{ cameOnline: boolean }> {
    return { cameOnline: (await this.setSessions(userId, gatewayId, sessions)).cameOnline };
  }

  /** The user has `sessions` (by default none) left on `gatewayId`; true when it went offline. */
  async release(userId: string, gatewayId: string, sessions = 0): Promise<boolean> {
    return (await this.setSessions(userId, gatewayId, sessions)).wentOffline;
  }

  /** Releases every user still holding sessions on a gateway that is gone; returns those that went offline. */
  async releaseGateway(gatewayId: string): Promise<string[]> {
    const released: string[] = [];
    for (const userId of await this.redis.smembers(keys.gatewayUsers(gatewayId))) {
      if (await this.release(userId, gatewayId)) released.push(userId);
    }
    await this.forgetIfEmpty(gatewayId);
    return released;
  }

  /**
   * Takes a gateway without users out of the index. A claim there adds the user, then the gateway: one that lands
   * between our SREM and SCARD is seen by the SCARD (and the gateway put back), one after it adds the gateway itself.
   */
  private async forgetIfEmpty(gatewayId: string): Promise<void> {
    await this.redis.srem(keys.gatewaysWithUsers, gatewayId);
    if ((await this.redis.scard(keys.gatewayUsers(gatewayId))) > 0) await this.redis.sadd(keys.gatewaysWithUsers, gatewayId);
  }

  /** The gateways holding sessions of the user. */
  gatewaysOf(userId: string): Promise<string[]> {
    return this.redis.hkeys(user.gateways(userId));
  }

  /** The user's sessions on every gateway (a gateway that died counts until it is released). */
  async sessionCount(userId: string): Promise<number> {
    const counts = await this.redis.hvals(user.gateways(userId));
    return counts.reduce((sum, count) => sum + Math.max(0, Number(count) || 0), 0);
  }

  /**
   * Takes the user out of the online set, unless a session appeared on some gateway meanwhile (its claim may
   * have run between our count and this): then it is put back and the user stays online.
   */
  private async leaveOnline(userId: string): Promise<boolean> {
    const removed = (await this.redis.srem(keys.online, userId)) === 1;
    if ((await this.redis.hlen(user.gateways(userId))) === 0) {
      if (removed) await this.accounts.noteLastSeen(userId, Date.now());
      return removed;
    }
    await this.redis.sadd(keys.online, userId);
    return false;
  }

  /**
   * Ids of gateways that may still hold users in Redis, from the index the claims keep (`cim-gateways:with-users`):
   * one read, where a SCAN of every key took seconds on a large Redis. Gateways of data written before the index
   * are found by `indexOldGateways`.
   */
  gatewaysWithUsers(): Promise<string[]> {
    return this.redis.smembers(keys.gatewaysWithUsers);
  }

  /**
   * Once per Redis: finds the `cim-gw-users:` sets written before the index existed (SCAN, never KEYS, over every
   * master), adds their gateways to it and marks it complete; returns those gateways ([] once marked).
   */
  async indexOldGateways(): Promise<string[]> {
    if ((await this.redis.exists(keys.gatewaysWithUsersIndexed)) === 1) return [];
    const prefix = keys.gatewayUsers("");
    const found = (await scanKeys(this.redis, `${prefix}*`)).map((key) => key.slice(prefix.length));
    if (found.length) await this.redis.sadd(keys.gatewaysWithUsers, ...found);
    await this.redis.set(keys.gatewaysWithUsersIndexed, "1");
    return found;
  }

  /** Marks a login (token session id) as logged out until `expiresAt` (seconds since the epoch); true the first time. */
  async revoke(sessionId: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
    // NX: true only the first time, so a logout sent twice is counted once (AccountStore.countLogin).
    return (await this.redis.set(keys.revoked(sessionId), "1", "EX", ttl, "NX")) === "OK";
  }

  /**
   * True when a login was logged out, or ended by its user from another login (a password change, "sign out
   * other devices": it began in an older login epoch and is not the login kept), or when its account is gone or
   * now has another name (Redis's data lost: tokens are signed, not stored, so they outlive the account, and a
   * newcomer may get its id again). Two reads sent together (one round trip on a single Redis; each key may be
   * on its own Cluster node).
   */
  async isRevoked(login: LoginRef): Promise<boolean> {
    return (await this.loginState(login)) !== "live";
  }

  /** isRevoked's answer, telling an account that is gone ("gone") from a login that ended ("ended"). */
  async loginState(login: LoginRef): Promise<"live" | "ended" | "gone"> {
    const [revoked, [epoch, kept, userName]] = await Promise.all([
      this.redis.exists(keys.revoked(login.sessionId)),
      this.redis.hmget(keys.account(login.userId), LOGIN_EPOCH_FIELD, LOGIN_KEPT_FIELD, "userName"),
    ]);
    if (userName === null) return "gone";
    if (revoked === 1 || userName !== login.userName) return "ended";
    return login.loginEpoch < (Number(epoch ?? 0) || 0) && login.sessionId !== kept ? "ended" : "live";
  }

  async onlineCount(): Promise<number> {
    return this.redis.scard(keys.online);
  }

  /** Connections per gateway, as the size of its user set. */
  async connections(gatewayIds: readonly string[]): Promise<number[]> {
    if (gatewayIds.length === 0) return [];
    // One command per key (each set is a slot of its own on a cluster); auto-pipelining batches them.
    return Promise.all(gatewayIds.map((id) => this.redis.scard(keys.gatewayUsers(id))));
  }

  /** Presence of each user named, in the order given; users without an account are left out. */
  async presenceOf(userIds: readonly string[]): Promise<Array<OnlineUser & { online: boolean }>> {
    return (await this.lastSeenOf(userIds)).map(({ userId, userName, online }) => ({ userId, userName, online }));
  }

  /**
   * Presence of each user named with, for an offline one, when it was last online (`lastSeen`, ms since the epoch;
   * 0 when online, or not kept: never offline since it was); users without an account are left out.
   */
  async lastSeenOf(userIds: readonly string[]): Promise<Array<OnlineUser & { online: boolean; lastSeen: number }>> {
    if (userIds.length === 0) return [];
    const [online, accounts] = await Promise.all([this.redis.smismember(keys.online, ...userIds), this.accounts.namesAndLastSeen(userIds)]);
    return userIds.flatMap((userId, i) => {
      const { userName, lastSeen } = accounts[i]!;
      const isOnline = online[i] === 1;
      return userName ? [{ userId, userName, online: isOnline, lastSeen: isOnline ? 0 : lastSeen }] : [];
    });
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
}
