// The shapes of route's answers, as the SDK's RouteApi resolves them (docs/CONTRACT.md, the HTTP API).
import type { ChatMessage, MessagePreview } from "@cim/protocol";

export interface GatewayAddress {
  id: string;
  wsUrl: string;
}

export interface LoginAnswer {
  userId: string;
  userName: string;
  token: string;
  /**
   * Ends this login at POST /api/logout and is refused everywhere else (added; absent from an older route): what a
   * device keeps while a logout waits for the network, so it does not keep the login itself.
   */
  logoutToken?: string;
  gateway: GatewayAddress;
}

export interface OnlineUser {
  userId: string;
  userName: string;
}

/** One page of the online list: `nextCursor` continues it ("" at the end); `count` is every user online. */
export interface OnlinePage {
  users: OnlineUser[];
  count: number;
  nextCursor: string;
}

/**
 * One page of a room's members in name order: `nextCursor` continues it ("" at the end); `count` is the room's
 * members, or those whose name starts with the prefix asked (Everyone: every user online).
 */
export interface MemberPage {
  members: UserEntry[];
  count: number;
  nextCursor: string;
}

/**
 * One page of the caller's conversations, newest activity first in the order they had when the first page was read;
 * `nextCursor` continues it ("" at the end). Summaries are current: sort what is shown by `lastMsgId`.
 */
export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor: string;
}

/** One page of the user's rooms, newest activity first; `nextCursor` continues it ("" at the end). */
export interface RoomPage {
  rooms: MyRoom[];
  nextCursor: string;
}

/** One page of search hits, newest first; `nextCursor` continues it ("" when no hit follows). */
export interface SearchPage {
  results: SearchResult[];
  nextCursor: string;
}

/**
 * A stored message as history returns it: the same fields as a pushed Message frame, and on the caller's own messages
 * whose record names the login that sent them, `sentHere` (true: sent from this login; false: from another).
 */
export type HistoryMessage = ChatMessage & { sentHere?: boolean };

export type RoomVisibility = "public" | "private";

/** A room as its creation answers it. */
export interface Room {
  roomId: string;
  name: string;
  visibility: RoomVisibility;
  /** The userId of its creator. */
  owner: string;
}

/** One of the caller's rooms: messages from others after the user's read position (counted up to 1,000), newest msgId. */
export interface MyRoom {
  roomId: string;
  name: string;
  visibility: RoomVisibility;
  /** The owner's userId (absent from an older route). */
  owner?: string;
  unread: number;
  /** "" when the room has no message yet. */
  lastMsgId: string;
}

/** A room of the public directory. */
export interface PublicRoom {
  roomId: string;
  name: string;
  members: number;
  /** The creator's userId (absent from routes before 2026-11-29): room names are not unique, the owner tells them apart. */
  owner?: string;
  /** The owner's user name, "" when its account is gone (absent from older routes). */
  ownerName?: string;
}

/** A user as the user search and member lists show one. */
export interface UserEntry {
  userId: string;
  userName: string;
  online: boolean;
}

/** A user's presence with, offline, when it was last online (`GET /api/users/last-seen`): ms since the epoch, 0 when online or not known. */
export interface LastSeenEntry extends UserEntry {
  lastSeen: number;
}

/** A user the caller blocks (`GET /api/blocks`). */
export interface BlockedUser {
  userId: string;
  /** As every other list of users names it (added: absent from routes before it, which send `name` only). */
  userName?: string;
  /** The same as userName. */
  name: string;
}

/**
 * One conversation of the caller: `conversation` is a roomId (`everyone` too, `kind` "room") or the peer's
 * userId (`kind` "private"); `name` the room's or the peer's name; `unread` counts messages from others after
 * `readUpTo`, the user's read position (up to 1,000). `lastMsgId` and `readUpTo` are "" when there is none.
 */
export interface ConversationSummary {
  conversation: string;
  kind: "room" | "private";
  name: string;
  unread: number;
  lastMsgId: string;
  readUpTo: string;
  /** The newest message as it reads now, for a list's preview (route before it, or none among the newest 20 entries: absent). */
  last?: MessagePreview;
  /** A room's, in pages only (conversationPage; added 2026-11-29): as `GET /api/rooms` says. */
  visibility?: RoomVisibility;
  /** A room's creator, in pages only ("" for everyone). */
  owner?: string;
  /**
   * A room's (added 2026-11-30): the `ts` of its newest event when the user last opened it on any device
   * (`roomOpened`); absent when never. An invitation no newer than it was seen.
   */
  eventsSeen?: number;
}

/**
 * A search hit: a message (not an event) as it reads now, `text` after its newest edit (`edited`), and its
 * conversation as the caller names it (a roomId, `everyone`, or the peer's userId).
 */
export interface SearchResult extends ChatMessage {
  conversation: string;
  edited: boolean;
}

/** The answer to an invitation. */
export interface Invitation {
  roomId: string;
  userId: string;
  userName: string;
}

/** Which conversation a history page or an HTTP send is for: a user (`with` / `to`), a room, or the group (neither). */
export interface HistoryQuery {
  with?: string;
  room?: string;
  before?: string;
  limit?: number;
  /** A room's events that come (added): renames only (route's default), or "all" (joins, leaves and additions too). */
  events?: "renamed" | "all";
}

export interface AdminStats {
  online: number;
  gateways: Array<{ id: string; wsUrl: string; connections: number; startedAt: number }>;
  messagesTotal: number;
  messagesPerSecond: number;
  at: number;
  /** Gateways in ZooKeeper that fail route's health check (not handed out); absent from older routes. */
  unreachable?: string[];
  /** Gateways that left ZooKeeper in the last ten minutes and are not back; absent from older routes. */
  missing?: string[];
}
