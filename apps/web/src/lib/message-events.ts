// Edits and deletions applied to a conversation's messages; events whose message is not loaded wait for it.
import type { ChatMessage } from "@cim/client";
import { isNewer, newerId, type Conversation, type UiMessage } from "./conversations.js";

/** True for an edit or deletion event, which changes a message rather than being shown. */
export function isEvent(message: Pick<ChatMessage, "editOf">): boolean {
  return !!message.editOf;
}

/**
 * Applies an event to its message: a deletion is final; an edit replaces the text unless a newer edit was applied
 * already (history pages may bring older events after live ones). Returns false when nothing changed.
 */
export function applyToMessage(message: UiMessage, event: Pick<ChatMessage, "msgId" | "text" | "deleted">): boolean {
  if (message.deleted) return false;
  if (event.deleted) {
    message.deleted = true;
    message.text = "";
    message.replyTo = "";
    return true;
  }
  if (message.editedBy && !isNewer(event.msgId, message.editedBy)) return false;
  message.text = event.text;
  message.editedBy = event.msgId;
  return true;
}

/** An event arrived (live, history, cache, or own after its SendAck): applied now, or kept until its message loads. */
export function applyEvent(conversation: Conversation, event: ChatMessage): void {
  conversation.lastMsgId = newerId(event.msgId, conversation.lastMsgId);
  const target = conversation.messages.find((m) => m.msgId === event.editOf);
  if (target) {
    applyToMessage(target, event);
    return;
  }
  const pending = (conversation.pendingEvents ??= []);
  if (!pending.some((e) => e.msgId === event.msgId)) pending.push(event);
}

/** A message was merged: the events that waited for it are applied, in msgId order. */
export function applyPending(conversation: Conversation, msgId: string): void {
  const pending = conversation.pendingEvents;
  if (!pending?.length || !msgId) return;
  const mine = pending.filter((e) => e.editOf === msgId).sort((a, b) => (isNewer(a.msgId, b.msgId) ? 1 : -1));
  if (mine.length === 0) return;
  conversation.pendingEvents = pending.filter((e) => e.editOf !== msgId);
  const target = conversation.messages.find((m) => m.msgId === msgId);
  if (target) for (const event of mine) applyToMessage(target, event);
}

/** A short excerpt of a message for a quote: its first line, cut at `max` characters. */
export function excerpt(text: string, max = 80): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
