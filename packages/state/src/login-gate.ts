// A user's WebSocket logins on every gateway together: its sockets on all gateways and the rate of its logins, both
// read and counted in one script on the user's tag (one round trip per login). Each gateway kept its own count and
// rate, so a token that works on any gateway held 10 sockets and 30 logins at once on each of N gateways.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { user } from "./keys.js";

// KEYS: gateways (the user's hash gatewayId -> sessions), bucket (the user's login bucket: tokens, at).
// ARGV: gatewayId (the caller, whose own count it passes), here (the user's sessions on the caller), maxSessions,
// ratePerSec, burst. The sessions on other gateways (their counts in the hash; a gateway killed counts until route
// releases it) plus `here` must be under maxSessions: else {1, sessions on other gateways}, no token taken. Then a
// token of the bucket (full at first, refilled at ratePerSec up to burst, by Redis' clock): none left, {2, ms until
// one}; else {0, sessions on other gateways}. The bucket expires once it would be full again.
const ADMIT_LOGIN = `
local gateways, bucket = KEYS[1], KEYS[2]
local gatewayId, here, maxSessions = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local perMs, burst = tonumber(ARGV[4]) / 1000, tonumber(ARGV[5])
local elsewhere = 0
local counts = redis.call('HGETALL', gateways)
for i = 1, #counts, 2 do
  if counts[i] ~= gatewayId then elsewhere = elsewhere + math.max(0, tonumber(counts[i + 1]) or 0) end
end
if elsewhere + here >= maxSessions then return {1, elsewhere} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', bucket, 'tokens', 'at')
local tokens, at = tonumber(state[1]) or burst, tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * perMs) else now = at end
if tokens < 1 then return {2, math.ceil((1 - tokens) / perMs)} end
tokens = tokens - 1
redis.call('HSET', bucket, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', bucket, math.ceil((burst - tokens) / perMs) + 1000)
return {0, elsewhere}
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADMIT_LOGIN. */
    cimAdmitLogin(gateways: string, bucket: string, gatewayId: string, here: string, maxSessions: string, ratePerSec: string, burst: string): Result<[number, number], Context>;
  }
}

export interface LoginGateLimits {
  /** Logged-in sockets of one user on all gateways together. */
  maxSessions: number;
  /** Logins of one user on all gateways together, per second (sustained) and at once. */
  loginsPerSec: number;
  loginsBurst: number;
}

/** A login admitted, or refused for the user's sockets elsewhere (`sessions`) or its rate (`rate`, `retryMs`). */
export type LoginVerdict = { admitted: true; elsewhere: number } | { admitted: false; reason: "sessions"; elsewhere: number } | { admitted: false; reason: "rate"; retryMs: number };

/** Admits a user's WebSocket logins against its sockets and login rate on all gateways together. */
export class LoginGate {
  constructor(private readonly redis: RedisClient, private readonly gatewayId: string, private readonly limits: LoginGateLimits) {
    redis.defineCommand("cimAdmitLogin", { numberOfKeys: 2, lua: ADMIT_LOGIN });
  }

  /** Admits one more login of `userId`, which holds `here` sockets on this gateway; takes a token when admitted. */
  async admit(userId: string, here: number): Promise<LoginVerdict> {
    const { maxSessions, loginsPerSec, loginsBurst } = this.limits;
    const [status, value] = await this.redis.cimAdmitLogin(user.gateways(userId), user.wsLogins(userId), this.gatewayId, String(here), String(maxSessions), String(loginsPerSec), String(loginsBurst));
    if (status === 1) return { admitted: false, reason: "sessions", elsewhere: value };
    if (status === 2) return { admitted: false, reason: "rate", retryMs: value };
    return { admitted: true, elsewhere: value };
  }
}
