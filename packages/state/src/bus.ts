// The gateway bus over Redis pub/sub (sharded channels on a Redis Cluster): messages between gateways (and from route), as a tagged union.
import { EVERYONE_ROOM } from "@cim/protocol";
import { publish, type RedisClient } from "./redis.js";
import { channels, presenceBucket } from "./keys.js";
import type { StoredMessage } from "./records.js";
import type { SessionStore } from "./sessions.js";

/**
 * Everything one node tells gateways. Pub/sub is at-most-once, so messages travel as wake-ups:
 * the gateway reads the streams (the truth) from where each reader is.
 */
export type ClusterMessage =
  /**
   * New private messages in `userId`'s inbox: `message` is the newest, at inbox position `entry`, sent from
   * device `dev`; `prev` is the inbox position before it ("" when unknown: read the inbox).
   */
  | { type: "inbox"; userId: string; message?: StoredMessage; entry?: string; prev?: string; dev?: string }
  /**
   * New messages of a room (`everyone` on cim-bus:all, others on cim-bus:room:{c:<roomId>}): `message` is the newest,
   * sent from device `dev`; `prev` is the msgId before it in the room ("" when unknown: read the stream).
   */
  | { type: "roomMessage"; room: string; message?: StoredMessage; prev?: string; dev?: string }
  /** `userId` came online or went offline: published on the user's presence bucket channel (channels.presence). */
  | { type: "presence"; userId: string; userName: string; online: boolean }
  /** For the devices of `to`: user `by` received `to`'s private message `msgId` (and those before it). */
  | { type: "delivered"; to: string; msgId: string; by: string }
  /**
   * For the devices of `to`: user `by` read `conversation` (named as `to` sees it) up to `msgId`; `by` is `to`
   * itself when another of its devices moved its own read position.
   */
  | { type: "read"; to: string; conversation: string; msgId: string; by: string }
  /**
   * Route changed a room's membership (in the room's and the user's keys): `userId` joined, left or was invited.
   * `after` (joined, invited): the room's newest msgId when the user became a member ("0": none); its sessions get
   * the room's messages after it. Absent (an older route): from whatever the gateway reads as the newest.
   * `by` and `byName` (left): the owner who removed the user (absent: the user left); (invited): the member who
   * added the user. `renamed`: the owner `userId` gave the room
   * the new `name`; no membership changes. `quiet`: a removal's copy on the room's channel (cim-bus:room:{c:<roomId>}),
   * which reaches a gateway in order with the room's wake-ups (on a cluster, cim-bus:all is another shard's
   * connection): it stops the member's delivery before any message stored after the removal, and sends no
   * RoomEvent (the copy on cim-bus:all does). The removal's script publishes it (RoomStore.leave; on a Redis Cluster
   * too, the room's channel lying in the room's slot), so it comes before the wake-up of a message stored between the
   * removal and route's answer.
   */
  | { type: "room"; room: string; name: string; userId: string; userName: string; kind: "joined" | "left" | "invited" | "renamed"; after?: string; by?: string; byName?: string; quiet?: boolean }
  /**
   * `userId` is typing (not stored; lost when pub/sub drops it, which only shortens an indicator). In a room
   * (`conversation` a roomId; on cim-bus:room:{c:<roomId>}, `everyone` on cim-bus:all) for its members' sessions; in a
   * private chat for the sessions of `to`, `conversation` then being `userId` (as `to` names the chat).
   */
  | { type: "typing"; conversation: string; userId: string; userName: string; to?: string }
  /**
   * From route, to the gateways of both users: `userId` now blocks `peer` (`blocked`), or no longer does. Typing,
   * receipts and presence between them stop (or start again); messages are refused by the stores either way.
   * `peerName`: the peer's name (absent from an older route), for the `BlockEvent` to `userId`'s sessions; `order`:
   * the state's order among `userId`'s block changes (`BlockChange`; absent from an older route), for it too.
   */
  | { type: "block"; userId: string; peer: string; blocked: boolean; peerName?: string; order?: number }
  /**
   * With `sessionId`: that login was revoked (logout); close its sockets. With `keepSession` (policy replace): a
   * newer login took over; close the user's sockets of every other login. With `keepConnection`: close the
   * user's sockets there but that connection. With none ("" `keepConnection`): close only the user's logins
   * that are revoked in Redis. `accountGone` (with none of the others; on cim-bus:all, for every gateway): the
   * account was deleted; each gateway also stops taking sends to the user at once, and removes the keys of the user
   * that its sockets wrote again once they closed. An older gateway ignores the field and only closes the logins.
   */
  | { type: "kick"; userId: string; keepConnection: string; sessionId?: string; keepSession?: string; accountGone?: boolean }
  /**
   * From route, to a gateway it saw gone from ZooKeeper and then registered again: route released the gateway's
   * users meanwhile (possibly after the gateway had claimed them again), so the gateway writes its session counts
   * again and reads every session's streams from its cursor.
   */
  | { type: "reclaim" };

/** How many times a presence change is published again when the state read after it differs (see presence). */
const PRESENCE_CONFIRM_ROUNDS = 3;

/** Publishes cluster messages to the gateways that hold a user, or to all gateways. */
export class BusPublisher {
  constructor(private readonly redis: RedisClient, private readonly sessions: SessionStore) {}

  /** Sends to every gateway holding a session of `userId`; false when the user is offline. */
  async toUser(userId: string, message: ClusterMessage): Promise<boolean> {
    const gatewayIds = await this.sessions.gatewaysOf(userId);
    await Promise.all(gatewayIds.map((id) => this.toGateway(id, message)));
    return gatewayIds.length > 0;
  }

  /** Sends once to every gateway holding a session of any of `userIds` (a gateway holding several gets one copy). */
  async toUsers(userIds: readonly string[], message: ClusterMessage): Promise<void> {
    const gatewayIds = new Set((await Promise.all(userIds.map((userId) => this.sessions.gatewaysOf(userId)))).flat());
    await Promise.all([...gatewayIds].map((id) => this.toGateway(id, message)));
  }

  async toGateway(gatewayId: string, message: ClusterMessage): Promise<void> {
    await publish(this.redis, channels.gateway(gatewayId), JSON.stringify(message));
  }

  async toAll(message: ClusterMessage): Promise<void> {
    await publish(this.redis, channels.all, JSON.stringify(message));
  }

  /**
   * Tells the gateways watching these users that they came online or went offline. The publishes go out together
   * (auto-pipelining); on a cluster each goes to its bucket's shard.
   *
   * Changes of one user are decided on different gateways (and by route for a gone gateway), and each publishes its
   * own: an 'offline' decided first may be published after the 'online' that followed it, and would stay the last
   * word while the user is online. So once published, each user's state is read again (sessions on any gateway) and
   * published again where it differs. Whoever publishes last reads after its publish, so the last word heard is the
   * state once changes stop.
   */
  async presence(changes: ReadonlyArray<{ userId: string; userName: string; online: boolean }>): Promise<void> {
    let pending = changes;
    for (let round = 0; pending.length > 0 && round <= PRESENCE_CONFIRM_ROUNDS; round++) {
      await Promise.all(pending.map(({ userId, userName, online }) => {
        const message: ClusterMessage = { type: "presence", userId, userName, online };
        return publish(this.redis, channels.presence(presenceBucket(userId)), JSON.stringify(message));
      }));
      const now = await Promise.all(pending.map(async (change) => ({ ...change, online: (await this.sessions.gatewaysOf(change.userId)).length > 0 })));
      pending = now.filter((change, i) => change.online !== pending[i]!.online);
    }
  }

  /** Sends to the gateways with a session in `room` (every gateway for `everyone`). */
  async toRoom(room: string, message: ClusterMessage): Promise<void> {
    await publish(this.redis, room === EVERYONE_ROOM ? channels.all : channels.room(room), JSON.stringify(message));
  }
}

/** Parses a bus payload; null when it is not a cluster message (logged by the caller). */
export function parseClusterMessage(payload: string): ClusterMessage | null {
  try {
    const value = JSON.parse(payload) as unknown;
    return isClusterMessage(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Parses a bus payload that holds one cluster message or, as the private-message script publishes a turn's
 * wake-ups to a gateway, a JSON array of them; null when it is neither (logged by the caller).
 */
export function parseClusterMessages(payload: string): ClusterMessage[] | null {
  try {
    const value = JSON.parse(payload) as unknown;
    if (isClusterMessage(value)) return [value];
    return Array.isArray(value) && value.length > 0 && value.every(isClusterMessage) ? value : null;
  } catch {
    return null;
  }
}

function isClusterMessage(value: unknown): value is ClusterMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
