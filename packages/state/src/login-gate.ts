// A user's WebSocket logins on every gateway together: its sockets on all gateways and the rate of its logins, both
// read and counted in one script on the user's tag (one round trip per login). Each gateway kept its own count and
// rate, so a token that works on any gateway held 10 sockets and 30 logins at once on each of N gateways.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { user } from "./keys.js";

// KEYS: logins (the user's hash "<gatewayId> <sessionId>" -> sockets of that login there, sessions.ts), bucket (the
// user's login bucket: tokens, at). ARGV: gatewayId (the caller), sessionId (the login asking), maxSessions,
// ratePerSec, burst, then pairs of sessionId and sockets: the caller's own count of the user's logins, used in place of
// its fields in `logins` (they may lag behind). The user's sockets are counted with this one, each login's sockets on
// all gateways less one when they lie on more than one gateway: a device whose gateway died and that reconnected
// elsewhere is still counted on the dead gateway until route releases it, and must count once, or a user whose devices
// filled the cap could not bring them back. Over maxSessions: {1, the sockets counted before this one}, no token
// taken. Then a token of the bucket (full at first, refilled at ratePerSec up to burst, by Redis' clock): none left,
// {2, ms until one}; else {0, the sockets counted before this one}. The bucket expires once it would be full again.
const ADMIT_LOGIN = `
local logins, bucket = KEYS[1], KEYS[2]
local gatewayId, asking, maxSessions = ARGV[1], ARGV[2], tonumber(ARGV[3])
local perMs, burst = tonumber(ARGV[4]) / 1000, tonumber(ARGV[5])
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
for i = 6, #ARGV, 2 do add(ARGV[i], gatewayId, tonumber(ARGV[i + 1])) end
local before = counted()
add(asking, gatewayId, 1)
if counted() > maxSessions then return {1, before} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', bucket, 'tokens', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * perMs) else now = at end
if tokens < 1 then return {2, math.ceil((1 - tokens) / perMs)} end
tokens = tokens - 1
redis.call('HSET', bucket, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', bucket, math.ceil((burst - tokens) / perMs) + 1000)
return {0, before}
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADMIT_LOGIN. */
    cimAdmitLogin(logins: string, bucket: string, gatewayId: string, sessionId: string, maxSessions: string, ratePerSec: string, burst: string, ...here: string[]): Result<[number, number], Context>;
  }
}

export interface LoginGateLimits {
  /** Logged-in sockets of one user on all gateways together. */
  maxSessions: number;
  /** Logins of one user on all gateways together, per second (sustained) and at once. */
  loginsPerSec: number;
  loginsBurst: number;
}

/**
 * A login admitted, or refused for the user's sockets (`sessions`) or its rate (`rate`, `retryMs`); `counted` is the
 * user's sockets counted before it (a login on two gateways once).
 */
export type LoginVerdict = { admitted: true; counted: number } | { admitted: false; reason: "sessions"; counted: number } | { admitted: false; reason: "rate"; retryMs: number };

/** Admits a user's WebSocket logins against its sockets and login rate on all gateways together. */
export class LoginGate {
  constructor(private readonly redis: RedisClient, private readonly gatewayId: string, private readonly limits: LoginGateLimits) {
    redis.defineCommand("cimAdmitLogin", { numberOfKeys: 2, lua: ADMIT_LOGIN });
  }

  /**
   * Admits one more socket of login `sessionId` of `userId`, which holds `here` (sockets by sessionId) on this gateway;
   * takes a token of its login bucket when admitted.
   */
  async admit(userId: string, sessionId: string, here: ReadonlyMap<string, number>): Promise<LoginVerdict> {
    const { maxSessions, loginsPerSec, loginsBurst } = this.limits;
    const pairs = [...here].flatMap(([login, sockets]) => [login, String(sockets)]);
    const [status, value] = await this.redis.cimAdmitLogin(user.logins(userId), user.wsLogins(userId), this.gatewayId, sessionId, String(maxSessions), String(loginsPerSec), String(loginsBurst), ...pairs);
    if (status === 1) return { admitted: false, reason: "sessions", counted: value };
    if (status === 2) return { admitted: false, reason: "rate", retryMs: value };
    return { admitted: true, counted: value };
  }
}
