// A user's WebSocket logins on every gateway together: its sockets on all gateways and the rate of its logins, both
// read and counted in one script on the user's tag (one round trip per login). Each gateway kept its own count and
// rate, so a token that works on any gateway held 10 sockets and 30 logins at once on each of N gateways.
import { randomUUID } from "node:crypto";
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { user } from "./keys.js";

// KEYS: logins (the user's hash "<gatewayId> <sessionId>" -> sockets of that login there, sessions.ts), bucket (the
// user's login bucket: tokens, at), pending (the user's places reserved by logins admitted and not yet written to
// `logins`: a sorted set of "<gatewayId> <sessionId> <nonce>" scored by when the reservation lapses, ms). ARGV: gatewayId
// (the caller), sessionId (the login asking), maxSessions, ratePerSec, burst, reservation (the member this login
// reserves its place as), reserveMs (how long it holds unless released), held (how many of the next ARGV are the
// caller's reservations whose sockets its own count below already holds: not counted twice), those members, then pairs
// of sessionId and sockets: the caller's own count of the user's logins, used in place of its fields in `logins` (they
// may lag behind). The user's sockets are counted with this one, each login's sockets on all gateways less one when
// they lie on more than one gateway: a device whose gateway died and that reconnected elsewhere is still counted on the
// dead gateway until route releases it, and must count once, or a user whose devices filled the cap could not bring
// them back. Every reservation not lapsed counts as one socket of its login on its gateway: two logins of one user at
// the same moment on two gateways (or on one) each see the other's place, so the count and the admission are one step
// (sec19; each passed a cap that counted only written sockets). Over maxSessions: {1, the sockets counted before this
// one}, nothing reserved, no token taken. Then a token of the bucket (full at first, refilled at ratePerSec up to burst,
// by Redis' clock): none left, {2, ms until one}; else the place is reserved and {0, the sockets counted before this
// one}. The bucket expires once it would be full again, the reservations with the last of them.
const ADMIT_LOGIN = `
local logins, bucket, pending = KEYS[1], KEYS[2], KEYS[3]
local gatewayId, asking, maxSessions = ARGV[1], ARGV[2], tonumber(ARGV[3])
local perMs, burst = tonumber(ARGV[4]) / 1000, tonumber(ARGV[5])
local reservation, reserveMs, held = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local sockets, places = {}, {}
local function add(login, gateway, count)
  if count <= 0 then return end
  sockets[login] = (sockets[login] or 0) + count
  places[login] = places[login] or {}
  places[login][gateway] = true
end
local function counted()
  local total = 0
  for login, count in pairs(sockets) do
    local gateways = 0
    for _ in pairs(places[login]) do gateways = gateways + 1 end
    if gateways > 1 then total = total + count - 1 else total = total + count end
  end
  return total
end
local prefix = gatewayId .. ' '
local fields = redis.call('HGETALL', logins)
for i = 1, #fields, 2 do
  local field = fields[i]
  local space = string.find(field, ' ', 1, true)
  if space and string.sub(field, 1, #prefix) ~= prefix then
    add(string.sub(field, space + 1), string.sub(field, 1, space - 1), math.max(0, tonumber(fields[i + 1]) or 0))
  end
end
local skip = {}
for i = 9, 8 + held do skip[ARGV[i]] = true end
for i = 9 + held, #ARGV, 2 do add(ARGV[i], gatewayId, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', pending, '-inf', now)
for _, member in ipairs(redis.call('ZRANGE', pending, 0, -1)) do
  local first = string.find(member, ' ', 1, true)
  local second = first and string.find(member, ' ', first + 1, true)
  if second and not skip[member] then add(string.sub(member, first + 1, second - 1), string.sub(member, 1, first - 1), 1) end
end
local before = counted()
add(asking, gatewayId, 1)
if counted() > maxSessions then return {1, before} end
local state = redis.call('HMGET', bucket, 'tokens', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * perMs) else now = at end
if tokens < 1 then return {2, math.ceil((1 - tokens) / perMs)} end
tokens = tokens - 1
redis.call('HSET', bucket, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', bucket, math.ceil((burst - tokens) / perMs) + 1000)
redis.call('ZADD', pending, now + reserveMs, reservation)
if redis.call('PTTL', pending) < reserveMs then redis.call('PEXPIRE', pending, reserveMs) end
return {0, before}
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADMIT_LOGIN. */
    cimAdmitLogin(logins: string, bucket: string, pending: string, gatewayId: string, sessionId: string, maxSessions: string, ratePerSec: string, burst: string, reservation: string, reserveMs: string, held: string, ...heldAndHere: string[]): Result<[number, number], Context>;
  }
}

export interface LoginGateLimits {
  /** Logged-in sockets of one user on all gateways together. */
  maxSessions: number;
  /** Logins of one user on all gateways together, per second (sustained) and at once. */
  loginsPerSec: number;
  loginsBurst: number;
  /**
   * How long an admitted login's place stays reserved unless released or written to the user's logins (by
   * `SessionStore.setSessions`): the place of a gateway that died mid-login is given back then.
   */
  reserveMs?: number;
}

/** A login's place held from its admission until its socket is written to the user's logins (or the login failed). */
export const LOGIN_RESERVE_MS = 60_000;

/**
 * A login admitted, or refused for the user's sockets (`sessions`) or its rate (`rate`, `retryMs`); `counted` is the
 * user's sockets counted before it (a login on two gateways once). An admitted login holds its place as `reservation`:
 * pass it to `SessionStore.setSessions` with the write that counts its socket, or to `release` when the login fails.
 */
export type LoginVerdict = { admitted: true; counted: number; reservation: string } | { admitted: false; reason: "sessions"; counted: number } | { admitted: false; reason: "rate"; retryMs: number };

/** Admits a user's WebSocket logins against its sockets and login rate on all gateways together. */
export class LoginGate {
  constructor(private readonly redis: RedisClient, private readonly gatewayId: string, private readonly limits: LoginGateLimits) {
    redis.defineCommand("cimAdmitLogin", { numberOfKeys: 3, lua: ADMIT_LOGIN });
  }

  /**
   * Admits one more socket of login `sessionId` of `userId`, which holds `here` (sockets by sessionId) on this gateway,
   * `held` being the reservations of sockets `here` counts already; when admitted, reserves its place (counted by every
   * gateway's next admission) and takes a token of its login bucket, all in one script.
   */
  async admit(userId: string, sessionId: string, here: ReadonlyMap<string, number>, held: readonly string[] = []): Promise<LoginVerdict> {
    const { maxSessions, loginsPerSec, loginsBurst, reserveMs = LOGIN_RESERVE_MS } = this.limits;
    const reservation = `${this.gatewayId} ${sessionId} ${randomUUID()}`;
    const pairs = [...here].flatMap(([login, sockets]) => [login, String(sockets)]);
    const [status, value] = await this.redis.cimAdmitLogin(user.logins(userId), user.wsLogins(userId), user.pendingLogins(userId), this.gatewayId, sessionId, String(maxSessions), String(loginsPerSec), String(loginsBurst), reservation, String(reserveMs), String(held.length), ...held, ...pairs);
    if (status === 1) return { admitted: false, reason: "sessions", counted: value };
    if (status === 2) return { admitted: false, reason: "rate", retryMs: value };
    return { admitted: true, counted: value, reservation };
  }

  /** Gives back the place of an admitted login that failed before its socket was written (idempotent). */
  async release(userId: string, reservation: string): Promise<void> {
    await this.redis.zrem(user.pendingLogins(userId), reservation);
  }
}
