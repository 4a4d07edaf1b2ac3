// The conversations of the signed-in user as reactive state: messages in msgId order, unread counts, receipts.
import type { ChatMessage } from "@cim/client";
import { BoundedSet } from "./bounded-set.js";
import { config } from "./config.js";
import { acknowledge, conversationKeyOf, GROUP_KEY, insertMessage, newConversation, privateKey, toUiMessage, type Conversation, type UiMessage } from "./conversations.js";

export const GROUP_TITLE = "Everyone";

export class ConversationList {
  /** The group first, then private conversations in the order they were opened or reached. */
  items = $state<Conversation[]>([newConversation(GROUP_KEY, GROUP_TITLE, "")]);
  activeKey = $state(GROUP_KEY);
  active = $derived(this.items.find((c) => c.key === this.activeKey) ?? this.items[0]!);
  /** Group first, then private conversations by their newest message. */
  sorted = $derived([...this.items].sort((a, b) => rank(b) - rank(a)));
  totalUnread = $derived(this.items.reduce((sum, c) => sum + c.unread, 0));

  /** Receipts that arrived before the SendAck of their message (or for messages not loaded): the newest only. */
  private readonly earlyReceipts = new BoundedSet<string>(config.earlyReceiptsKept);

  private readonly me: () => string;

  constructor(me: () => string) {
    this.me = me;
  }

  get(key: string): Conversation | undefined {
    return this.items.find((c) => c.key === key);
  }

  /** The conversation with `key`, created when missing; a private one's title follows the newest known name. */
  ensure(key: string, title: string, peerId: string): Conversation {
    const found = this.get(key);
    if (found) {
      if (title && found.title !== title && peerId) found.title = title;
      return found;
    }
    this.items.push(newConversation(key, title || peerId, peerId));
    return this.get(key)!;
  }

  ensurePrivate(peerId: string, peerName: string): Conversation {
    return this.ensure(privateKey(peerId), peerName, peerId);
  }

  /** Makes `key` the visible conversation and clears its unread count. */
  open(key: string): Conversation {
    const conversation = this.get(key) ?? this.items[0]!;
    this.activeKey = conversation.key;
    conversation.unread = 0;
    return conversation;
  }

  /** A message from the server (live, history or cache); counts as unread when `countUnread` and not visible. */
  add(message: ChatMessage, peerName: string, countUnread: boolean): Conversation {
    const me = this.me();
    const key = conversationKeyOf(message, me);
    const peerId = key === GROUP_KEY ? "" : message.from === me ? message.to : message.from;
    const conversation = this.ensure(key, key === GROUP_KEY ? GROUP_TITLE : peerName, peerId);
    const inserted = insertMessage(conversation.messages, toUiMessage(message, me));
    if (inserted && countUnread && message.from !== me && key !== this.activeKey) conversation.unread++;
    return conversation;
  }

  /** An own message before its SendAck. */
  addOwn(conversation: Conversation, message: UiMessage): void {
    insertMessage(conversation.messages, message);
  }

  acknowledged(conversationKey: string, clientMsgId: string, msgId: string, ts: number): UiMessage | null {
    const conversation = this.get(conversationKey);
    if (!conversation) return null;
    const acked = acknowledge(conversation.messages, clientMsgId, msgId, ts);
    if (acked && this.earlyReceipts.delete(msgId)) this.setStatus(msgId, "delivered");
    return acked;
  }

  failed(conversationKey: string, clientMsgId: string): void {
    const message = this.get(conversationKey)?.messages.find((m) => m.clientMsgId === clientMsgId);
    if (message && message.status === "sending") message.status = "failed";
  }

  /** A receipt: the recipient got own message `msgId`. */
  delivered(msgId: string): void {
    if (!this.setStatus(msgId, "delivered")) this.earlyReceipts.add(msgId);
  }

  /** Renames the private conversation with `peerId` (presence carries the current name). */
  rename(peerId: string, name: string): void {
    const conversation = this.get(privateKey(peerId));
    if (conversation && name) conversation.title = name;
  }

  reset(): void {
    this.items = [newConversation(GROUP_KEY, GROUP_TITLE, "")];
    this.activeKey = GROUP_KEY;
    this.earlyReceipts.clear();
  }

  private setStatus(msgId: string, status: "delivered"): boolean {
    for (const conversation of this.items) {
      if (!conversation.peerId) continue;
      const message = conversation.messages.find((m) => m.msgId === msgId && m.own);
      if (message) {
        message.status = status;
        return true;
      }
    }
    return false;
  }
}

function rank(conversation: Conversation): number {
  if (conversation.key === GROUP_KEY) return Number.MAX_SAFE_INTEGER;
  return conversation.messages.at(-1)?.ts ?? 0;
}
