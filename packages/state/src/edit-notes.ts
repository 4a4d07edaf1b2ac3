// The newest edit of each edited message of a conversation (cim-c:{c:<conv>}:edits), so a message and its earlier
// edits are handed out with the newest text wherever they are read, however far after it the edit lies.
import { compareIds } from "@cim/protocol";
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { NoteSet, NOTES_COMPLETE } from "./note-sets.js";
import { entryAt } from "./stream-reads.js";

/** The mark of an edits set that holds every edit of the stream. */
export const EDITS_COMPLETE = NOTES_COMPLETE;

/** A message's newest edit: its msgId and its text. */
export interface NewestEdit {
  msgId: string;
  text: string;
}

// An edit is noted by the script that stores it (note_event, message-scripts.ts): ZADD GT (an older edit noted late,
// or a resend, never replaces a newer one), keeping the newest deletionsKept(maxLen) and the mark. Trimmed like the
// deletions: an edit that as many newer ones push out lies before as many entries, so its message has left the
// stream too.

/** The edits set: each edited message, scored by the msgId of its newest edit (a later edit in the stream wins). */
const edits = new NoteSet(conv.edits, (message) => (message.editOf && !message.deleted ? [message.editOf, message.msgId] : undefined));

/**
 * Reads the conversation's whole stream once and notes each edited message's newest edit, then marks the set
 * complete: edits stored before the set existed (2026-11-30). Resolves with what it found.
 */
export function backfillEdits(redis: RedisClient, convKey: string): Promise<Map<string, string>> {
  return edits.fill(redis, convKey);
}

/**
 * The msgId of the newest edit of each of `ids` (msgIds of the conversation), null for one never edited: one
 * ZMSCORE, which also asks for the mark; a set without it is filled from the stream first, once.
 */
export async function newestEditIds(redis: RedisClient, convKey: string, ids: readonly string[]): Promise<Array<string | null>> {
  if (ids.length === 0) return [];
  const { scores, filled } = await edits.scores(redis, convKey, ids);
  return ids.map((id, i) => {
    const score = scores[i];
    const noted = score === null ? null : BigInt(Number(score)).toString();
    const backfilled = filled?.get(id) ?? null;
    if (noted === null || backfilled === null) return noted ?? backfilled;
    return compareIds(noted, backfilled) >= 0 ? noted : backfilled;
  });
}

/**
 * The newest edits of `ids` in the conversation, those newer than `known` (a newest edit the caller holds already,
 * by target): one ZMSCORE, and one entry read per edit to fetch. An entry that is not an edit of its target (never
 * noted so, but checked) is left out.
 */
export async function newestEdits(
  redis: RedisClient, convKey: string, ids: readonly string[], known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, NewestEdit>> {
  const unique = [...new Set(ids)];
  const editIds = await newestEditIds(redis, convKey, unique);
  const wanted = unique.flatMap((id, i) => {
    const edit = editIds[i];
    const held = known.get(id);
    return edit && (!held || compareIds(edit, held) > 0) ? [[id, edit] as const] : [];
  });
  const stream = conv.messages(convKey);
  const out = new Map<string, NewestEdit>();
  await Promise.all(wanted.map(async ([id, edit]) => {
    const message = (await entryAt(redis, stream, edit))?.message;
    if (message?.editOf === id && !message.deleted && !message.reactTo) out.set(id, { msgId: edit, text: message.text });
  }));
  return out;
}
