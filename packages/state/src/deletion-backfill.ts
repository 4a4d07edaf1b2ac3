// A conversation's deletions set made complete: deletions stored before the set existed (sec20, 2026-11-29) are
// found in the stream once and noted, with a mark that says so.
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { NoteSet, NOTES_COMPLETE } from "./note-sets.js";

/** The mark of a deletions set that holds every deletion of the stream. */
export const DELETIONS_COMPLETE = NOTES_COMPLETE;

/** The deletions set: each deleted message, scored by its own msgId. */
const deletions = new NoteSet(conv.deletions, (message) => (message.editOf && message.deleted ? [message.editOf, message.editOf] : undefined));

/**
 * Reads the conversation's whole stream and notes every message a deletion in it names, then marks the set complete
 * (DELETIONS_COMPLETE). Resolves with the msgIds found deleted.
 */
export async function backfillDeletions(redis: RedisClient, convKey: string): Promise<Set<string>> {
  return new Set((await deletions.fill(redis, convKey)).keys());
}

/**
 * Which of `ids` (msgIds of the conversation) were deleted, in their order: one ZMSCORE, which also asks for the
 * mark; a set without it (older deletions not noted yet) is filled from the stream first, once.
 */
export async function deletedAmong(redis: RedisClient, convKey: string, ids: readonly string[]): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const { scores, filled } = await deletions.scores(redis, convKey, ids);
  return ids.map((id, i) => scores[i] !== null || filled?.has(id) === true);
}
