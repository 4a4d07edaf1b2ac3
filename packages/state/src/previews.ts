// A conversation's newest entry and its newest message as it reads now, for a list's preview: one read of the newest
// entries (the read that finding the newest entry needs anyway), with the edits and deletion after that message applied.
import type { MessagePreview } from "@cim/protocol";
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { NewerEvents } from "./newer-events.js";
import { conversationKey, entryNumber, toEntry } from "./records.js";

/** Newest entries read per conversation: a message behind more events than this (reactions, edits) has no preview. */
export const PREVIEW_SCAN = 20;
/** A preview's text is cut to this many characters (code points): a list shows one line of it. */
export const PREVIEW_TEXT_LENGTH = 200;

// The shape is @cim/protocol's (the SDK reads it); route imports it from here as before.
export type { MessagePreview };

export interface NewestEntries {
  /** The newest entry's msgId (a message or an event), "0" when the conversation is empty. */
  newest: string;
  /** Absent when the newest PREVIEW_SCAN entries hold no message (only events), or there is none. */
  last?: MessagePreview;
}

/** The newest entry of a conversation (as `userId` names it) and the preview of its newest message. */
export async function newestWithPreview(redis: RedisClient, userId: string, conversation: string): Promise<NewestEntries> {
  const entries = await redis.xrevrange(conv.messages(conversationKey(userId, conversation)), "+", "-", "COUNT", PREVIEW_SCAN);
  if (entries.length === 0) return { newest: "0" };
  const newest = entryNumber(entries[0]![0]);
  const events = new NewerEvents();
  for (const [id, fields] of entries) {
    const { message } = toEntry(id, fields);
    if (events.note(message) || message.reactTo) continue;
    const { text, edited, deleted } = events.current(message);
    return { newest, last: { msgId: message.msgId, from: message.from, fromName: message.fromName, to: message.to, room: message.room, text: deleted ? "" : cut(text), ts: message.ts, edited, deleted } };
  }
  return { newest };
}

function cut(text: string): string {
  if (text.length <= PREVIEW_TEXT_LENGTH) return text;
  return Array.from(text).slice(0, PREVIEW_TEXT_LENGTH).join("");
}
