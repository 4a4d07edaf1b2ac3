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
  /** New private messages for `userId`; `message` is the newest, `prev` the inbox entry before it. */
  | { type: "inbox"; userId: string; message?: StoredMessage; prev?: string }
  /** New group messages; `message` is the newest, `prev` the group entry before it. */
  | { type: "group"; message?: StoredMessage; prev?: string }
  | { type: "presence"; userId: string; userName: string; online: boolean }
  | { type: "delivered"; to: string; msgId: string; by: string }
  /** Route changed a room's membership (in the room's and the user's keys): `userId` joined, left or was invited. */
  | { type: "room"; room: string; name: string; userId: string; userName: string; kind: "joined" | "left" | "invited" }
  /**
   * With `sessionId`: that login was revoked (logout); close its sockets. Without: close the user's session
   * there unless it is connection `keepConnection`; "" (a logout naming no login) closes only logins that
   * are revoked in Redis.
   */
  | { type: "kick"; userId: string; keepConnection: string; sessionId?: string };

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
