// The conversations of the signed-in user as reactive state: rooms and private chats, messages, unread, receipts.
import { conversationOf, type ChatMessage, type Delivered, type MyRoom } from "@cim/client";
import {
  acknowledge, applyRead, applyReceipt, applySummary, countFromOthersAfter, EVERYONE_ROOM, insertMessage, isNewer, kindOf, lastActivity, mergeMessage, mergeStored, newConversation, newestMsgId, newerId,
  receiptStatus, toUiMessage, unreadLoaded, upgradeStatus, type Conversation, type Receipts, type Summary, type UiMessage, type Uncounted,
} from "./conversations.js";
import { applyEvent, applyPending, isEvent, uncountDeleted } from "./message-events.js";
import { membershipNotice, renameNotice, type MembershipChange } from "./room-notices.js";
import type { ListedConversation } from "./view-memory.js";

export class ConversationList {
  /** Everyone first, then the other rooms and private chats in the order they became known. */
  items = $state<Conversation[]>([newConversation(EVERYONE_ROOM)]);
  activeKey = $state(EVERYONE_ROOM);
  /** Whether the user sees the open conversation (the tab is visible): what arrives there is read at once. */
  watching = $state(true);
  /** Whether the user sees the open conversation at all (the tab visible, a phone showing it), scrolled up or not. */
  onScreen = $state(true);
  /**
   * The newest message of the open conversation on screen now (its list tells, MessageList; "" until it has): the
   * read mark goes up to it, not past, as Telegram does; a chat opened with 300 unread was marked read at once.
   */
  shownUpTo = "";
  active = $derived(this.items.find((c) => c.key === this.activeKey) ?? this.items[0]!);
  /** Everyone first (the room every user shares, pinned), then the user's rooms as the chats: the most recently active
   * first; those without a message by name. */
  rooms = $derived(this.items.filter((c) => c.kind !== "private").sort((a, b) => roomOrder(a) - roomOrder(b) || lastActivity(b) - lastActivity(a) || a.title.localeCompare(b.title, undefined, { sensitivity: "base" })));
  /** Private chats, the most recently active first. */
  chats = $derived(this.items.filter((c) => c.kind === "private").sort((a, b) => lastActivity(b) - lastActivity(a)));
  /** The list as shown: rooms, then private chats (what Alt+Up and Alt+Down step through). */
  ordered = $derived([...this.rooms, ...this.chats]);
  /**
   * The open conversation's read position when it was opened with unread messages (or when route's list first told
   * of some in it, as at sign-in, before it is marked read): "New messages" goes after it; `count` of them.
   */
  unreadFrom = $state<{ key: string; after: string; count: number } | null>(null);
  /** Where route's list goes on (its next page, asked as the list is scrolled to its end); "" when all of it is here. */
  more = $state("");

  /** Peers' receipt positions (told at every login, before route lists the chats), for chats not here yet. */
  private receipts: Record<string, Receipts> = {};
  /** Counts joins and leaves, so a list from route asked for before one of them does not undo it. */
  private membershipChanges = 0;
  private readonly me: () => string;
  /** Whether this user blocks `userId` (its room messages are shown collapsed, and never count as unread). */
  private readonly blocks: (userId: string) => boolean;

  constructor(me: () => string, blocks: (userId: string) => boolean = () => false) {
    this.me = me;
    this.blocks = blocks;
  }

  /** A room's messages from users this user blocks: collapsed there, so not unread (a private chat has none). */
  private uncounted(conversation: Conversation): Uncounted {
    return (message) => conversation.kind !== "private" && this.blocks(message.from);
  }

  /** "New messages" goes after `conversation`'s read position, before its unread messages. */
  private markUnreadFrom(conversation: Conversation): void {
    this.unreadFrom = { key: conversation.key, after: conversation.readUpTo, count: conversation.unread };
  }

  get(key: string): Conversation | undefined {
    return this.items.find((c) => c.key === key);
  }

  /** The conversation `key`, created when missing; `title` (a room's or peer's current name) replaces the old one. */
  ensure(key: string, title = ""): Conversation {
    const found = this.get(key);
    if (found) {
      if (title && found.kind !== "everyone" && found.title !== title) found.title = title;
      return found;
    }
    const created = newConversation(key, title);
    if (created.kind === "private") {
      created.deliveredUpTo = this.receipts[key]?.delivered ?? "";
      created.seenUpTo = this.receipts[key]?.seen ?? "";
    }
    this.items.push(created);
    return this.get(key)!;
  }

  /** Makes `key` the visible conversation (Everyone when it is not in the list). */
  open(key: string): Conversation {
    const conversation = this.get(key) ?? this.items[0]!;
    if (conversation.key !== this.activeKey) this.shownUpTo = "";
    this.activeKey = conversation.key;
    if (conversation.unread > 0) this.markUnreadFrom(conversation);
    else if (this.unreadFrom?.key !== conversation.key) this.unreadFrom = null;
    return conversation;
  }

  /** A message heard live (history and the cache come through `addStored`); true when it is new and counts as unread. */
  add(message: ChatMessage, peerName: string): boolean {
    const key = conversationOf(message, this.me());
    const conversation = this.ensure(key, kindOf(key) === "private" ? peerName : "");
    // An edit or deletion changes the message it names; it is never shown, nor counted unread.
    if (isEvent(message)) {
      uncountDeleted(conversation, message, this.me(), this.uncounted(conversation));
      applyEvent(conversation, message);
      return false;
    }
    const before = conversation.unread;
    // A gateway never sends a login what that login sent (CONTRACT, Devices): an own message here is another login's.
    const unread = mergeMessage(conversation, toUiMessage({ ...message, sentHere: false }, this.me(), { delivered: conversation.deliveredUpTo, seen: conversation.seenUpTo }), true, this.uncounted(conversation));
    applyPending(conversation, message.msgId);
    // Come while the user does not see the open conversation (the tab hidden, its list scrolled up): "New messages"
    // goes above the first of them, as when it is opened with unread ones (a line from before, all read since, moves).
    if (unread && key === this.activeKey && !this.watching && (before === 0 || this.unreadFrom?.key !== key)) this.markUnreadFrom(conversation);
    return unread;
  }

  /**
   * Messages from history or this device's cache (never unread), each conversation's list changed once for all of
   * them (`mergeStored`). `peerName`: the other user's name in a private chat.
   */
  addStored<M extends ChatMessage>(messages: readonly M[], peerName: (message: M) => string): void {
    const byConversation = new Map<string, M[]>();
    for (const message of messages) {
      const key = conversationOf(message, this.me());
      const group = byConversation.get(key);
      if (group) group.push(message);
      else byConversation.set(key, [message]);
    }
    for (const [key, group] of byConversation) {
      // A page of the user's own messages names no peer: the peer's own message in it does (its fromName).
      const conversation = this.ensure(key, kindOf(key) === "private" ? peerName(group.at(-1)!) || (group.findLast((message) => message.from === key)?.fromName ?? "") : "");
      const receipts = { delivered: conversation.deliveredUpTo, seen: conversation.seenUpTo };
      const shown = group.filter((message) => !isEvent(message)).map((message) => toUiMessage(message, this.me(), receipts));
      for (const message of mergeStored(conversation, shown)) applyPending(conversation, message.msgId);
      noneOlder(conversation);
      // After the messages: an edit or deletion finds its message when the same page brought it.
      for (const event of group) if (isEvent(event)) applyEvent(conversation, event);
    }
  }

  /** An own message before its SendAck. Replying means the user read up to here: "New messages" goes. */
  addOwn(conversation: Conversation, message: UiMessage): void {
    insertMessage(conversation.messages, message);
    if (this.unreadFrom?.key === conversation.key) this.unreadFrom = null;
  }

  acknowledged(conversationKey: string, clientMsgId: string, msgId: string, ts: number): UiMessage | null {
    const conversation = this.get(conversationKey);
    if (!conversation) return null;
    const acked = acknowledge(conversation.messages, clientMsgId, msgId, ts);
    if (!acked) return null;
    conversation.lastMsgId = isNewer(msgId, conversation.lastMsgId) ? msgId : conversation.lastMsgId;
    // A receipt may have come before the SendAck (the peer is quick, or told at login).
    const shown = conversation.messages.find((m) => m.msgId === msgId);
    const status = receiptStatus(msgId, { delivered: conversation.deliveredUpTo, seen: conversation.seenUpTo });
    if (shown && status !== "sent") upgradeStatus(shown, status);
    return acked;
  }

  /** An own message could not be sent, for `reason` (words for the user); `forGood`: sending it again cannot help. */
  failed(conversationKey: string, clientMsgId: string, reason: string, forGood = false): void {
    const message = this.get(conversationKey)?.messages.find((m) => m.clientMsgId === clientMsgId);
    if (message && message.status === "sending") {
      message.status = "failed";
      message.failure = reason;
      message.failedForGood = forGood;
    }
  }

  /** Drops an own message that was not sent (the user gave up on it). */
  discard(conversationKey: string, clientMsgId: string): void {
    const conversation = this.get(conversationKey);
    const index = conversation?.messages.findIndex((m) => m.clientMsgId === clientMsgId && m.status === "failed") ?? -1;
    if (conversation && index >= 0) conversation.messages.splice(index, 1);
  }

  /**
   * This user now blocks (`blocked`) or no longer blocks a user: rooms leave a blocked user's messages out of their
   * unread counts, so each room's count is worked out again from the messages loaded here, with no request to route.
   * Returns true when a room's count may change but its unread messages are not all loaded (only route can count
   * them then); a block only takes messages out of a count, so a room with none unread never needs that.
   */
  blocksChanged(blocked: boolean): boolean {
    let ask = false;
    for (const conversation of this.items) {
      if (conversation.kind === "private") continue;
      if (unreadLoaded(conversation)) conversation.unread = isNewer(newestMsgId(conversation), conversation.readUpTo) ? countFromOthersAfter(conversation.messages, conversation.readUpTo, this.uncounted(conversation)) : 0;
      else if (!blocked || conversation.unread > 0) ask = true;
    }
    return ask;
  }

  /** A receipt: user `by` received own private messages up to `msgId` (a frame without `by`: that message). */
  delivered(receipt: Delivered): void {
    if (receipt.by) return this.receipt(receipt.by, "delivered", receipt.msgId);
    for (const conversation of this.items) {
      const message = conversation.kind === "private" ? conversation.messages.find((m) => m.msgId === receipt.msgId && m.own) : undefined;
      if (message) return upgradeStatus(message, "delivered");
    }
  }

  /** This user's read position moved (here or on another device); true when route should count unread again. */
  read(key: string, msgId: string): boolean {
    const conversation = this.get(key);
    return conversation ? applyRead(conversation, msgId, this.uncounted(conversation)) : false;
  }

  /**
   * This user read `key` up to `msgId` on another device (a Read frame by them, newer than this tab's position): as
   * `read`, and "New messages" here follows, so every device shows the same read state: gone when all is read, else
   * moved above the first message still unread. True when route should count unread again.
   */
  readElsewhere(key: string, msgId: string): boolean {
    const conversation = this.get(key);
    if (!conversation) return false;
    const moved = isNewer(msgId, conversation.readUpTo);
    const ask = this.read(key, msgId);
    if (moved && this.unreadFrom?.key === key) {
      if (isNewer(newestMsgId(conversation), msgId)) this.unreadFrom = { key, after: msgId, count: conversation.unread };
      else this.unreadFrom = null;
    }
    return ask;
  }

  /** The peer `peerId` received (`delivered`) or read (`seen`) the private chat up to `msgId`. */
  receipt(peerId: string, kind: "delivered" | "seen", msgId: string): void {
    const kept = (this.receipts[peerId] ??= { delivered: "", seen: "" });
    if (isNewer(msgId, kept[kind])) kept[kind] = msgId;
    const conversation = this.get(peerId);
    if (conversation?.kind === "private") applyReceipt(conversation, kind, msgId);
  }

  /** The peers' receipt positions known here, by peer userId (kept across a reload: view-memory.ts). */
  receiptPositions(): Record<string, Receipts> {
    return structuredClone(this.receipts);
  }

  /** The list as it is now, for the next reload of this tab (view-memory). */
  listedNow(): ListedConversation[] {
    return this.items.map((c) => {
      const first = !c.hasOlder ? c.messages.find((m) => m.msgId)?.msgId : undefined;
      return { key: c.key, title: c.title, visibility: c.visibility, owner: c.owner, unread: c.unread, lastMsgId: c.lastMsgId, readUpTo: c.readUpTo, preview: c.preview && { ...c.preview, text: c.preview.text.slice(0, 200) }, ...(first ? { firstMsgId: first } : {}) };
    });
  }

  /** A reload lists what the tab listed before, at once: route's list (asked at the same time) then corrects it. */
  restoreListed(listed: readonly ListedConversation[]): void {
    for (const saved of listed) {
      const conversation = this.ensure(saved.key, saved.title);
      conversation.visibility ||= saved.visibility;
      conversation.owner ||= saved.owner;
      conversation.unread = saved.unread;
      conversation.lastMsgId = newerId(saved.lastMsgId, conversation.lastMsgId);
      conversation.readUpTo = newerId(saved.readUpTo, conversation.readUpTo);
      conversation.preview ??= saved.preview;
      if (saved.firstMsgId) conversation.firstMsgId = saved.firstMsgId;
      noneOlder(conversation);
    }
  }

  /** A marker for `applySummaries`: take it before asking route. */
  get membershipMark(): number {
    return this.membershipChanges;
  }

  /**
   * Route's list of the user's conversations (and rooms, for their visibility). Rooms it no longer lists are
   * left, unless a join or leave happened since `mark` (the list may predate it). Returns the rooms so dropped (a removal or leave this tab did not hear of, e.g. while it was offline).
   * `listed`: every conversation route listed, when `summaries` is one page of it (null: pages still to come, so none
   * is dropped).
   */
  applySummaries(summaries: Summary[], rooms: Array<Pick<MyRoom, "roomId" | "visibility" | "owner">> | null, mark: number, listed?: ReadonlySet<string> | null): Array<{ key: string; title: string }> {
    for (const summary of summaries) {
      const conversation = this.ensure(summary.conversation, summary.name);
      applySummary(conversation, summary, this.uncounted(conversation));
      // Unread in the open conversation that this device did not see come (a sign-in): they start after its read position.
      if (conversation.key === this.activeKey && conversation.unread > 0 && this.unreadFrom?.key !== conversation.key) this.markUnreadFrom(conversation);
      // Route's newest message, for the list's preview (a newer one may have come live meanwhile).
      const { last } = summary;
      if (last && !isNewer(conversation.preview?.msgId ?? "", last.msgId)) conversation.preview = { ...toUiMessage(last, this.me()), deleted: last.deleted };
    }
    for (const room of rooms ?? []) {
      const conversation = this.get(room.roomId);
      if (!conversation) continue;
      conversation.visibility = room.visibility;
      if (room.owner !== undefined) conversation.owner = room.owner;
    }
    if (mark !== this.membershipChanges || listed === null) return [];
    const all = listed ?? new Set(summaries.map((s) => s.conversation));
    const dropped = this.items.filter((c) => c.kind === "room" && !all.has(c.key));
    for (const conversation of dropped) this.remove(conversation.key);
    return dropped.map(({ key, title }) => ({ key, title }));
  }

  /** The user is now in room `roomId` (created, joined, invited). */
  joined(roomId: string, name: string, visibility?: "public" | "private", owner?: string): Conversation {
    this.membershipChanges++;
    const conversation = this.ensure(roomId, name);
    if (visibility) conversation.visibility = visibility;
    if (owner !== undefined) conversation.owner = owner;
    return conversation;
  }

  /** The user left room `roomId` (here or on another device): it goes away; Everyone opens if it was open. */
  left(roomId: string): void {
    this.membershipChanges++;
    this.remove(roomId);
  }

  /** Room `roomId` has a new name (its owner renamed it). */
  renameRoom(roomId: string, name: string): void {
    const conversation = this.get(roomId);
    if (conversation?.kind === "room" && name) conversation.title = name;
  }

  /** Room `roomId` was renamed to `name` by `byName`: a quiet line in its messages says so. */
  noteRename(roomId: string, byName: string, name: string): void {
    const conversation = this.get(roomId);
    if (conversation?.kind === "room" && name) conversation.notices = [...(conversation.notices ?? []), renameNotice(conversation, byName, name)];
  }

  /** Someone joined, left, was added to or removed from room `roomId`: a quiet line in its messages says so. */
  noteMembership(roomId: string, change: MembershipChange, me: string): void {
    const conversation = this.get(roomId);
    if (conversation?.kind === "room") conversation.notices = [...(conversation.notices ?? []), membershipNotice(conversation, change, me)];
  }

  /** The private conversation `key`'s peer has no account any more (a send to it was refused as unknown). */
  peerGone(key: string): void {
    const conversation = this.get(key);
    if (conversation?.kind === "private") conversation.peerGone = true;
  }

  /** Renames the private conversation with `peerId` (presence carries the current name). */
  rename(peerId: string, name: string): void {
    const conversation = this.get(peerId);
    if (conversation?.kind === "private" && name) conversation.title = name;
  }

  reset(): void {
    this.items = [newConversation(EVERYONE_ROOM)];
    this.activeKey = EVERYONE_ROOM;
    this.unreadFrom = null;
    this.receipts = {};
    this.more = "";
  }

  private remove(key: string): void {
    if (kindOf(key) !== "room") return;
    this.items = this.items.filter((c) => c.key !== key);
    if (this.activeKey === key) this.activeKey = EVERYONE_ROOM;
  }
}

function roomOrder(conversation: Conversation): number {
  return conversation.kind === "everyone" ? 0 : 1;
}

/** The conversation's first message (as a page said before a reload) is loaded: there is nothing older to ask for. */
function noneOlder(conversation: Conversation): void {
  if (conversation.firstMsgId && conversation.messages.find((m) => m.msgId)?.msgId === conversation.firstMsgId) conversation.hasOlder = false;
}
