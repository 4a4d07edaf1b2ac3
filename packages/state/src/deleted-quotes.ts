// The deleted messages of each conversation, so the quote a reply keeps of one (quote-excerpt.ts) is handed out
// blank wherever the reply is read (history, recovery), whenever the deletion came.
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import type { StoredMessage } from "./records.js";

/** The newest deletions kept per conversation (a sorted set by msgId); older ones are dropped as a stream is trimmed. */
export const DELETIONS_KEPT = 10_000;

/** Notes that msgId of the conversation was deleted (idempotent); `maxAgeSeconds` > 0 lets the note lapse with its stream. */
export async function noteDeletion(redis: RedisClient, convKey: string, msgId: string, maxAgeSeconds = 0): Promise<void> {
  const key = conv.deletions(convKey);
  await redis.zadd(key, Number(msgId), msgId);
  await redis.zremrangebyrank(key, 0, -(DELETIONS_KEPT + 1));
  if (maxAgeSeconds > 0) await redis.expire(key, maxAgeSeconds);
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
