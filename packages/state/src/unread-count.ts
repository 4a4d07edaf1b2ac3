// Counting a conversation's unread messages: from the newest entry back to the reader's position, a bounded read.
import type { RedisClient } from "./redis.js";
import { entryNumber, isEvent, toEntry } from "./records.js";

/**
 * Entries read at most to count one conversation's unread messages, newest first (sec24): the count skips events,
 * the reader's own messages and those of users it blocks, and read all of them after its position, so a user who
 * wrote thousands of its own messages or reactions into a room and sent no Read made each list of its conversations
 * read the whole stream (10,000 entries each, about 0.35 s of route's CPU a room), as often as it asked.
 */
export const UNREAD_SCAN = 2_000;
/** Entries read per step. */
const PAGE = 500;

export interface UnreadQuery {
  userId: string;
  /** Counted up to this many. */
  cap: number;
  /** The reader's position: entries after it count. */
  after: string;
  /** Senders whose messages are not counted (those a user blocks, in a room). */
  uncounted?: ReadonlySet<string>;
}

/**
 * Messages from others after `after` in the stream `key`, among its newest UNREAD_SCAN entries after it, counted up
 * to `cap`; events (edits, deletions, reactions) are not, nor is a message deleted since: its deletion comes after
 * it, so it is read first.
 */
export async function countUnreadIn(redis: RedisClient, key: string, query: UnreadQuery): Promise<number> {
  const start = query.after && query.after !== "0" ? `(${query.after}-0` : "-";
  const deleted = new Set<string>();
  let counted = 0;
  let end = "+";
  for (let read = 0; read < UNREAD_SCAN;) {
    const count = Math.min(PAGE, UNREAD_SCAN - read);
    const page = await redis.xrevrange(key, end, start, "COUNT", count);
    for (const [id, fields] of page) {
      const { message } = toEntry(id, fields);
      if (message.editOf && message.deleted) deleted.add(message.editOf);
      else if (message.from !== query.userId && !isEvent(message) && !query.uncounted?.has(message.from) && !deleted.has(message.msgId) && ++counted >= query.cap) return query.cap;
    }
    if (page.length < count) break;
    read += page.length;
    end = `(${entryNumber(page.at(-1)![0])}-0`;
  }
  return counted;
}
