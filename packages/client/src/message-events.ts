// Edits and deletions applied to a list of messages: what a conversation reads like now.
import type { ChatMessage } from "@cim/protocol";

/** A message as shown: its current text, whether it was edited or deleted. */
export type ShownMessage<M extends ChatMessage = ChatMessage> = M & { edited?: boolean };

/** True for an event (an edit or a deletion of `editOf`), which is applied rather than shown. */
export function isEvent(message: Pick<ChatMessage, "editOf">): boolean {
  return !!message.editOf;
}

/**
 * Applies an event to the message it names: an edit replaces the text (unless deleted already), a deletion
 * empties it and marks it `deleted`. Events of one message arrive in msgId order, so the last one applied wins.
 * Returns the changed message, or null when `target` is not the event's.
 */
export function applyEvent<M extends ChatMessage>(target: ShownMessage<M>, event: Pick<ChatMessage, "editOf" | "deleted" | "text">): ShownMessage<M> | null {
  if (!event.editOf || target.msgId !== event.editOf) return null;
  if (target.deleted) return target;
  if (event.deleted) return { ...target, text: "", deleted: true };
  return { ...target, text: event.text, edited: true };
}

/**
 * A page of messages (oldest first, as history answers) with its events applied to the messages it holds; the
 * events whose message is not on the page are returned too, for the caller to apply when it loads older pages.
 */
export function applyEvents<M extends ChatMessage>(page: readonly M[]): { messages: Array<ShownMessage<M>>; pending: M[] } {
  const messages: Array<ShownMessage<M>> = [];
  const index = new Map<string, number>();
  const pending: M[] = [];
  for (const message of page) {
    if (!isEvent(message)) {
      index.set(message.msgId, messages.length);
      messages.push(message);
      continue;
    }
    const at = index.get(message.editOf!);
    if (at === undefined) pending.push(message);
    else messages[at] = applyEvent(messages[at]!, message)!;
  }
  return { messages, pending };
}
