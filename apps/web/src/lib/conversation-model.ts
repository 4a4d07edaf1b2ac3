// A conversation and its messages as the web app holds them: their shapes, conversation kinds and msgId order.
import type { ChatMessage, ConversationSummary, RoomVisibility } from "@cim/client";
import { compareIds, EVERYONE_ROOM, ROOM_ID } from "@cim/protocol";
import type { RoomNotice } from "./room-notices.js";

export { EVERYONE_ROOM };
export const EVERYONE_TITLE = "Everyone";
/**
 * A private chat's title while its peer's name is not known here yet (a chat begun on another device, heard first as
 * this user's own message): route's list, presence or the peer's next message names it soon. The peer's userId
 * ("1") stood there, a name no user chose.
 */
export const UNNAMED_PEER_TITLE = "Private chat";

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
  /**
   * Rooms: the `ts` of the room's newest event when the user last opened it on any device (route's list, `eventsSeen`);
   * absent when not known or never. An invitation no newer was seen, though an empty room's read position cannot say so.
   */
  eventsSeen?: number;
  /** Private chats: how far the peer received own messages (Delivered) and read them (Read), for the marks. */
  deliveredUpTo: string;
  seenUpTo: string;
  /** False once history said there is nothing older. */
  hasOlder: boolean;
  /**
   * The first message of the conversation as a page said before a reload (`ListedConversation.firstMsgId`): the cache
   * holding it, there is nothing older to offer ("Load older messages" showed until route answered, and offline on).
   */
  firstMsgId?: string;
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
export type Summary = Pick<ConversationSummary, "conversation" | "name" | "unread" | "lastMsgId"> & Partial<Pick<ConversationSummary, "last" | "eventsSeen">> & { readUpTo?: string };

/** Private chats: the peer's positions, "" when none is known. */
export interface Receipts {
  delivered: string;
  seen: string;
}

/**
 * Messages that never count as unread though from others: a blocked user's room messages, shown collapsed (route's
 * count leaves them out too).
 */
export type Uncounted = (message: Pick<UiMessage, "from">) => boolean;

/** Counts every message (the default of `Uncounted`). */
export const COUNT_ALL: Uncounted = () => false;

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
    key, kind, title: title || (kind === "everyone" ? EVERYONE_TITLE : kind === "private" ? UNNAMED_PEER_TITLE : key), peerId: kind === "private" ? key : "", visibility: kind === "everyone" ? "public" : "", owner: "",
    messages: [], unread: 0, lastMsgId: "", readUpTo: "", deliveredUpTo: "", seenUpTo: "", hasOlder: true, loadingOlder: false, historyLoaded: false,
  };
}

/** The oldest msgId of a conversation, for the next history page. */
export function oldestMsgId(list: UiMessage[]): string | undefined {
  return list.find((m) => m.msgId)?.msgId;
}

/** The newest msgId known in a conversation: its newest merged message, or route's newer `lastMsgId`. */
export function newestMsgId(conversation: Conversation): string {
  const loaded = conversation.messages.findLast((m) => m.msgId)?.msgId ?? "";
  return newerId(loaded, conversation.lastMsgId);
}
