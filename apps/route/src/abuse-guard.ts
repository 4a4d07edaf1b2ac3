// Throttles guessing and floods on Redis (rate-limiter-flexible): logins by (name, address) with growing
// delays and by address, registrations by address and overall, rooms, owners' room changes and searches by user, wrong
// admin tokens by address, sends over HTTP and heavy reads (online list, member pages, name searches, last-seen) by user.
// An exempt address (CIM_CONNECT_LIMIT_EXEMPT, loopback by default) meets only the per-name delays and the per-user limits.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ErrorCode } from "@cim/protocol";
import { keys, type RedisClient } from "@cim/state";
import type { ClientAddress } from "./client-address.js";
import { ApiError } from "./errors.js";

export interface AbuseLimits {
  /** Failed logins of one name from one address before delays start. */
  loginFreeFailures: number;
  /** The longest delay between two login attempts of one name from one address, seconds. */
  loginMaxDelaySeconds: number;
  /** Failed logins from one address (any names) per window before the address waits for the window's end. */
  loginFailuresPerAddress: number;
  loginAddressWindowSeconds: number;
  /**
   * Good logins of one user (its name's key) per window, from anywhere (429 beyond, checked before the hash): each
   * costs a password hash, and a client that knows the password logged in 94 times a second from one address.
   * Only a right password counts, so nobody else can use it to keep the user out.
   */
  loginsPerUser: number;
  loginsWindowSeconds: number;
  /** Accounts one address may create per window, and all addresses together per minute. */
  registrationsPerAddress: number;
  registrationAddressWindowSeconds: number;
  registrationsPerMinute: number;
  /** Rooms one user may create per window (429 beyond). */
  roomsPerUser: number;
  roomWindowSeconds: number;
  /**
   * Renames and member removals one user (a room's owner) may make per window (429 beyond): each goes to every
   * gateway and to every member's sessions, so a loop of them would flood the members of a big room.
   */
  roomChangesPerUser: number;
  roomChangesWindowSeconds: number;
  /**
   * Joins and leaves one user may make per window (429 beyond): each goes to every member's sessions and into the
   * room's kept events (the last 500), like a rename.
   */
  roomJoinsPerUser: number;
  roomJoinsWindowSeconds: number;
  /**
   * Invitations one user may make per window (429 beyond): each puts a room in the invited user's list and pushes a
   * RoomEvent to its sessions, and blocking the inviter does not stop them (rooms are not touched by blocks).
   */
  invitesPerUser: number;
  invitesWindowSeconds: number;
  /** Blocks and unblocks one user may make per window (429 beyond): each is published to both users' gateways. */
  blockChangesPerUser: number;
  blockChangesWindowSeconds: number;
  /** Searches one user may run per window (429 beyond): each reads up to 100 × 2,000 stream entries from Redis. */
  searchesPerUser: number;
  searchWindowSeconds: number;
  /**
   * Sends over HTTP (POST /api/messages: messages, replies, edits, deletions, reactions) one user may make per
   * window, on all route processes together (429 beyond): a WebSocket session has its frame limit, HTTP had none.
   */
  httpSendsPerUser: number;
  httpSendsWindowSeconds: number;
  /**
   * The cost of the heavy reads (the online list, room member pages, name searches, last-seen) one user may make per
   * window, on all route processes together (429 beyond): each reads up to 2,000 name-index entries, or every online
   * user or member, and the cap of requests in progress bounded how many at once, not how often.
   */
  heavyReadsPerUser: number;
  heavyReadsWindowSeconds: number;
  /** Wrong admin tokens from one address per window before it gets 429. */
  adminFailuresPerAddress: number;
  adminWindowSeconds: number;
}

/** The first delay after the free failures; each further failure doubles it, up to loginMaxDelaySeconds. */
const FIRST_DELAY_S = 5;
/** How long a run of failures of one name from one address is remembered. */
const FAILURE_MEMORY_S = 24 * 3600;

/** A 429 with the seconds to wait, carried to the Retry-After header. */
export function rateLimited(message: string, retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, ErrorCode.RateLimited, `${message}: try again in ${seconds} s`, { headers: { "Retry-After": String(seconds) } });
}

export class AbuseGuard {
  private readonly failuresByNameAddress: RateLimiterRedis;
  private readonly delayByNameAddress: RateLimiterRedis;
  private readonly failuresByAddress: RateLimiterRedis;
  private readonly loginsByName: RateLimiterRedis;
  private readonly registrationsByAddress: RateLimiterRedis;
  private readonly registrationsOverall: RateLimiterRedis;
  private readonly adminFailuresByAddress: RateLimiterRedis;
  private readonly roomsByUser: RateLimiterRedis;
  private readonly roomChangesByUser: RateLimiterRedis;
  private readonly searchesByUser: RateLimiterRedis;
  private readonly httpSendsByUser: RateLimiterRedis;
  private readonly heavyReadsByUser: RateLimiterRedis;
  private readonly blockChangesByUser: RateLimiterRedis;
  private readonly invitesByUser: RateLimiterRedis;
  private readonly roomJoinsByUser: RateLimiterRedis;

  constructor(redis: RedisClient, private readonly limits: AbuseLimits) {
    const limiter = (name: string, points: number, duration: number, blockDuration = 0) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keys.rateLimitPrefix}:${name}`, points, duration, blockDuration });
    // A counter, never exhausted: its count says how long the next delay is.
    this.failuresByNameAddress = limiter("login-fail", Number.MAX_SAFE_INTEGER, FAILURE_MEMORY_S);
    // Only ever blocked (for the current delay) and read.
    this.delayByNameAddress = limiter("login-delay", 1, 1);
    this.failuresByAddress = limiter("login-addr", limits.loginFailuresPerAddress, limits.loginAddressWindowSeconds, limits.loginAddressWindowSeconds);
    this.loginsByName = limiter("logins-name", limits.loginsPerUser, limits.loginsWindowSeconds);
    this.registrationsByAddress = limiter("register-addr", limits.registrationsPerAddress, limits.registrationAddressWindowSeconds);
    this.registrationsOverall = limiter("register-all", limits.registrationsPerMinute, 60);
    this.roomsByUser = limiter("rooms-user", limits.roomsPerUser, limits.roomWindowSeconds);
    this.roomChangesByUser = limiter("room-changes-user", limits.roomChangesPerUser, limits.roomChangesWindowSeconds);
    this.roomJoinsByUser = limiter("room-joins-user", limits.roomJoinsPerUser, limits.roomJoinsWindowSeconds);
    this.invitesByUser = limiter("invites-user", limits.invitesPerUser, limits.invitesWindowSeconds);
    this.blockChangesByUser = limiter("block-changes-user", limits.blockChangesPerUser, limits.blockChangesWindowSeconds);
    this.searchesByUser = limiter("search-user", limits.searchesPerUser, limits.searchWindowSeconds);
    // One key per user (cim-rl:http-send:<userId>), one script on it per send: one slot on a Redis Cluster.
    this.httpSendsByUser = limiter("http-send", limits.httpSendsPerUser, limits.httpSendsWindowSeconds);
    this.heavyReadsByUser = limiter("heavy-read", limits.heavyReadsPerUser, limits.heavyReadsWindowSeconds);
    this.adminFailuresByAddress = limiter("admin-addr", limits.adminFailuresPerAddress, limits.adminWindowSeconds, limits.adminWindowSeconds);
  }

  /** Throws 429 while this name may not be tried from this address, or this address may not log in. */
  async checkLogin(nameKey: string, from: ClientAddress): Promise<void> {
    const [delay, byAddress, logins] = await Promise.all([
      this.delayByNameAddress.get(pair(nameKey, from.key)),
      from.exempt ? null : this.failuresByAddress.get(from.key),
      this.loginsByName.get(nameKey),
    ]);
    const addressRefusal = "too many failed logins from your address";
    if (byAddress && byAddress.consumedPoints >= this.limits.loginFailuresPerAddress) throw rateLimited(addressRefusal, byAddress.msBeforeNext / 1000);
    if (delay && delay.consumedPoints > 1) throw rateLimited("too many failed logins for this name", delay.msBeforeNext / 1000);
    if (logins && logins.consumedPoints >= this.limits.loginsPerUser) throw rateLimited("too many logins of this user", logins.msBeforeNext / 1000);
    // The address's failure is counted now, before the hash, and given back by a good login (loginSucceeded): counted
    // after the hash, logins of many names sent at once from one address all passed the check above and were hashed.
    if (!from.exempt) await counted(this.failuresByAddress.consume(from.key), addressRefusal);
  }

  /** Counts a failed login (its address's failure was counted by checkLogin); past the free failures, the pair waits a delay that doubles each time. */
  async loginFailed(nameKey: string, from: ClientAddress): Promise<void> {
    const key = pair(nameKey, from.key);
    await this.delayAfter(key, await this.failuresByNameAddress.penalty(key, 1));
  }

  /**
   * A good login forgets the failures of this name from this address, gives back the failure checkLogin counted for
   * the address, and counts in the user's good logins.
   */
  async loginSucceeded(nameKey: string, from: ClientAddress): Promise<void> {
    await Promise.all([
      this.forget(pair(nameKey, from.key)),
      swallowLimit(this.loginsByName.consume(nameKey)),
      from.exempt ? undefined : this.failuresByAddress.reward(from.key, 1),
    ]);
  }

  /**
   * Throws 429 while this login may not try the user's current password in a password change. Counted per login
   * (the token's sessionId, which refreshed tokens keep), from any address: a stolen token cannot guess faster
   * from many places, and its guesses never slow the owner's own change from another login (counted per user,
   * a thief's token kept the owner from changing the password).
   */
  async checkPasswordChange(login: PasswordChanger): Promise<void> {
    const delay = await this.delayByNameAddress.get(passwordKey(login));
    if (delay && delay.consumedPoints > 1) throw rateLimited("too many wrong passwords", delay.msBeforeNext / 1000);
  }

  /** Counts a wrong current password in a password change: the same growing delays as failed logins of a name. */
  async passwordChangeFailed(login: PasswordChanger): Promise<void> {
    await this.delayAfter(passwordKey(login), await this.failuresByNameAddress.penalty(passwordKey(login), 1));
  }

  /** A right current password forgets the login's failed password changes. */
  async passwordChangeSucceeded(login: PasswordChanger): Promise<void> {
    await this.forget(passwordKey(login));
  }

  /** Past the free failures, the key waits a delay that doubles with each further one. */
  private async delayAfter(key: string, failures: RateLimiterRes): Promise<void> {
    const over = failures.consumedPoints - this.limits.loginFreeFailures;
    if (over >= 0) await this.delayByNameAddress.block(key, Math.min(this.limits.loginMaxDelaySeconds, FIRST_DELAY_S * 2 ** Math.min(over, 20)));
  }

  private async forget(key: string): Promise<void> {
    await Promise.all([this.failuresByNameAddress.delete(key), this.delayByNameAddress.delete(key)]);
  }

  /**
   * Counts one registration; throws 429 when the address or everyone together is over the limit. An exempt
   * address counts in neither: it stands for many people (the machine's own clients, a test harness).
   */
  async register(from: ClientAddress): Promise<void> {
    if (from.exempt) return;
    await counted(this.registrationsByAddress.consume(from.key), "too many accounts created from your address");
    await counted(this.registrationsOverall.consume("all"), "too many accounts are being created right now");
  }

  /** Counts one room created by `userId`; throws 429 past the per-user limit. */
  async createRoom(userId: string): Promise<void> {
    await counted(this.roomsByUser.consume(userId), "you created too many rooms");
  }

  /** Counts one rename or member removal by a room's owner `userId`; throws 429 past the per-user limit. */
  async changeRoom(userId: string): Promise<void> {
    await counted(this.roomChangesByUser.consume(userId), "you changed rooms too often");
  }

  /** Counts one join or leave by `userId`; throws 429 past the per-user limit. */
  async joinOrLeave(userId: string): Promise<void> {
    await counted(this.roomJoinsByUser.consume(userId), "you joined and left rooms too often");
  }

  /** Counts one invitation by `userId`; throws 429 past the per-user limit. */
  async invite(userId: string): Promise<void> {
    await counted(this.invitesByUser.consume(userId), "you invited too many users");
  }

  /** Counts one block or unblock by `userId`; throws 429 past the per-user limit. */
  async changeBlocks(userId: string): Promise<void> {
    await counted(this.blockChangesByUser.consume(userId), "you blocked and unblocked too often");
  }

  /** Counts one search by `userId`; throws 429 past the per-user limit (one user's searches would stall Redis for all). */
  async search(userId: string): Promise<void> {
    await counted(this.searchesByUser.consume(userId), "you searched too often");
  }

  /**
   * Counts one send over HTTP by `userId`; throws 429 past the per-user limit. `onFirstRefusal` runs for the first
   * refused send of a window only: one log line per user and window, not one per request of a flood.
   */
  async httpSend(userId: string, onFirstRefusal: () => void): Promise<void> {
    await this.spend(this.httpSendsByUser, userId, 1, this.limits.httpSendsPerUser, "you sent too many messages", onFirstRefusal);
  }

  /**
   * Counts one heavy read of `cost` by `userId`; throws 429 past the per-user limit. `onFirstRefusal` runs for the
   * first refused read of a window only: one log line per user and window.
   */
  async heavyRead(userId: string, cost: number, onFirstRefusal: () => void): Promise<void> {
    await this.spend(this.heavyReadsByUser, userId, cost, this.limits.heavyReadsPerUser, "you asked for online users, members, user searches or last-seen too often", onFirstRefusal);
  }

  /**
   * Takes `cost` of `key`'s `limit` per window from `limiter`; past it, throws 429 with `message` (Redis' own errors pass
   * through) and runs `onFirstRefusal` for the window's first refusal only: the one that took the count over the
   * limit (refused requests still add to the count, so later ones are further over).
   */
  private async spend(limiter: RateLimiterRedis, key: string, cost: number, limit: number, message: string, onFirstRefusal: () => void): Promise<void> {
    try {
      await limiter.consume(key, cost);
    } catch (error) {
      if (error instanceof RateLimiterRes && error.consumedPoints - cost <= limit) onFirstRefusal();
      throw limitError(error, message);
    }
  }

  /** Throws 429 while an address that sent too many wrong admin tokens waits. */
  async checkAdmin(from: ClientAddress): Promise<void> {
    if (from.exempt) return;
    const res = await this.adminFailuresByAddress.get(from.key);
    if (res && res.consumedPoints >= this.limits.adminFailuresPerAddress) throw rateLimited("too many wrong admin tokens", res.msBeforeNext / 1000);
  }

  async adminFailed(from: ClientAddress): Promise<void> {
    if (!from.exempt) await swallowLimit(this.adminFailuresByAddress.consume(from.key));
  }
}

function pair(nameKey: string, address: string): string {
  return `${address}|${nameKey}`;
}

/** The failures of one user's password changes: no address (`|` never starts one, nor a name key). */
/** The login changing a password: its user and the token's login (sessionId). */
interface PasswordChanger {
  userId: string;
  sessionId: string;
}

function passwordKey(login: PasswordChanger): string {
  return `password-change|u:${login.userId}|s:${login.sessionId}`;
}

/** consume() rejects with a RateLimiterRes when over the limit: that is the count we wanted, not a failure. */
async function swallowLimit(consumed: Promise<RateLimiterRes>): Promise<void> {
  await consumed.catch((error: unknown) => {
    if (!(error instanceof RateLimiterRes)) throw error;
  });
}

/** A count that may go over its limit: over it, a 429 ApiError with `message` (Redis' own errors pass through). */
async function counted(consumed: Promise<RateLimiterRes>, message: string): Promise<void> {
  try {
    await consumed;
  } catch (error) {
    throw limitError(error, message);
  }
}

function limitError(error: unknown, message: string): unknown {
  return error instanceof RateLimiterRes ? rateLimited(message, error.msBeforeNext / 1000) : error;
}
