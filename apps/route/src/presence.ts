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
   * The user's devices on gateways that `isLive` accepts: its logins holding sockets there (`cim-u:{u:<id>}:logins`,
   * "<gatewayId> <sessionId>" -> sockets; a login on several gateways is one device), plus each socket of
   * `cim-u:{u:<id>}:gateways` that no login field accounts for (a gateway of a version that wrote no logins). A gateway
   * that died leaves its counts behind until it is released; they do not count. Counted as sockets before (sec25): one
   * stolen token open on 10 sockets was 10 devices, and the owner's own login was refused `too_many_devices`.
   */
  async liveDevices(userId: string, isLive: (gatewayId: string) => boolean): Promise<number> {
    const [counts, logins] = await Promise.all([this.redis.hgetall(user.gateways(userId)), this.redis.hgetall(user.logins(userId))]);
    const devices = new Set<string>();
    const attributed = new Map<string, number>();
    for (const [field, count] of Object.entries(logins)) {
      const [gatewayId = "", sessionId = ""] = field.split(" ");
      const sockets = Math.max(0, Number(count) || 0);
      if (!isLive(gatewayId) || sockets === 0) continue;
      devices.add(sessionId);
      attributed.set(gatewayId, (attributed.get(gatewayId) ?? 0) + sockets);
    }
    let unattributed = 0;
    for (const [gatewayId, count] of Object.entries(counts)) {
      if (isLive(gatewayId)) unattributed += Math.max(0, (Number(count) || 0) - (attributed.get(gatewayId) ?? 0));
    }
    return devices.size + unattributed;
  }
}
