// The gateway bus over Redis pub/sub: messages between gateways (and from route), as a tagged union.
import type { Redis } from "ioredis";
import { channels } from "./keys.js";
import type { StoredMessage } from "./messages.js";
import type { SessionStore } from "./sessions.js";

/**
 * Everything one node tells gateways. Pub/sub is at-most-once, so messages travel as wake-ups:
 * the gateway reads the streams (the truth) from where each reader is.
 */
export type ClusterMessage =
  | { type: "inbox"; userId: string }
  | { type: "group" }
  | { type: "presence"; userId: string; userName: string; online: boolean }
  | { type: "delivered"; to: string; msgId: string; by: string }
  /** Close the user's session there unless it is connection `keepConnection` ("" closes it whatever it is). */
  | { type: "kick"; userId: string; keepConnection: string };

/** Publishes cluster messages to the gateway that holds a user, or to all gateways. */
export class BusPublisher {
  constructor(private readonly redis: Redis, private readonly sessions: SessionStore) {}

  /** Sends to the gateway holding `userId`; false when the user is offline. */
  async toUser(userId: string, message: ClusterMessage): Promise<boolean> {
    const gatewayId = await this.sessions.routeOf(userId);
    if (!gatewayId) return false;
    await this.toGateway(gatewayId, message);
    return true;
  }

  async toGateway(gatewayId: string, message: ClusterMessage): Promise<void> {
    await this.redis.publish(channels.gateway(gatewayId), JSON.stringify(message));
  }

  async toAll(message: ClusterMessage): Promise<void> {
    await this.redis.publish(channels.all, JSON.stringify(message));
  }

  /** Wakes the readers of a stored message: the recipient's gateway, or every gateway for the group. */
  async routeMessage(message: StoredMessage): Promise<void> {
    if (message.to) await this.toUser(message.to, { type: "inbox", userId: message.to });
    else await this.toAll({ type: "group" });
  }
}

/** Parses a bus payload; null when it is not a cluster message (logged by the caller). */
export function parseClusterMessage(payload: string): ClusterMessage | null {
  try {
    const value = JSON.parse(payload) as { type?: unknown };
    return typeof value === "object" && value !== null && typeof value.type === "string" ? (value as ClusterMessage) : null;
  } catch {
    return null;
  }
}
