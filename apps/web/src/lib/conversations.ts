// Pure helpers for conversations: the list's previews, filter and order; with the model (conversation-model.ts),
// merging messages (message-merge.ts) and unread counts and positions (unread.ts), which it re-exports.
import { plainText } from "./rich-text.js";
import { isNewer, msgIdToMs, type Conversation, type UiMessage } from "./conversation-model.js";
import { formatUnread } from "./unread.js";

export * from "./conversation-model.js";
export * from "./message-merge.js";
export * from "./unread.js";

/**
 * The list's line under a conversation's name: its newest message, prefixed with who wrote it where that is not
 * plain (rooms: the sender; own messages: "You"); in a private chat the peer's name is the title already. A room
 * message of a blocked user stays collapsed here too, as in the room (`blocked`: the sender is blocked). A
 * conversation that has messages none of which is loaded yet (a new device lists them all, and previews only some)
 * says how many are new, or nothing, never "No messages yet" beside an unread count.
 */
export function previewOf(
  conversation: Pick<Conversation, "kind"> & Partial<Pick<Conversation, "lastMsgId" | "unread">>,
  last: Pick<UiMessage, "own" | "fromName" | "text" | "deleted"> | undefined,
  blocked = false,
): string {
  const { who, text } = previewParts(conversation, last, blocked);
  return who ? `${who}: ${text}` : text;
}

/**
 * `previewOf` in its two parts: who wrote ("" when the line does not say: a private chat, a count, a collapsed
 * message) and what. The list draws each in its own direction: a right-to-left name laid the whole line out right to
 * left, the name at its end.
 */
export function previewParts(
  conversation: Pick<Conversation, "kind"> & Partial<Pick<Conversation, "lastMsgId" | "unread">>,
  last: Pick<UiMessage, "own" | "fromName" | "text" | "deleted"> | undefined,
  blocked = false,
): { who: string; text: string } {
  const plain = (text: string) => ({ who: "", text });
  if (!last && conversation.lastMsgId) return plain(conversation.unread ? `${formatUnread(conversation.unread)} new message${conversation.unread === 1 ? "" : "s"}` : "");
  if (!last) return plain("No messages yet");
  if (blocked && !last.own && conversation.kind !== "private") return plain("Message from a blocked user");
  const text = last.deleted ? "message deleted" : plainText(last.text);
  if (last.own) return { who: "You", text };
  return conversation.kind === "private" ? plain(text) : { who: last.fromName, text };
}

/** The message the list previews: the newest one loaded, or route's preview when it is newer (or none is loaded). */
export function listedMessage(conversation: Pick<Conversation, "messages" | "preview">): UiMessage | undefined {
  const loaded = conversation.messages.at(-1);
  const { preview } = conversation;
  if (!preview || (loaded && (!loaded.msgId || !isNewer(preview.msgId, loaded.msgId)))) return loaded;
  return preview;
}

/** The list's filter: `query` (trimmed, any case) is part of the conversation's title; an empty one keeps them all. */
export function matchesFilter(conversation: Pick<Conversation, "title">, query: string): boolean {
  const wanted = query.trim().toLocaleLowerCase();
  return !wanted || conversation.title.toLocaleLowerCase().includes(wanted);
}

/** When the conversation last saw activity, for ordering the list (ms). */
export function lastActivity(conversation: Pick<Conversation, "messages" | "lastMsgId">): number {
  return Math.max(conversation.messages.at(-1)?.ts ?? 0, msgIdToMs(conversation.lastMsgId));
}

/**
 * The conversation `step` places after (1) or before (-1) `from` in the list's order (`order`) as the list shows it:
 * only those its `filter` keeps, and with `unreadOnly` only those with unread messages. From one the list does not
 * show, the first (or last) it shows; undefined at either end (no wrapping) or when there is none.
 */
export function stepConversation(order: Conversation[], from: string, step: 1 | -1, options: { unreadOnly?: boolean; filter?: string } = {}): string | undefined {
  const shown = order.filter((c) => matchesFilter(c, options.filter ?? ""));
  const at = shown.findIndex((c) => c.key === from);
  for (let i = at >= 0 ? at + step : step > 0 ? 0 : shown.length - 1; i >= 0 && i < shown.length; i += step) {
    if (!options.unreadOnly || shown[i]!.unread > 0) return shown[i]!.key;
  }
  return undefined;
}
