// What a stored edit or deletion notes beside its conversation's stream: the deletions set (deleted-quotes.ts) or
// the edits set (edit-notes.ts), which every read asks for what its own entries do not tell.
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { deletionsKept, noteDeletion } from "./deleted-quotes.js";
import { noteEdit } from "./edit-notes.js";
import { toEntry, type StoredMessage } from "./records.js";

/**
 * Notes a stored deletion in the conversation's deletions, an edit in its edits (nothing for other messages). A
 * resent one (duplicate) is noted again, the first may have been stored and not noted: from the entry stored, whose
 * target (and kind) a resend naming another message does not change.
 */
export async function noteEvent(redis: RedisClient, convKey: string, result: { message: StoredMessage; duplicate: boolean }, maxLenPerStream: number): Promise<void> {
  let stored: StoredMessage | undefined = result.message;
  if (result.duplicate) {
    const id = `${result.message.msgId}-0`;
    const [entry] = await redis.xrange(conv.messages(convKey), id, id);
    stored = entry ? toEntry(entry[0], entry[1]).message : undefined;
  }
  if (!stored?.editOf) return;
  const kept = deletionsKept(maxLenPerStream);
  if (stored.deleted) await noteDeletion(redis, convKey, stored.editOf, kept);
  else await noteEdit(redis, convKey, stored.editOf, stored.msgId, kept);
}
