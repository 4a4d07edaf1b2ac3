// The checks of replies and events (edits, deletions, reactions) against the message they name, before they are stored.
import { ReplyError } from "ioredis";
import type { RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { wasDeleted } from "./deleted-quotes.js";
import { newestEdits } from "./edit-notes.js";
import { isEvent, parseRecord, toEntry, type StoredMessage } from "./records.js";
import { entryAt } from "./stream-reads.js";

/** Entries after a reaction's target read to find its deletion (a reaction is to a recent message as a rule). */
const DELETION_SCAN = 200;

/** Why a reply or an event is refused: no such message in the conversation, or not the sender's own to change. */
export type TargetRefusal = "not_found" | "forbidden";

export interface TargetQuery {
  /** The conversation's Redis key (conv.ofRoom / conv.ofPair). */
  convKey: string;
  from: string;
  replyTo?: string;
  editOf?: string;
  reactTo?: string;
  /** A room's members set (none for private chats and everyone): a non-member is refused before any target is looked at. */
  members?: string;
  /** Told the message `replyTo` names as it is now (its newest edit applied, text "" when deleted), once found. */
  quoted?: (message: StoredMessage) => void;
}

/**
 * Checks what a new message names: `replyTo` must be a message (not an event) of the conversation; `editOf` a
 * message (not an event) of the conversation sent by `from`; `reactTo` a message (not an event) of the conversation
 * that no deletion among the DELETION_SCAN entries after it names. Messages are never rewritten, so a target found
 * now stays valid (unless retention trims it, after which its events change nothing anyone still holds).
 */
export async function checkTargets(redis: RedisClient, query: TargetQuery): Promise<TargetRefusal | "not_member" | null> {
  // First: an outsider told forbidden or not_found would learn which msgIds the room holds.
  if (query.members && !(await redis.sismember(query.members, query.from))) return "not_member";
  const stream = conv.messages(query.convKey);
  if (query.replyTo) {
    const target = await messageAt(redis, stream, query.replyTo);
    if (!target || isEvent(target)) return "not_found";
    // A deletion further on than asNow reads is in the conversation's deletions (deleted-quotes.ts), an edit in its
    // edits (edit-notes.ts).
    if (query.quoted) query.quoted(await asNow(redis, query.convKey, target, await wasDeleted(redis, query.convKey, target.msgId)));
  }
  if (query.editOf) {
    const target = await messageAt(redis, stream, query.editOf);
    if (!target || isEvent(target)) return "not_found";
    if (target.from !== query.from) return "forbidden";
  }
  if (query.reactTo) {
    const target = await messageAt(redis, stream, query.reactTo);
    if (!target || isEvent(target) || (await deletedLater(redis, stream, query.reactTo))) return "not_found";
  }
  return null;
}

/** What a resend repeats of its first attempt: its text and every field that names another message. */
export type SendContent = Pick<StoredMessage, "text" | "replyTo" | "editOf" | "deleted" | "reactTo" | "reaction">;

/**
 * True when `dedupe` (the sender's record of a clientMsgId in the conversation) names an entry of the conversation
 * with the content of `send`: a resend of a send stored before its target changed, which gets its first answer. A
 * send that only shares the clientMsgId is none and keeps its refusal: a refused edit or deletion of someone else's
 * message, sent under the clientMsgId of the sender's own message trimmed from the inboxes since, was acknowledged
 * under the first msgId and (before a resend's inbox steps noted its stored entry rather than its own fields) reached
 * the peer's devices (sec24).
 */
export async function isResendOf(redis: RedisClient, convKey: string, dedupe: string, send: SendContent): Promise<boolean> {
  const record = await redis.get(dedupe);
  if (!record) return false;
  const entry = await entryAt(redis, conv.messages(convKey), parseRecord(record).msgId);
  if (!entry) return false;
  const first = entry.message;
  const same = (name: "replyTo" | "editOf" | "reactTo" | "reaction") => (first[name] ?? "") === (send[name] ?? "");
  return first.text === send.text && !!first.deleted === !!send.deleted && same("replyTo") && same("editOf") && same("reactTo") && same("reaction");
}

/**
 * `message` with its newest edit applied, and text "" when deleted: what a reply quoting it shows (neither a deleted
 * message's text nor the text an edit replaced may live on in its quotes). The DELETION_SCAN entries after it are
 * read; when they do not reach the stream's end, the conversation's edits (edit-notes.ts) tell of a newer edit.
 */
async function asNow(redis: RedisClient, convKey: string, message: StoredMessage, deleted: boolean): Promise<StoredMessage> {
  if (deleted) return { ...message, text: "" };
  const entries = await redis.xrange(conv.messages(convKey), `(${message.msgId}-0`, "+", "COUNT", DELETION_SCAN);
  let newest = { msgId: message.msgId, text: message.text };
  for (const [id, fields] of entries) {
    if (deletes(fields, message.msgId)) return { ...message, text: "" };
    const event = toEntry(id, fields).message;
    if (event.editOf === message.msgId && event.from === message.from && !event.reactTo) newest = { msgId: event.msgId, text: event.text };
  }
  if (entries.length === DELETION_SCAN) {
    const later = (await newestEdits(redis, convKey, [message.msgId], new Map([[message.msgId, newest.msgId]]))).get(message.msgId);
    if (later) newest = later;
  }
  return { ...message, text: newest.text };
}

/**
 * True when a deletion of msgId is among the DELETION_SCAN entries after it (older ones are not looked at): one
 * read, so a stream of reactions to old messages costs each the same bounded read.
 */
async function deletedLater(redis: RedisClient, stream: string, msgId: string): Promise<boolean> {
  const entries = await redis.xrange(stream, `(${msgId}-0`, "+", "COUNT", DELETION_SCAN);
  return entries.some(([, fields]) => deletes(fields, msgId));
}

/** Whether stream fields (name, value, ...) are those of a deletion of msgId, without reading the whole entry. */
function deletes(fields: string[], msgId: string): boolean {
  let editOf = "";
  let deleted = false;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "editOf") editOf = fields[i + 1]!;
    else if (fields[i] === "deleted") deleted = fields[i + 1] === "1";
  }
  return deleted && editOf === msgId;
}

/** The message stored under msgId in a conversation stream, or null (an id Redis refuses is none). */
async function messageAt(redis: RedisClient, stream: string, msgId: string): Promise<StoredMessage | null> {
  const id = `${msgId}-0`;
  const [entry] = await redis.xrange(stream, id, id).catch(noneForRefusedId);
  return entry ? toEntry(entry[0], entry[1]).message : null;
}

/**
 * No entries when Redis refused the id itself (a 20-digit msgId past 2^64); any other failure (Redis down, a
 * timeout) is thrown on, so the caller answers "retry" rather than "no such message".
 */
export function noneForRefusedId(error: unknown): [] {
  if (error instanceof ReplyError && /Invalid stream ID/i.test((error as Error).message)) return [];
  throw error;
}
