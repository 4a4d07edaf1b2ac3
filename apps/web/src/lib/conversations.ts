// Pure helpers for conversation lists: keys, msgId order, and merging live, sent, cached and history messages.
import type { ChatMessage } from "@cim/client";

export const GROUP_KEY = "group";

/** Lifecycle of a message this user typed: sending (no SendAck yet), sent, delivered, failed. */
export type DeliveryStatus = "sending" | "sent" | "delivered" | "failed";

export interface UiMessage {
  /** Stable key for rendering: the clientMsgId of own messages, else the msgId. */
  id: string;
  /** Empty until the gateway acknowledged it. */
  msgId: string;
  clientMsgId: string;
  from: string;
  fromName: string;
  to: string;
  text: string;
  ts: number;
  own: boolean;
  status: DeliveryStatus | null;
}

export interface Conversation {
  key: string;
  title: string;
  /** The other user of a private conversation; "" for the group. */
  peerId: string;
  messages: UiMessage[];
  unread: number;
  /** False once history said there is nothing older. */
  hasOlder: boolean;
  loadingOlder: boolean;
  /** True after the newest history page was merged once. */
  historyLoaded: boolean;
}

export function privateKey(peerId: string): string {
  return `u:${peerId}`;
}

/** The conversation a message belongs to, seen by user `me`. */
export function conversationKeyOf(message: { from: string; to: string }, me: string): string {
  if (!message.to) return GROUP_KEY;
  return privateKey(message.from === me ? message.to : message.from);
}

/** Orders decimal msgIds numerically: a shorter id is smaller. */
export function compareMsgIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function newConversation(key: string, title: string, peerId: string): Conversation {
  return { key, title, peerId, messages: [], unread: 0, hasOlder: true, loadingOlder: false, historyLoaded: false };
}

/** A stored or received message as shown to user `me`. */
export function toUiMessage(message: ChatMessage, me: string): UiMessage {
  const own = message.from === me;
  return { id: message.msgId, msgId: message.msgId, clientMsgId: "", from: message.from, fromName: message.fromName, to: message.to, text: message.text, ts: message.ts, own, status: own ? "sent" : null };
}

/** Inserts in msgId order (unacknowledged messages stay last); returns false when it was already there. */
export function insertMessage(list: UiMessage[], message: UiMessage): boolean {
  if (message.msgId && list.some((m) => m.msgId === message.msgId)) return false;
  if (message.clientMsgId && list.some((m) => m.clientMsgId === message.clientMsgId)) return false;
  let at = list.length;
  if (message.msgId) {
    while (at > 0) {
      const before = list[at - 1]!;
      if (before.msgId && compareMsgIds(before.msgId, message.msgId) < 0) break;
      at--;
    }
  }
  list.splice(at, 0, message);
  return true;
}

/** Applies a SendAck to an own message: it gets its msgId, and a copy that history brought in is dropped. */
export function acknowledge(list: UiMessage[], clientMsgId: string, msgId: string, ts: number): UiMessage | null {
  const index = list.findIndex((m) => m.clientMsgId === clientMsgId);
  if (index < 0) return null;
  const [message] = list.splice(index, 1);
  const copy = list.findIndex((m) => m.msgId === msgId);
  if (copy >= 0) list.splice(copy, 1);
  const acked: UiMessage = { ...message!, msgId, ts: ts || message!.ts, status: message!.status === "delivered" ? "delivered" : "sent" };
  insertMessage(list, acked);
  return acked;
}

/** The oldest msgId of a conversation, for the next history page. */
export function oldestMsgId(list: UiMessage[]): string | undefined {
  return list.find((m) => m.msgId)?.msgId;
}
