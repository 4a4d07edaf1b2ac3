// When route last saw each gateway in ZooKeeper, kept in Redis so a restarted route still knows which are missing.
import { keys } from "./keys.js";
import type { RedisClient } from "./redis.js";

export class GatewaySightings {
  constructor(private readonly redis: RedisClient) {}

  /** These gateways are in ZooKeeper at `at` (ms since the epoch). */
  async seen(gatewayIds: readonly string[], at: number): Promise<void> {
    if (gatewayIds.length === 0) return;
    await this.redis.hset(keys.gatewaysSeen, Object.fromEntries(gatewayIds.map((id) => [id, String(at)])));
  }

  /** Every gateway ever noted, with when it was last seen. */
  async all(): Promise<Map<string, number>> {
    const stored = await this.redis.hgetall(keys.gatewaysSeen);
    return new Map(Object.entries(stored).map(([id, at]) => [id, Number(at) || 0]));
  }

  /** Forgets gateways (gone long enough to count as removed on purpose). */
  async forget(gatewayIds: readonly string[]): Promise<void> {
    if (gatewayIds.length) await this.redis.hdel(keys.gatewaysSeen, ...gatewayIds);
  }
}
