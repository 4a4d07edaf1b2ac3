// A conversation's deletions set made complete: deletions stored before the set existed (sec20, 2026-11-29) are
// found in the stream once and noted, with a mark that says so.
import { unlessWriteRefused, type RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { readAfter } from "./stream-reads.js";
import { SharedRuns } from "./shared-runs.js";

/**
 * The member of a conversation's deletions set (score +inf, above every msgId, so trimming the oldest never drops it)
 * that says the set holds every deletion of the stream: the backfill writes it.
 */
export const DELETIONS_COMPLETE = "complete";
/** Entries read per step of a backfill. */
const BACKFILL_PAGE = 1_000;
/** Members written per ZADD of a backfill. */
const ZADD_CHUNK = 500;

/** Backfills under way in this process, per client and conversation: readers asking at once share one. */
const running = new SharedRuns<Set<string>>();

/**
 * Reads the conversation's whole stream and notes every message a deletion in it names, then marks the set complete
 * (DELETIONS_COMPLETE). Idempotent: run again (two processes at once) it adds nothing wrong. Resolves with the msgIds
 * found deleted. Nothing is trimmed: the stream holds no more deletions than entries, and `noteDeletion` keeps its own
 * bound as deletions come.
 */
export function backfillDeletions(redis: RedisClient, convKey: string): Promise<Set<string>> {
  return running.run(redis, convKey, () => scanAndNote(redis, convKey));
}

async function scanAndNote(redis: RedisClient, convKey: string): Promise<Set<string>> {
  const stream = conv.messages(convKey);
  const found = new Set<string>();
  for (let after = "0"; ;) {
    const page = await readAfter(redis, stream, after, BACKFILL_PAGE);
    for (const { message } of page) if (message.editOf && message.deleted) found.add(message.editOf);
    if (page.length < BACKFILL_PAGE) break;
    after = page.at(-1)!.position;
  }
  const key = conv.deletions(convKey);
  const ids = [...found];
  const step = redis.multi();
  for (let i = 0; i < ids.length; i += ZADD_CHUNK) step.zadd(key, ...ids.slice(i, i + ZADD_CHUNK).flatMap((id) => [Number(id), id]));
  step.zadd(key, "+inf", DELETIONS_COMPLETE);
  // A Redis refusing writes (a full disk, min-replicas-to-write unmet) still serves reads: the read that asked is
  // answered from the scan, and the next one scans again until the notes and the mark are written.
  await step.exec().catch(unlessWriteRefused);
  return found;
}

/**
 * Which of `ids` (msgIds of the conversation) were deleted, in their order: one ZMSCORE, which also asks for the
 * mark; a set without it (older deletions not noted yet) is backfilled from the stream first, once.
 */
export async function deletedAmong(redis: RedisClient, convKey: string, ids: readonly string[]): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const [complete, ...scores] = await redis.zmscore(conv.deletions(convKey), DELETIONS_COMPLETE, ...ids);
  const found = complete === null ? await backfillDeletions(redis, convKey) : undefined;
  return ids.map((id, i) => scores[i] !== null || found?.has(id) === true);
}
