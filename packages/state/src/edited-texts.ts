// Reads hand an edited message, its earlier edits and the quotes of it out with its newest text (CONTRACT: an edit
// replaces the text for everyone), as deleted-quotes.ts blanks deleted ones: a client that never applies the edit,
// or never reads the page holding it, does not see the text it replaced.
import { compareIds } from "@cim/protocol";
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { newestEdits, type NewestEdit } from "./edit-notes.js";
import { quoteExcerpt } from "./quote-excerpt.js";
import { blankDeletedInRead } from "./deleted-quotes.js";
import type { StoredMessage, StreamEntry } from "./records.js";

export interface NewestTextOptions {
  /**
   * The read reached its stream's end, so every edit stored after its first entry is in it (an edit's entry follows
   * its message's, a quote's edit the reply's that matters): nothing is looked up.
   */
  complete: boolean;
  /** false: only the quotes of replies (search hits carry their current text already). */
  texts?: boolean;
}

const shownAs = (message: StoredMessage) => message.editOf || message.msgId;
/** A message or edit carrying text an edit replaces (not a deletion, not a reaction, not blanked). */
const carriesText = (message: StoredMessage) => !message.reactTo && !message.deleted && message.text !== "";
const convOf = (message: StoredMessage) => conv.ofMessage(message.from, message.to, message.room);
const placeOf = (convKey: string, msgId: string) => `${convKey} ${msgId}`;

/**
 * Finds the newest edit of each message of `messages` (one conversation's or several: an inbox) that carries text or
 * is quoted by a reply among them, and resolves with the step that gives them that text: a message and its earlier
 * edits their newest edit's text, a reply's quote that text's excerpt. Call the step once deletions are blanked:
 * a blank text or quote stays blank. The edits the read holds cost nothing; with `complete` nothing is asked, else
 * one ZMSCORE per conversation and one entry read per edit the read lacks.
 */
export async function newestTexts(redis: RedisClient, messages: readonly StoredMessage[], options: NewestTextOptions): Promise<() => void> {
  const texts = options.texts === false ? [] : messages.filter(carriesText);
  const replies = messages.filter((message) => message.replyTo && message.replyText);
  if (texts.length === 0 && replies.length === 0) return () => {};
  const newest = new Map<string, NewestEdit>();
  for (const message of messages) {
    if (!message.editOf || message.deleted || message.reactTo) continue;
    const place = placeOf(convOf(message), message.editOf);
    const held = newest.get(place);
    if (!held || compareIds(message.msgId, held.msgId) > 0) newest.set(place, { msgId: message.msgId, text: message.text });
  }
  if (!options.complete) await lookUp(redis, newest, [...texts.map((m) => [convOf(m), shownAs(m)] as const), ...replies.map((m) => [convOf(m), m.replyTo!] as const)]);
  return () => {
    for (const message of texts) {
      const edit = newest.get(placeOf(convOf(message), shownAs(message)));
      if (edit && message.text !== "") message.text = edit.text;
    }
    for (const reply of replies) {
      const edit = newest.get(placeOf(convOf(reply), reply.replyTo!));
      if (edit && reply.replyText) reply.replyText = quoteExcerpt(edit.text);
    }
  };
}

/** Adds to `newest` the edits of `targets` (conversation, msgId) newer than those it holds: one ZMSCORE per conversation. */
async function lookUp(redis: RedisClient, newest: Map<string, NewestEdit>, targets: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const byConversation = new Map<string, string[]>();
  for (const [convKey, msgId] of targets) byConversation.set(convKey, [...(byConversation.get(convKey) ?? []), msgId]);
  await Promise.all([...byConversation].map(async ([convKey, ids]) => {
    const known = new Map<string, string>();
    for (const id of ids) {
      const held = newest.get(placeOf(convKey, id));
      if (held) known.set(id, held.msgId);
    }
    for (const [id, edit] of await newestEdits(redis, convKey, ids, known)) newest.set(placeOf(convKey, id), edit);
  }));
}

/**
 * What a read of a stream (a room's, or an inbox) hands out: messages deleted by then blanked (blankDeletedInRead),
 * edited ones and their earlier edits with their newest text, quotes likewise. `complete`: the read reached the
 * stream's end (the live readers' reads), so neither needs a lookup of the message's own edits or deletion.
 */
export async function asReadNow(redis: RedisClient, entries: readonly StreamEntry[], complete: boolean): Promise<void> {
  const [, apply] = await Promise.all([blankDeletedInRead(redis, entries, complete), newestTexts(redis, entries.map((e) => e.message), { complete })]);
  apply();
}
