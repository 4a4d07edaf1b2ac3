// Merging messages into a conversation (history, cache, live, own sends acknowledged) and their delivery marks.
import type { ChatMessage } from "@cim/client";
import { compareIds } from "@cim/protocol";
import { COUNT_ALL, isNewer, newerId, type Conversation, type DeliveryStatus, type Receipts, type UiMessage, type Uncounted } from "./conversation-model.js";

/** The mark of an acknowledged own message given the peer's positions: seen, delivered or sent. */
export function receiptStatus(msgId: string, receipts: Receipts): "sent" | "delivered" | "seen" {
  if (receipts.seen && !isNewer(msgId, receipts.seen)) return "seen";
  return receipts.delivered && !isNewer(msgId, receipts.delivered) ? "delivered" : "sent";
}

/** A stored or received message as shown to user `me`; an own one is marked as far as the peer's receipts say. */
export function toUiMessage(message: ChatMessage & { sentHere?: boolean }, me: string, receipts: Receipts = { delivered: "", seen: "" }): UiMessage {
  const own = message.from === me;
  const status: DeliveryStatus | null = own ? receiptStatus(message.msgId, receipts) : null;
  const ui: UiMessage = { id: message.msgId, msgId: message.msgId, clientMsgId: "", from: message.from, fromName: message.fromName, to: message.to, room: message.room ?? "", text: message.text, ts: message.ts, own, status };
  if (message.replyTo) ui.replyTo = message.replyTo;
  if (message.replyTo && message.replyFrom) ui.quoted = { from: message.replyFrom, fromName: message.replyFromName ?? "", text: message.replyText ?? "" };
  if (own && typeof message.sentHere === "boolean") ui.sentHere = message.sentHere;
  return ui;
}

/** Inserts in msgId order (unacknowledged messages stay last); returns false when it was already there. */
export function insertMessage(list: UiMessage[], message: UiMessage): boolean {
  if (contains(list, message)) return false;
  let at = list.length;
  if (message.msgId) while (at > 0 && inListOrder(list[at - 1]!, message) > 0) at--;
  list.splice(at, 0, message);
  return true;
}

/**
 * Whether `message` is in `list` already, by msgId or clientMsgId. The list is in msgId order, so one with a msgId is
 * looked for from the end back to the first acknowledged message older than it: a live message is the newest, and a
 * busy room's list is not walked through once per message. One without a msgId (being sent) is looked for everywhere.
 */
function contains(list: UiMessage[], message: UiMessage): boolean {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i]!;
    if ((message.msgId && m.msgId === message.msgId) || (message.clientMsgId && m.clientMsgId === message.clientMsgId)) return true;
    if (message.msgId && m.msgId && compareIds(m.msgId, message.msgId) < 0) return false;
  }
  return false;
}

/**
 * Stored messages (a history page, this device's cache) merged in one change of the list, never unread. Inserted one
 * at a time into the reactive list, each insertion above others moved every message after it: a page of 200 merged
 * above 260 took seconds. Returns those that were new, in msgId order.
 */
export function mergeStored(conversation: Conversation, messages: readonly UiMessage[]): UiMessage[] {
  const known = new Set(conversation.messages.map((m) => m.msgId));
  const fresh = messages.filter((message) => message.msgId && !known.has(message.msgId) && known.add(message.msgId));
  if (fresh.length === 0) return fresh;
  fresh.sort(inListOrder);
  const adopted = fresh.filter((message) => message.own && adoptSending(conversation.messages, message));
  const added = adopted.length === 0 ? fresh : fresh.filter((message) => !adopted.includes(message));
  // Sorting is stable: messages not acknowledged yet stay last, in the order they were written.
  conversation.messages = [...conversation.messages, ...added].sort(inListOrder);
  conversation.lastMsgId = newerId(fresh.at(-1)!.msgId, conversation.lastMsgId);
  return fresh;
}

/**
 * A stored own message (history, the cache) that is the same words as an own message still waiting for its SendAck:
 * the gateway stored it and its answer is late (a busy machine, a resend). History carries no clientMsgId, so the
 * first (oldest) waiting message of the same words and reply, if the stored one is newer than every own message
 * acknowledged, takes its msgId and shows "sent" in its place, rather than the message showing twice until the
 * SendAck comes. Only one this login sent (`sentHere`) is adopted: the same words sent at the same time from another
 * login stay a message of their own; with nobody saying which login sent it (a record without its device, the
 * cache), the words alone decide. Returns false when no waiting message matches.
 */
export function adoptSending(list: UiMessage[], stored: UiMessage): boolean {
  if (stored.sentHere === false) return false;
  // Own messages are stored in the order they were sent: one older than an own message acknowledged already (an older
  // page scrolled to, holding the same words) is not the one waiting.
  const newestOwn = list.findLast((m) => m.own && !!m.msgId);
  if (newestOwn && !isNewer(stored.msgId, newestOwn.msgId)) return false;
  const waiting = list.find((m) => m.own && !m.msgId && m.status === "sending" && m.text === stored.text && (m.replyTo ?? "") === (stored.replyTo ?? ""));
  if (!waiting) return false;
  waiting.msgId = stored.msgId;
  waiting.ts = stored.ts;
  waiting.status = stored.status;
  return true;
}

/** A conversation's order: by msgId, and those without one (sent, not acknowledged yet) last. */
function inListOrder(a: UiMessage, b: UiMessage): number {
  if (!a.msgId || !b.msgId) return Number(!a.msgId) - Number(!b.msgId);
  return compareIds(a.msgId, b.msgId);
}

/** Applies a SendAck to an own message: it gets its msgId, and a copy that history brought in is dropped. */
export function acknowledge(list: UiMessage[], clientMsgId: string, msgId: string, ts: number): UiMessage | null {
  const index = list.findIndex((m) => m.clientMsgId === clientMsgId);
  if (index < 0) return null;
  const [message] = list.splice(index, 1);
  const copy = list.findIndex((m) => m.msgId === msgId);
  if (copy >= 0) list.splice(copy, 1);
  // It had taken a stored message of the same words (adoptSending) that was another one (sent from another device):
  // that one stays, as itself.
  const adoptedOther = !!message!.msgId && message!.msgId !== msgId;
  if (adoptedOther) insertMessage(list, { ...message!, id: message!.msgId, clientMsgId: "" });
  const status = message!.status === "sending" || message!.status === "failed" || adoptedOther ? "sent" : message!.status;
  const acked: UiMessage = { ...message!, msgId, ts: ts || message!.ts, status };
  insertMessage(list, acked);
  return acked;
}

/**
 * Merges a message from the server into its conversation; true when it is new and counts as unread: from someone
 * else (and not `uncounted`), live (not history or cache), newer than everything known there (route's count already
 * holds older ones) and after the read position.
 */
export function mergeMessage(conversation: Conversation, message: UiMessage, live: boolean, uncounted: Uncounted = COUNT_ALL): boolean {
  if (message.own && message.msgId && !contains(conversation.messages, message) && adoptSending(conversation.messages, message)) {
    conversation.messages = [...conversation.messages].sort(inListOrder);
    conversation.lastMsgId = newerId(message.msgId, conversation.lastMsgId);
    return false;
  }
  if (!insertMessage(conversation.messages, message)) return false;
  const unread = live && !message.own && isNewer(message.msgId, conversation.lastMsgId) && isNewer(message.msgId, conversation.readUpTo) && !uncounted(message);
  conversation.lastMsgId = newerId(message.msgId, conversation.lastMsgId);
  if (unread) conversation.unread++;
  return unread;
}

/** The newest own message that can still be edited (acknowledged, not deleted): what the Up arrow edits. */
export function lastEditable(list: UiMessage[]): UiMessage | undefined {
  return list.findLast((m) => m.own && !!m.msgId && !m.deleted);
}

const STATUS_RANK: Record<DeliveryStatus, number> = { failed: -1, sending: 0, sent: 1, delivered: 2, seen: 3 };

/** Moves an acknowledged own message forward to `status` (sent → delivered → seen), never back. */
export function upgradeStatus(message: UiMessage, status: "delivered" | "seen"): void {
  if (message.own && message.msgId && message.status && STATUS_RANK[message.status] >= STATUS_RANK.sent && STATUS_RANK[status] > STATUS_RANK[message.status]) {
    message.status = status;
  }
}
