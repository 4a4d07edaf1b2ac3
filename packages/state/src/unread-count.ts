// Counting a conversation's unread messages: from the newest entry back to the reader's position, a bounded read.
import type { RedisClient } from "./redis.js";
import { compareIds } from "@cim/protocol";
import { entryNumber, isEvent, toEntry } from "./records.js";

/**
 * Entries read at most to count one conversation's unread messages, newest first (sec24): the count skips events,
 * the reader's own messages and those of users it blocks, and read all of them after its position, so a user who
 * wrote thousands of its own messages or reactions into a room and sent no Read made each list of its conversations
 * read the whole stream (10,000 entries each, about 0.35 s of route's CPU a room), as often as it asked.
 */
export const UNREAD_SCAN = 2_000;
/** Entries read by the first step (most counts end in it) and the one after a run stepped over; then by each next one. */
const FIRST_PAGE = 50;
const PAGE = 650; // 50 + 3 × 650: the bound in four reads, as before (four of 500)

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
 * Messages from others after `after` in the stream `key`, reading at most UNREAD_SCAN of its entries after it, newest
 * first, counted up to `cap`; events (edits, deletions, reactions) are not, nor is a message deleted since: its
 * deletion comes after it, so it is read first. A room's entry that continues a run of one sender's entries names the
 * run's first (field `run`, message-scripts.ts `run_start`): a run of the reader's own entries, or of a user it does
 * not count, is stepped over from its newest entry, unread (review26: another member's message, then a long run of
 * the reader's own, read the whole run, up to the bound). Private pairs' streams carry no `run`.
 */
export async function countUnreadIn(redis: RedisClient, key: string, query: UnreadQuery): Promise<number> {
  const start = query.after && query.after !== "0" ? `(${query.after}-0` : "-";
  const skipped = (from: string) => from === query.userId || query.uncounted?.has(from) === true;
  const deleted = new Set<string>();
  let counted = 0;
  let end = "+";
  // Small where the count likely ends: at first, and past a run stepped over (another may follow at once).
  let small = true;
  for (let read = 0; read < UNREAD_SCAN;) {
    const count = Math.min(small ? FIRST_PAGE : PAGE, UNREAD_SCAN - read);
    const page = await redis.xrevrange(key, end, start, "COUNT", count);
    // The first entry of a run being stepped over: the entries from it on, in this page, are of that run.
    let runFrom = "";
    for (const [id, fields] of page) {
      if (runFrom && compareIds(entryNumber(id), runFrom) >= 0) continue;
      runFrom = "";
      const { message } = toEntry(id, fields);
      if (skipped(message.from)) runFrom = runOf(fields);
      if (message.editOf && message.deleted) deleted.add(message.editOf);
      else if (!skipped(message.from) && !isEvent(message) && !deleted.has(message.msgId) && ++counted >= query.cap) return query.cap;
    }
    if (page.length < count) break;
    read += page.length;
    small = runFrom !== "";
    end = `(${runFrom || entryNumber(page.at(-1)![0])}-0`;
  }
  return counted;
}

/** The `run` field of a stream entry's fields, "" when it has none. */
function runOf(fields: string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "run") return fields[i + 1]!;
  return "";
}
