// The deleted messages of each conversation, so a deleted message's text, its edits' and the quote a reply keeps of
// it (quote-excerpt.ts) are handed out blank wherever they are read (history, search, recovery, the readers behind
// live delivery), whenever the deletion came.
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import type { StoredMessage, StreamEntry } from "./records.js";
import { deletedAmong } from "./deletion-backfill.js";

export { backfillDeletions, DELETIONS_COMPLETE } from "./deletion-backfill.js";

/**
 * The newest deletions kept per conversation at least (a sorted set by msgId); a stream kept longer than this keeps
 * as many notes as its entries (`deletionsKept`). Older ones are dropped as the stream is trimmed. A deletion is noted
 * by the script that stores it (note_event, message-scripts.ts). The note never lapses: the stream's age limit trims
 * it only when new messages are stored (a quiet conversation keeps its deleted message for ever), and a lapsed note
 * handed the deleted text out again (sec22).
 */
export const DELETIONS_KEPT = 10_000;

/**
 * How many notes a conversation keeps when its stream keeps about `maxLenPerStream` entries: a deletion still in the
 * stream needs its note (its message, or a reply quoting it, is there to be read), and there are no more of those
 * than entries.
 */
export const deletionsKept = (maxLenPerStream: number): number => Math.max(DELETIONS_KEPT, maxLenPerStream);

/** True when msgId of the conversation was deleted (among the DELETIONS_KEPT newest deletions). */
export async function wasDeleted(redis: RedisClient, convKey: string, msgId: string): Promise<boolean> {
  return (await deletedAmong(redis, convKey, [msgId]))[0] === true;
}

/** What a message is shown by: its own msgId, or for an edit the message it edits. */
const shownAs = (message: StoredMessage) => message.editOf || message.msgId;
/** A message or edit that carries text a deletion takes back (not the deletion itself, not a reaction). */
const carriesText = (message: StoredMessage) => !message.reactTo && !message.deleted && message.text !== "";

function byConversation(messages: readonly StoredMessage[]): Map<string, StoredMessage[]> {
  const groups = new Map<string, StoredMessage[]>();
  for (const message of messages) {
    const key = conv.ofMessage(message.from, message.to, message.room);
    const list = groups.get(key) ?? [];
    list.push(message);
    groups.set(key, list);
  }
  return groups;
}

/**
 * Blanks, in place, the quote text of every reply in `messages` whose quoted message has been deleted since: one read
 * per conversation holding such a reply (none when no reply carries a quote text).
 */
export async function blankDeletedQuotes(redis: RedisClient, messages: readonly StoredMessage[]): Promise<void> {
  const replies = messages.filter((message) => message.replyTo && message.replyText);
  await Promise.all(
    [...byConversation(replies)].map(async ([key, list]) => {
      const deleted = await deletedAmong(redis, key, list.map((reply) => reply.replyTo!));
      list.forEach((reply, i) => {
        if (deleted[i]) reply.replyText = "";
      });
    }),
  );
}

/**
 * Blanks, in place, the text of every message of `messages` (one conversation's, `convKey`) that its sender deleted
 * since, and of its edits: a history page hands them out as "" even when the client never reads the page of the
 * deletion.
 */
export async function blankDeletedMessages(redis: RedisClient, convKey: string, messages: readonly StoredMessage[]): Promise<void> {
  const shown = messages.filter(carriesText);
  const deleted = await deletedAmong(redis, convKey, shown.map(shownAs));
  shown.forEach((message, i) => {
    if (deleted[i]) message.text = "";
  });
}

/**
 * Blanks, in place, what a read of a stream (a room's, or an inbox: several conversations) hands out of messages
 * deleted by the time it was read: their text and their edits' (CONTRACT: "" as history gives them), and replies'
 * quotes of them. The deletions the read itself holds cost nothing. `complete`: the read reached the stream's end, so
 * every deletion stored before it is among its entries (a deletion's entry follows its message's), and the
 * conversations' deletions sets are not asked: the live readers' reads. A full page (a device catching up) may stop
 * before a deletion: its messages are looked up, one ZMSCORE per conversation. The quotes of messages deleted before
 * the read's first entry are looked up as before (blankDeletedQuotes: only when a reply in it carries a quote).
 */
export async function blankDeletedInRead(redis: RedisClient, entries: readonly StreamEntry[], complete: boolean): Promise<void> {
  const messages = entries.map((entry) => entry.message);
  const where = (message: StoredMessage, msgId: string) => `${conv.ofMessage(message.from, message.to, message.room)} ${msgId}`;
  const deletedHere = new Set(messages.filter((m) => m.editOf && m.deleted).map((m) => where(m, m.editOf!)));
  const open: StoredMessage[] = [];
  for (const message of messages) {
    if (message.replyTo && message.replyText && deletedHere.has(where(message, message.replyTo))) message.replyText = "";
    if (!carriesText(message)) continue;
    if (deletedHere.has(where(message, shownAs(message)))) message.text = "";
    else if (!complete) open.push(message);
  }
  await Promise.all([
    ...[...byConversation(open)].map(([key, list]) => blankDeletedMessages(redis, key, list)),
    blankDeletedQuotes(redis, messages),
  ]);
}
