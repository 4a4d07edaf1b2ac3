// Edits, deletions and reactions applied to a list of messages: what a conversation reads like now.
import type { ChatMessage } from "@cim/protocol";

/** The users who reacted to a message with one emoji, in the order they did. */
export interface Reaction {
  emoji: string;
  userIds: string[];
}

/** A message as shown: its current text, whether it was edited or deleted, and its reactions (none: absent or []). */
export type ShownMessage<M extends ChatMessage = ChatMessage> = M & { edited?: boolean; reactions?: Reaction[] };

/** An event's fields: what it changes (edit or deletion of `editOf`, reaction to `reactTo`). */
export type MessageEvent = Pick<ChatMessage, "editOf" | "deleted" | "text" | "reactTo" | "reaction" | "from">;

/** True for an event (an edit or a deletion of `editOf`, a reaction to `reactTo`), which is applied rather than shown. */
export function isEvent(message: Pick<ChatMessage, "editOf" | "reactTo">): boolean {
  return !!message.editOf || !!message.reactTo;
}

/** The msgId of the message an event changes ("" for a message). */
export function eventTarget(message: Pick<ChatMessage, "editOf" | "reactTo">): string {
  return message.editOf || message.reactTo || "";
}

/**
 * Reactions after user `userId` reacted with `emoji` ("" = took its reaction back): a user has one reaction per
 * message, so its older one goes; an emoji nobody uses any more goes too.
 */
export function withReaction(reactions: readonly Reaction[], userId: string, emoji: string): Reaction[] {
  const others = reactions.map((r) => ({ emoji: r.emoji, userIds: r.userIds.filter((id) => id !== userId) }));
  const next = others.filter((r) => r.userIds.length > 0);
  if (!emoji) return next;
  const same = next.find((r) => r.emoji === emoji);
  if (same) same.userIds.push(userId);
  else next.push({ emoji, userIds: [userId] });
  return next;
}

/**
 * Applies an event to the message it names: an edit replaces the text (unless deleted already), a deletion
 * empties it, drops its reactions and marks it `deleted`, a reaction replaces the sender's reaction there.
 * Events of one message arrive in msgId order, so the last one applied wins.
 * Returns the changed message, or null when `target` is not the event's.
 */
export function applyEvent<M extends ChatMessage>(target: ShownMessage<M>, event: MessageEvent): ShownMessage<M> | null {
  const of = eventTarget(event);
  if (!of || target.msgId !== of) return null;
  if (target.deleted) return target;
  if (event.reactTo) return { ...target, reactions: withReaction(target.reactions ?? [], event.from, event.reaction ?? "") };
  if (event.deleted) return { ...target, text: "", deleted: true, reactions: [] };
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
    const at = index.get(eventTarget(message));
    if (at === undefined) pending.push(message);
    else messages[at] = applyEvent(messages[at]!, message)!;
  }
  return { messages, pending };
}
