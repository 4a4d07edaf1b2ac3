// Read positions: per user, per conversation (as the client names it), the msgId read up to; forward only.
import type { RedisClient } from "./redis.js";
import { defineForwardField } from "./forward-field.js";
import { user } from "./keys.js";

export class ReadStore {
  constructor(private readonly redis: RedisClient) {
    defineForwardField(redis);
  }

  /** Moves `userId`'s read position in `conversation` to `msgId`; false (unchanged) when it is not newer. */
  async setRead(userId: string, conversation: string, msgId: string): Promise<boolean> {
    return (await this.redis.cimSetForward(user.read(userId), user.gone(userId), conversation, msgId)) === 1;
  }

  /** Every read position of the user: conversation -> msgId. */
  positions(userId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(user.read(userId));
  }
}
