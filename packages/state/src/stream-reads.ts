// Reads shared by the conversation streams and the inboxes: entries after a position, the newest one, trimming.
import type { RedisClient } from "./redis.js";
import { compareIds } from "@cim/protocol";
import { entryNumber, toEntry, type StreamEntry } from "./records.js";

/** Entries after position `after` ("" or "0": from the start), oldest first. */
export async function readAfter(redis: RedisClient, key: string, after: string, count: number): Promise<StreamEntry[]> {
  const start = after && after !== "0" ? `(${after}-0` : "-";
  const entries = await redis.xrange(key, start, "+", "COUNT", count);
  return entries.map(([id, fields]) => toEntry(id, fields));
}

/** The entry at position `position` of the stream `key`, undefined when there is none. */
export async function entryAt(redis: RedisClient, key: string, position: string): Promise<StreamEntry | undefined> {
  const id = `${position}-0`;
  const [entry] = await redis.xrange(key, id, id);
  return entry && toEntry(entry[0], entry[1]);
}

/**
 * The newest entry's position, "0" when the stream is empty or missing; with `upTo` (a msgId), the newest entry at or
 * before it (a list's order as it was when its first page was read).
 */
export async function newestPosition(redis: RedisClient, key: string, upTo = "+"): Promise<string> {
  const [entry] = await redis.xrevrange(key, upTo, "-", "COUNT", 1);
  return entry ? entryNumber(entry[0]) : "0";
}

/**
 * True when entries after `after` were trimmed away, so reading on from it would skip some. Trimming takes the oldest
 * entries first: the newest one taken is the one before the oldest left, which a room's and an inbox's entries name
 * (field `prev`, written by their scripts, message-scripts.ts `with_prev`), so a reader standing at it is told it lost
 * nothing (review26); an oldest entry stored before that field (2026-11-30) tells only that it is newer than what was
 * trimmed, and any reader before it is told.
 */
export async function trimmedAfter(redis: RedisClient, key: string, after: string): Promise<boolean> {
  let info: unknown[];
  try {
    info = (await redis.xinfo("STREAM", key)) as unknown[];
  } catch {
    return false; // no such stream: nothing was trimmed
  }
  const field = (name: string) => info[info.indexOf(name) + 1];
  const trimmed = Number(field("entries-added") ?? 0) > Number(field("length") ?? 0);
  const first = field("first-entry") as [string, string[]] | null;
  const prevAt = first ? first[1].findIndex((name, i) => i % 2 === 0 && name === "prev") : -1;
  if (prevAt >= 0) return trimmed && compareIds(first![1][prevAt + 1]!, after || "0") > 0;
  // Trimming removes the oldest entries: anything deleted is older than the first one left. A stream trimmed to
  // nothing (the age sweep of a conversation gone quiet, retention.ts) lost every entry up to its newest ever.
  const oldestLeft = first ? entryNumber(first[0]) : entryNumber(String(field("last-generated-id") ?? "0-0"));
  return trimmed && compareIds(oldestLeft, after || "0") > 0;
}
