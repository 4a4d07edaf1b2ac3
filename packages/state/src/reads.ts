// Read positions: per user, per conversation (as the client names it), the msgId read up to; forward only.
import { EVERYONE_ROOM } from "@cim/protocol";
import type { RedisClient } from "./redis.js";
import { defineForwardField } from "./forward-field.js";
import { conv, user } from "./keys.js";
import { newestPosition } from "./stream-reads.js";

export class ReadStore {
  constructor(private readonly redis: RedisClient) {
    defineForwardField(redis);
  }

  /** Moves `userId`'s read position in `conversation` to `msgId`; false (unchanged) when it is not newer. */
  async setRead(userId: string, conversation: string, msgId: string): Promise<boolean> {
    return (await this.redis.cimSetForward(user.read(userId), user.gone(userId), conversation, msgId)) === 1;
  }

  /**
   * New accounts read the group on from its newest message now: the group's history is there to read, not counted
   * unread (a room's new member starts where it joined the same way, see RoomStore.join).
   */
  async startInGroup(userIds: readonly string[]): Promise<void> {
    const newest = await newestPosition(this.redis, conv.messages(conv.ofRoom(EVERYONE_ROOM)));
    if (newest === "0") return;
    await Promise.all(userIds.map((userId) => this.setRead(userId, EVERYONE_ROOM, newest)));
  }

  /**
   * The user opened room `roomId` (on any device) when its newest event was `eventTs` (ms, the event's history `ts`):
   * an invitation no newer is no news on another device, though an empty room gives no message to read past it. Kept
   * forward only; false when unchanged (not newer, or the account is gone).
   */
  async openedRoom(userId: string, roomId: string, eventTs: number): Promise<boolean> {
    return (await this.redis.cimSetForward(user.roomsOpened(userId), user.gone(userId), roomId, String(eventTs))) === 1;
  }

  /** The rooms the user opened: roomId -> the ts of their newest event then (see openedRoom). */
  async roomsOpened(userId: string): Promise<Record<string, number>> {
    const marks = await this.redis.hgetall(user.roomsOpened(userId));
    return Object.fromEntries(Object.entries(marks).map(([roomId, ts]) => [roomId, Number(ts)]));
  }

  /** The user left room `roomId`: a later invitation to it is news again, and the mark is not kept for nothing. */
  async forgetOpened(userId: string, roomId: string): Promise<void> {
    await this.redis.hdel(user.roomsOpened(userId), roomId);
  }

  /** Every read position of the user: conversation -> msgId. */
  positions(userId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(user.read(userId));
  }
}
