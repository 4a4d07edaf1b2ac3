// Edits, deletions and reactions applied to a conversation's messages; events whose message is not loaded wait for it.
import { eventTarget, type ChatMessage } from "@cim/client";
import { isNewer, kindOf, newerId, type Conversation, type UiMessage, type Uncounted } from "./conversations.js";
import { plainText } from "./rich-text.js";

/** True for an edit, deletion or reaction event, which changes a message rather than being shown. */
export { isEvent } from "@cim/client";

/**
 * Applies an event to its message: a deletion is final; an edit replaces the text unless a newer edit was applied
 * already (history pages may bring older events after live ones). Returns false when nothing changed.
 */
export function applyToMessage(message: UiMessage, event: Pick<ChatMessage, "msgId" | "text" | "deleted" | "from" | "fromName" | "reactTo" | "reaction">): boolean {
  if (message.deleted) return false;
  if (event.reactTo) return applyReaction(message, event);
  // Only its sender edits or deletes a message: route and gateways refuse the others, and an event that names someone
  // else's message anyway (a server bug: sec24's resends delivered one) changes nothing here, nor in the cache.
  if (event.from !== message.from) return false;
  if (event.deleted) {
    message.deleted = true;
    message.text = "";
    message.replyTo = "";
    delete message.quoted;
    return true;
  }
  if (message.editedBy && !isNewer(event.msgId, message.editedBy)) return false;
  message.text = event.text;
  message.editedBy = event.msgId;
  return true;
}

/** A user's reaction replaces its older one (events may come out of order: history pages after live ones). */
function applyReaction(message: UiMessage, event: Pick<ChatMessage, "msgId" | "from" | "fromName" | "reaction">): boolean {
  // Read back after the assignment: in a $state message the stored array is a proxy, not the [] assigned.
  message.reactedBy ??= [];
  const reactions = message.reactedBy;
  const at = reactions.findIndex((r) => r.userId === event.from);
  if (at >= 0 && !isNewer(event.msgId, reactions[at]!.msgId)) return false;
  const reaction = { userId: event.from, userName: event.fromName, emoji: event.reaction ?? "", msgId: event.msgId };
  if (at >= 0) reactions[at] = reaction;
  else reactions.push(reaction);
  return true;
}

/** An event arrived (live, history, cache, or own after its SendAck): applied now, or kept until its message loads. */
export function applyEvent(conversation: Conversation, event: ChatMessage): void {
  conversation.lastMsgId = newerId(event.msgId, conversation.lastMsgId);
  const target = conversation.messages.find((m) => m.msgId === eventTarget(event));
  // The list's preview from route follows an edit or deletion of its message, loaded or not.
  if (conversation.preview?.msgId === eventTarget(event)) applyToMessage(conversation.preview, event);
  // The quotes replies keep of a deleted message go too (the message itself may not be loaded).
  if (event.deleted && event.editOf) blankQuotesOf(conversation, event.editOf, event.from);
  if (target) {
    applyToMessage(target, event);
    return;
  }
  const pending = (conversation.pendingEvents ??= []);
  if (!pending.some((e) => e.msgId === event.msgId)) pending.push(event);
}

/**
 * Blanks the quote text kept by the loaded replies to `msgId`, deleted by `from`: the sender's name stays, as route
 * hands it out. A quote of someone else's message stays (only its sender deletes a message).
 */
function blankQuotesOf(conversation: Conversation, msgId: string, from: string): void {
  for (const message of conversation.messages) if (message.replyTo === msgId && message.quoted?.text && message.quoted.from === from) message.quoted.text = "";
}

/** A message was merged: the events that waited for it are applied, in msgId order. */
export function applyPending(conversation: Conversation, msgId: string): void {
  const pending = conversation.pendingEvents;
  if (!pending?.length || !msgId) return;
  const mine = pending.filter((e) => eventTarget(e) === msgId).sort((a, b) => (isNewer(a.msgId, b.msgId) ? 1 : -1));
  if (mine.length === 0) return;
  conversation.pendingEvents = pending.filter((e) => eventTarget(e) !== msgId);
  const target = conversation.messages.find((m) => m.msgId === msgId);
  if (target) for (const event of mine) applyToMessage(target, event);
}

/** A quote's one line: the message as a reader sees it (markdown's marks left out, as the list's previews), cut. */
export function quoteExcerpt(text: string): string {
  return excerpt(plainText(text));
}

/** A short excerpt of a message for a quote: its first line, cut at `max` characters. */
export function excerpt(text: string, max = 80): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A search result's line: an excerpt of its text, or, for a room message of a blocked user, the words its room
 * shows in its place (collapsed there too; choosing the result opens the room, where Show reveals it). A private
 * chat with a blocked user is the user's own, shown as it is.
 */
export function searchLine(result: { conversation: string; text: string; edited?: boolean }, blocked: boolean): string {
  if (blocked && kindOf(result.conversation) !== "private") return "Message from a blocked user";
  return `${excerpt(plainText(result.text), 120)}${result.edited ? " (edited)" : ""}`;
}

/** A search result's line in three parts: the words the search found (`match`, "" when not placed) and around them. */
export interface SearchParts {
  before: string;
  match: string;
  after: string;
}

/** Characters of a result's line (two lines of the results); a match further on starts MATCH_LEAD of them in. */
const SEARCH_LINE = 120;
const MATCH_LEAD = 20;

/**
 * `searchLine` around what was searched for: the excerpt shows the first place the text holds `query` (any case, any
 * line, as route matches), cut with "…" before and after when the message is long, and marks it; a result whose text
 * does not hold it as shown (markdown read) is `searchLine`'s excerpt with nothing marked.
 */
export function searchParts(result: { conversation: string; text: string; edited?: boolean }, blocked: boolean, query: string): SearchParts {
  const plain = searchLine(result, blocked);
  const needle = query.trim().toLocaleLowerCase();
  if (!needle || (blocked && kindOf(result.conversation) !== "private")) return { before: plain, match: "", after: "" };
  const text = plainText(result.text).replace(/\s+/g, " ").trim();
  const lower = text.toLocaleLowerCase();
  // A lower-casing that changes a length (a rare letter) would misplace the mark: shown unmarked instead.
  const at = lower.length === text.length ? lower.indexOf(needle) : -1;
  if (at < 0) return { before: plain, match: "", after: "" };
  const start = at + needle.length <= SEARCH_LINE ? 0 : at - MATCH_LEAD;
  const end = Math.min(text.length, Math.max(start + SEARCH_LINE, at + needle.length));
  return {
    before: `${start > 0 ? "…" : ""}${text.slice(start, at)}`,
    match: text.slice(at, at + needle.length),
    after: `${text.slice(at + needle.length, end)}${end < text.length ? "…" : ""}${result.edited ? " (edited)" : ""}`,
  };
}

/**
 * A deletion heard live of a message still unread here (someone else's, after the read position, counted): the count
 * loses it, as route's count does. Called before `applyEvent`, which marks the message deleted.
 */
export function uncountDeleted(conversation: Conversation, event: ChatMessage, me: string, uncounted: Uncounted): void {
  if (!event.editOf || !event.deleted || event.from === me || conversation.unread === 0) return;
  if (!isNewer(event.editOf, conversation.readUpTo) || uncounted(event)) return;
  const target = conversation.messages.find((m) => m.msgId === event.editOf);
  // Deleted already, or this event heard before while its message was not loaded.
  if (target?.deleted || target?.own || (target && target.from !== event.from) || (!target && conversation.pendingEvents?.some((e) => e.msgId === event.msgId))) return;
  conversation.unread--;
}
