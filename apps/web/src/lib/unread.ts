// Unread counts and read and seen positions of a conversation: where "New messages" begins, route's counts merged.
import { COUNT_ALL, isNewer, newerId, newestMsgId, oldestMsgId, type Conversation, type Summary, type UiMessage, type Uncounted } from "./conversation-model.js";
import { upgradeStatus } from "./message-merge.js";

/**
 * The msgId of the first message from others after read position `after`, where "New messages" goes; "" when there
 * is none, or when it is not known yet: every loaded message is after `after` and older ones are not loaded, so the
 * first loaded one need not be the first unread. Once the newest pages are in (`historyLoaded`) and the unread ones
 * still go further back (more than `config.unreadLoadMax`), it is the oldest loaded one: where the user can begin
 * reading, which moves up as older pages load.
 */
export function firstUnreadAfter(conversation: Conversation, after: string): string {
  // A message deleted since is not where the new ones begin (nor counted).
  const first = conversation.messages.find((m) => !m.own && !m.deleted && m.msgId && isNewer(m.msgId, after));
  return first && (conversation.historyLoaded || unreadStartLoaded(conversation, after)) ? first.msgId : "";
}

/** Whether where the messages after read position `after` begin is loaded: one at or before it is, or none is older. */
export function unreadStartLoaded(conversation: Conversation, after: string): boolean {
  const oldest = oldestMsgId(conversation.messages);
  return !conversation.hasOlder || (!!oldest && !isNewer(oldest, after));
}

/** Loaded messages from others after msgId `after` (those `uncounted` says not). */
export function countFromOthersAfter(list: UiMessage[], after: string, uncounted: Uncounted = COUNT_ALL): number {
  return list.reduce((n, m) => n + (!m.own && !m.deleted && isNewer(m.msgId, after) && !uncounted(m) ? 1 : 0), 0);
}

/**
 * Route's view of a conversation. Its count misses what arrived after it counted (loaded messages newer than its
 * `lastMsgId`) and is too high when a read mark of ours has not reached it yet (our `readUpTo` is ahead).
 */
export function applySummary(conversation: Conversation, summary: Summary, uncounted: Uncounted = COUNT_ALL): void {
  const serverRead = summary.readUpTo ?? "";
  const localAhead = isNewer(conversation.readUpTo, serverRead) && (summary.readUpTo !== undefined || !isNewer(summary.lastMsgId, conversation.readUpTo));
  conversation.unread = localAhead
    ? countFromOthersAfter(conversation.messages, conversation.readUpTo, uncounted)
    : summary.unread + countFromOthersAfter(conversation.messages, newerId(summary.lastMsgId, serverRead), uncounted);
  conversation.readUpTo = newerId(serverRead, conversation.readUpTo);
  conversation.lastMsgId = newerId(summary.lastMsgId, conversation.lastMsgId);
  if (summary.eventsSeen !== undefined) conversation.eventsSeen = Math.max(summary.eventsSeen, conversation.eventsSeen ?? 0);
}

/**
 * This user read the conversation up to `msgId` (here or on another device). Returns true when the unread count
 * cannot be worked out from what is loaded (older messages missing): ask route again.
 */
export function applyRead(conversation: Conversation, msgId: string, uncounted: Uncounted = COUNT_ALL): boolean {
  if (!isNewer(msgId, conversation.readUpTo)) return false;
  conversation.readUpTo = msgId;
  if (!isNewer(newestMsgId(conversation), msgId)) {
    conversation.unread = 0;
    return false;
  }
  if (unreadLoaded(conversation)) {
    conversation.unread = countFromOthersAfter(conversation.messages, msgId, uncounted);
    return false;
  }
  return true;
}

/**
 * True when every message after the read position is loaded here (or there is none), so the unread count can be
 * worked out from what is loaded; the condition `applyRead` uses.
 */
export function unreadLoaded(conversation: Conversation): boolean {
  if (!isNewer(newestMsgId(conversation), conversation.readUpTo)) return true;
  const oldest = oldestMsgId(conversation.messages);
  return !conversation.hasOlder || (!!oldest && !isNewer(oldest, conversation.readUpTo));
}

/**
 * The peer of a private chat received (Delivered) or read (Read) own messages up to `msgId`: those are marked so.
 * Receipts are positions: the gateway tells the newest again at every login.
 */
export function applyReceipt(conversation: Conversation, kind: "delivered" | "seen", msgId: string): void {
  const field = kind === "seen" ? "seenUpTo" : "deliveredUpTo";
  if (!isNewer(msgId, conversation[field])) return;
  conversation[field] = msgId;
  for (const message of conversation.messages) if (message.msgId && !isNewer(message.msgId, msgId)) upgradeStatus(message, kind);
}

/** "1000+" once route's count reaches its cap. */
export function formatUnread(unread: number): string {
  return unread >= 1_000 ? "1000+" : String(unread);
}
