// Presence as route reads it: who is online, and how many live sessions (devices) a user has across gateways.
import { keys, user, type RedisClient } from "@cim/state";

export class Presence {
  constructor(private readonly redis: RedisClient) {}

  /** Whether each user is online (in `cim-online`), in the order given. */
  async online(userIds: readonly string[]): Promise<boolean[]> {
    if (userIds.length === 0) return [];
    return (await this.redis.smismember(keys.online, ...userIds)).map((flag) => flag === 1);
  }

  /**
   * The user's sessions on gateways that `isLive` accepts: the sum of the counts in `cim-u:{u:<id>}:gateways`
   * (a gateway that died leaves its count behind until it is released; it does not count).
   */
  async liveSessions(userId: string, isLive: (gatewayId: string) => boolean): Promise<number> {
    const counts = await this.redis.hgetall(user.gateways(userId));
    let sessions = 0;
    for (const [gatewayId, count] of Object.entries(counts)) if (isLive(gatewayId)) sessions += Math.max(0, Number(count) || 0);
    return sessions;
  }
}
