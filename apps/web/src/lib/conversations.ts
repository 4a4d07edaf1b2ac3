// Pure helpers for conversations: kinds, msgId order, merging messages, unread counts, read and seen positions.
import type { ChatMessage, ConversationSummary, RoomVisibility } from "@cim/client";
import { compareIds, EVERYONE_ROOM, ROOM_ID } from "@cim/protocol";
import { plainText } from "./rich-text.js";
import type { RoomNotice } from "./room-notices.js";

export { EVERYONE_ROOM };
export const EVERYONE_TITLE = "Everyone";

/** `everyone` (every user, nobody leaves), a room `r<n>`, or a private chat keyed by the peer's userId. */
export type ConversationKind = "everyone" | "room" | "private";

/** Lifecycle of a message this user typed: sending (no SendAck yet), sent, delivered, seen (private chats), failed. */
export type DeliveryStatus = "sending" | "sent" | "delivered" | "seen" | "failed";

export interface UiMessage {
  /** Stable key for rendering: the clientMsgId of own messages, else the msgId. */
  id: string;
  /** Empty until the gateway acknowledged it. */
  msgId: string;
  clientMsgId: string;
  from: string;
  fromName: string;
  to: string;
  /** The roomId of a room message; "" for the group and private messages. */
  room: string;
  text: string;
  ts: number;
  own: boolean;
  status: DeliveryStatus | null;
  /** The msgId of the message this one quotes ("" or absent: none). */
  replyTo?: string;
  /**
   * The quoted message as route stored it with the reply (its sender, name and text then, "" when deleted), shown
   * while that message is not loaded here; absent from replies stored before route kept it.
   */
  quoted?: { from: string; fromName: string; text: string };
  /** The msgId of the newest edit applied ("" or absent: never edited). */
  editedBy?: string;
  /** Deleted by its sender: shown as "message deleted". */
  deleted?: boolean;
  /** Each user's newest reaction event here (emoji "" once taken back), for the chips under the message. */
  reactedBy?: UserReaction[];
  /** Why an own message was not sent (status "failed"), in words. */
  failure?: string;
  /** A failed own message that sending again cannot help (refused as blocked, too long, ...): no Retry. */
  failedForGood?: boolean;
  /**
   * A stored own message: true when this login sent it, false when another login of the user did (route's history
   * `sentHere`; every own message a gateway frame brings is another login's). Absent when nobody said (a record
   * stored without its device, the cache).
   */
  sentHere?: boolean;
}

/** A user's reaction to a message, as its newest reaction event there said. */
export interface UserReaction {
  userId: string;
  userName: string;
  /** "" when the user took its reaction back. */
  emoji: string;
  /** The event's msgId: an older event of the same user never replaces it. */
  msgId: string;
}

export interface Conversation {
  /** As the server names it (CONVERSATION_ID): `everyone`, a roomId, or the peer's userId. */
  key: string;
  kind: ConversationKind;
  title: string;
  /** The other user of a private conversation; "" for rooms. */
  peerId: string;
  /** A room's visibility once route listed it; "" when not known (and for private chats). */
  visibility: RoomVisibility | "";
  /** A room's owner (userId) once route said it; "" when not known, for Everyone and private chats. */
  owner: string;
  messages: UiMessage[];
  /** Messages from others after `readUpTo` (route's count, kept current by what arrives and by Read frames). */
  unread: number;
  /** The newest msgId known in this conversation ("" when none): from route's list or any message merged. */
  lastMsgId: string;
  /** This user's read position ("" when nothing was read). */
  readUpTo: string;
  /** Private chats: how far the peer received own messages (Delivered) and read them (Read), for the marks. */
  deliveredUpTo: string;
  seenUpTo: string;
  /** False once history said there is nothing older. */
  hasOlder: boolean;
  loadingOlder: boolean;
  /** True after the newest history page was merged once. */
  historyLoaded: boolean;
  /** While the newest page (and the older ones holding the first unread message) are being asked for (HistoryLoader.latest). */
  loadingLatest?: boolean;
  /** Edits and deletions whose message is not loaded yet, applied when it is (message-events.ts). */
  pendingEvents?: ChatMessage[];
  /** Rooms: lines for what happened to the room, heard live here (room-notices.ts). */
  notices?: RoomNotice[];
  /** Private chats: a send was refused as `unknown_recipient`, the peer's account is gone (the composer goes). */
  peerGone?: boolean;
  /**
   * The newest message as route's list named it (its text cut to 200 characters), for the list's preview until a
   * message as new is loaded here: no request of its own (`listedMessage`).
   */
  preview?: UiMessage;
}

/** What route says of one conversation (`GET /api/conversations`); `readUpTo` unknown when absent. */
export type Summary = Pick<ConversationSummary, "conversation" | "name" | "unread" | "lastMsgId"> & Partial<Pick<ConversationSummary, "last">> & { readUpTo?: string };

/** Private chats: the peer's positions, "" when none is known. */
export interface Receipts {
  delivered: string;
  seen: string;
}

export function kindOf(key: string): ConversationKind {
  if (key === EVERYONE_ROOM) return "everyone";
  return ROOM_ID.test(key) ? "room" : "private";
}

/** Orders decimal msgIds numerically: a shorter id is smaller. */
export const compareMsgIds = compareIds;

/** True when msgId `a` comes after `b` ("" is before everything). */
export function isNewer(a: string, b: string): boolean {
  return !!a && (!b || compareIds(a, b) > 0);
}

export function newerId(a: string, b: string): string {
  return isNewer(a, b) ? a : b;
}

/** msgIds are microseconds since the epoch (roughly, across conversations): milliseconds for ordering the list. */
export function msgIdToMs(msgId: string): number {
  return msgId.length > 3 ? Number(msgId.slice(0, -3)) : 0;
}

export function newConversation(key: string, title = ""): Conversation {
  const kind = kindOf(key);
  return {
    key, kind, title: title || (kind === "everyone" ? EVERYONE_TITLE : key), peerId: kind === "private" ? key : "", visibility: kind === "everyone" ? "public" : "", owner: "",
    messages: [], unread: 0, lastMsgId: "", readUpTo: "", deliveredUpTo: "", seenUpTo: "", hasOlder: true, loadingOlder: false, historyLoaded: false,
  };
}

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

/** The newest own message that can still be edited (acknowledged, not deleted): what the Up arrow edits. */
export function lastEditable(list: UiMessage[]): UiMessage | undefined {
  return list.findLast((m) => m.own && !!m.msgId && !m.deleted);
}

/** The oldest msgId of a conversation, for the next history page. */
export function oldestMsgId(list: UiMessage[]): string | undefined {
  return list.find((m) => m.msgId)?.msgId;
}

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

/** The newest msgId known in a conversation: its newest merged message, or route's newer `lastMsgId`. */
export function newestMsgId(conversation: Conversation): string {
  const loaded = conversation.messages.findLast((m) => m.msgId)?.msgId ?? "";
  return newerId(loaded, conversation.lastMsgId);
}

const STATUS_RANK: Record<DeliveryStatus, number> = { failed: -1, sending: 0, sent: 1, delivered: 2, seen: 3 };

/** Moves an acknowledged own message forward to `status` (sent → delivered → seen), never back. */
export function upgradeStatus(message: UiMessage, status: "delivered" | "seen"): void {
  if (message.own && message.msgId && message.status && STATUS_RANK[message.status] >= STATUS_RANK.sent && STATUS_RANK[status] > STATUS_RANK[message.status]) {
    message.status = status;
  }
}

/**
 * Messages that never count as unread though from others: a blocked user's room messages, shown collapsed (route's
 * count leaves them out too).
 */
export type Uncounted = (message: Pick<UiMessage, "from">) => boolean;

const COUNT_ALL: Uncounted = () => false;

/** Loaded messages from others after msgId `after` (those `uncounted` says not). */
export function countFromOthersAfter(list: UiMessage[], after: string, uncounted: Uncounted = COUNT_ALL): number {
  return list.reduce((n, m) => n + (!m.own && !m.deleted && isNewer(m.msgId, after) && !uncounted(m) ? 1 : 0), 0);
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
