// The deleted messages of each conversation, so the quote a reply keeps of one (quote-excerpt.ts) is handed out
// blank wherever the reply is read (history, recovery), whenever the deletion came.
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import type { StoredMessage } from "./records.js";

/**
 * The newest deletions kept per conversation at least (a sorted set by msgId); a stream kept longer than this keeps
 * as many notes as its entries (`deletionsKept`). Older ones are dropped as the stream is trimmed.
 */
export const DELETIONS_KEPT = 10_000;

/**
 * How many notes a conversation keeps when its stream keeps about `maxLenPerStream` entries: a deletion still in the
 * stream needs its note (its message, or a reply quoting it, is there to be read), and there are no more of those
 * than entries.
 */
export const deletionsKept = (maxLenPerStream: number): number => Math.max(DELETIONS_KEPT, maxLenPerStream);

/**
 * Notes that msgId of the conversation was deleted (idempotent), keeping the newest `kept`. The note never lapses:
 * the stream's age limit trims it only when new messages are stored (a quiet conversation keeps its deleted
 * message for ever), and a lapsed note handed the deleted text out again (sec22).
 */
export async function noteDeletion(redis: RedisClient, convKey: string, msgId: string, kept = DELETIONS_KEPT): Promise<void> {
  const key = conv.deletions(convKey);
  await redis.zadd(key, Number(msgId), msgId);
  await redis.zremrangebyrank(key, 0, -(kept + 1));
}

/** True when msgId of the conversation was deleted (among the DELETIONS_KEPT newest deletions). */
export async function wasDeleted(redis: RedisClient, convKey: string, msgId: string): Promise<boolean> {
  return (await redis.zscore(conv.deletions(convKey), msgId)) !== null;
}

/**
 * Blanks, in place, the quote text of every reply in `messages` whose quoted message has been deleted since: one read
 * per conversation holding such a reply (none when no reply carries a quote text).
 */
export async function blankDeletedQuotes(redis: RedisClient, messages: readonly StoredMessage[]): Promise<void> {
  const byConversation = new Map<string, StoredMessage[]>();
  for (const message of messages) {
    if (!message.replyTo || !message.replyText) continue;
    const key = conv.ofMessage(message.from, message.to, message.room);
    const list = byConversation.get(key) ?? [];
    list.push(message);
    byConversation.set(key, list);
  }
  await Promise.all(
    [...byConversation].map(async ([key, replies]) => {
      const scores = await redis.zmscore(conv.deletions(key), ...replies.map((reply) => reply.replyTo!));
      replies.forEach((reply, i) => {
        if (scores[i] !== null) reply.replyText = "";
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
  const shown = messages.filter((message) => !message.reactTo && !message.deleted && message.text);
  if (shown.length === 0) return;
  const scores = await redis.zmscore(conv.deletions(convKey), ...shown.map((message) => message.editOf || message.msgId));
  shown.forEach((message, i) => {
    if (scores[i] !== null) message.text = "";
  });
}
