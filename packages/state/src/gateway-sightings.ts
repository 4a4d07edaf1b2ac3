// When route last saw each gateway in ZooKeeper, kept in Redis so a restarted route still knows which are missing.
// Every time is Redis' own (TIME): the routes writing and comparing them may have clocks that disagree.
import type { ClientContext, Result } from "ioredis";
import { keys } from "./keys.js";
import type { RedisClient } from "./redis.js";

/** Redis' clock in ms (TIME) as a script sees it. */
const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: the sightings hash. ARGV: gateway ids, each seen now. Returns Redis' now (ms).
const SEEN = `${NOW_MS}
for i = 1, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], now) end
return now`;

// KEYS: the sightings hash. Returns {Redis' now (ms), the hash's fields and values}.
const ALL = `${NOW_MS}
return {now, redis.call('HGETALL', KEYS[1])}`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See SEEN. */
    cimGatewaysSeen(sightings: string, ...gatewayIds: string[]): Result<number, Context>;
    /** See ALL. */
    cimGatewaySightings(sightings: string): Result<[number, string[]], Context>;
  }
}

export class GatewaySightings {
  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimGatewaysSeen", { numberOfKeys: 1, lua: SEEN });
    redis.defineCommand("cimGatewaySightings", { numberOfKeys: 1, lua: ALL });
  }

  /** These gateways are in ZooKeeper now, by Redis' clock; returns that time (ms since the epoch). */
  seen(gatewayIds: readonly string[]): Promise<number> {
    return this.redis.cimGatewaysSeen(keys.gatewaysSeen, ...gatewayIds);
  }

  /** Every gateway ever noted, with when it was last seen, and Redis' clock now (ms since the epoch). */
  async all(): Promise<{ now: number; seen: Map<string, number> }> {
    const [now, fields] = await this.redis.cimGatewaySightings(keys.gatewaysSeen);
    const seen = new Map<string, number>();
    for (let i = 0; i + 1 < fields.length; i += 2) seen.set(fields[i]!, Number(fields[i + 1]) || 0);
    return { now, seen };
  }

  /** Forgets gateways (gone long enough to count as removed on purpose). */
  async forget(gatewayIds: readonly string[]): Promise<void> {
    if (gatewayIds.length) await this.redis.hdel(keys.gatewaysSeen, ...gatewayIds);
  }
}
