// The route calls of a logged-in client, made with its session's token: users, rooms, conversations, history.
import { ClientEvents } from "./events.js";
import { CimApiError } from "./route-api.js";
import type { BlockedUser, ConversationPage, ConversationSummary, LastSeenEntry, HistoryMessage, RoomHistoryEvent, Invitation, MemberPage, MyRoom, OnlinePage, OnlineUser, PublicRoom, Room, RoomPage, RoomVisibility, RouteApi, SearchPage, SearchResult, UserEntry } from "./route-api.js";
import type { SendInput } from "./types.js";

/** Which conversation a history page is of: one user (`withUser`), one room (`room`), or the group (neither). */
export interface HistoryInput {
  withUser?: string;
  room?: string;
  before?: string;
  limit?: number;
}

/** A message sent through route instead of the socket: the same fields as a Send on the socket. */
export type HttpSendInput = SendInput;

/** The base of CimClient that talks to route; failures reject with CimApiError (status, code, message). */
export abstract class ClientRequests extends ClientEvents {
  abstract readonly api: RouteApi;
  /** The session's token; throws when not logged in. */
  protected abstract requireToken(): string;

  online(): Promise<OnlineUser[]> {
    return this.call((token) => this.api.online(token)).then((r) => r.users);
  }

  /** One page of the online list, by name prefix, with the number of users online (see RouteApi.onlinePage). */
  onlinePage(query: { cursor?: string; limit?: number; prefix?: string } = {}): Promise<OnlinePage> {
    return this.call((token) => this.api.onlinePage(token, query));
  }

  /** One page of a conversation, oldest first: the group, the private one `withUser`, or `room`. */
  history(query: HistoryInput = {}): Promise<HistoryMessage[]> {
    return this.historyPage(query).then((page) => page.messages);
  }

  /**
   * One page as `history`, with the room's events placed on it: renames and members coming and going, every kind
   * route keeps ([] from an older route and outside rooms). `peerGone`: the private chat's peer deleted its account
   * (false from an older route).
   */
  historyPage(query: HistoryInput = {}): Promise<{ messages: HistoryMessage[]; events: RoomHistoryEvent[]; peerGone: boolean }> {
    if (query.withUser && query.room) return Promise.reject(new TypeError("history: `withUser` and `room` are exclusive"));
    const events = query.room ? "all" : undefined;
    return this.call((token) => this.api.history(token, { with: query.withUser, room: query.room, before: query.before, limit: query.limit, events }))
      .then((r) => ({ messages: r.messages, events: r.events ?? [], peerGone: r.peerGone === true }));
  }

  /** Sends through route (`POST /api/messages`) rather than the socket; resolves with the msgId. */
  sendHttp(input: HttpSendInput): Promise<{ msgId: string }> {
    if (input.to && input.room) return Promise.reject(new TypeError("sendHttp: `to` and `room` are exclusive"));
    return this.call((token) => this.api.sendMessage(token, input));
  }

  /** Creates a room; the caller is its owner and first member. */
  createRoom(name: string, visibility: RoomVisibility = "public"): Promise<Room> {
    return this.call((token) => this.api.createRoom(token, { name, visibility }));
  }

  /** The user's rooms, with unread counts and newest msgIds (all at once: prefer `roomPage`). */
  rooms(): Promise<MyRoom[]> {
    return this.call((token) => this.api.rooms(token)).then((r) => r.rooms);
  }

  /** One page of the user's rooms, newest activity first (see RouteApi.roomPage). */
  roomPage(query: { cursor?: string; limit?: number } = {}): Promise<RoomPage> {
    return this.call((token) => this.api.roomPage(token, query));
  }

  /** The public directory: rooms whose name starts with `prefix` (all when empty). */
  publicRooms(prefix = "", limit?: number): Promise<PublicRoom[]> {
    return this.call((token) => this.api.publicRooms(token, { prefix, limit })).then((r) => r.rooms);
  }

  /** Joins a public room; answers the room. */
  joinRoom(roomId: string): Promise<Room> {
    return this.call((token) => this.api.joinRoom(token, roomId));
  }

  leaveRoom(roomId: string): Promise<void> {
    return this.call((token) => this.api.leaveRoom(token, roomId));
  }

  /** The user opened room `roomId`: an invitation to it up to now is no news to its other devices (RouteApi.roomOpened). */
  roomOpened(roomId: string): Promise<void> {
    return this.call((token) => this.api.roomOpened(token, roomId));
  }

  /** The owner removes member `userId` from a room (as if it left). */
  removeMember(roomId: string, userId: string): Promise<void> {
    return this.call((token) => this.api.removeMember(token, roomId, userId));
  }

  /** The owner renames a room; answers the room. */
  renameRoom(roomId: string, name: string): Promise<Room> {
    return this.call((token) => this.api.renameRoom(token, roomId, name));
  }

  /** Adds `userId` to a room the user is a member of. */
  invite(roomId: string, userId: string): Promise<Invitation> {
    return this.call((token) => this.api.invite(token, roomId, userId));
  }

  /** Every member of a room (large for a large room: prefer `memberPage`). */
  members(roomId: string): Promise<UserEntry[]> {
    return this.call((token) => this.api.members(token, roomId)).then((r) => r.members);
  }

  /** One page of a room's members, by name prefix, with their count (see RouteApi.memberPage). */
  memberPage(roomId: string, query: { cursor?: string; limit?: number; prefix?: string } = {}): Promise<MemberPage> {
    return this.call((token) => this.api.memberPage(token, roomId, query));
  }

  /** Users whose name starts with `prefix`, online or not (any of them can be written to). */
  users(prefix = "", limit?: number): Promise<UserEntry[]> {
    return this.call((token) => this.api.users(token, { prefix, limit })).then((r) => r.users);
  }

  /**
   * Messages of the user's conversations (or of `conversation` only) whose current text contains `q`, newest
   * first; route searches the newest 2,000 entries of up to 100 conversations.
   */
  search(q: string, options: { conversation?: string; limit?: number } = {}): Promise<SearchResult[]> {
    return this.call((token) => this.api.search(token, { q, ...options })).then((r) => r.results);
  }

  /** The user's conversations (rooms and private chats) with unread counts (all at once: prefer `conversationPage`). */
  conversations(): Promise<ConversationSummary[]> {
    return this.call((token) => this.api.conversations(token)).then((r) => r.conversations);
  }

  /** One page of the user's conversations, newest activity first (see RouteApi.conversationPage). */
  conversationPage(query: { cursor?: string; limit?: number } = {}): Promise<ConversationPage> {
    return this.call((token) => this.api.conversationPage(token, query));
  }

  /** One page of `search` hits (see RouteApi.searchPage). */
  searchPage(q: string, options: { conversation?: string; limit?: number; cursor?: string } = {}): Promise<SearchPage> {
    return this.call((token) => this.api.searchPage(token, { q, ...options }));
  }

  /** Whether each user named (at most 100) is online and, offline, when it was last online (`lastSeen`, 0: not known). */
  lastSeen(userIds: readonly string[]): Promise<LastSeenEntry[]> {
    return this.call((token) => this.api.lastSeen(token, userIds)).then((r) => r.users);
  }

  /**
   * Blocks `userId`: private messages between the two are refused both ways (a Send rejects with SendError code
   * `blocked`), and typing, receipts and presence between them stop. Idempotent.
   */
  block(userId: string): Promise<void> {
    return this.call((token) => this.api.block(token, userId));
  }

  /** Unblocks `userId` (idempotent). */
  unblock(userId: string): Promise<void> {
    return this.call((token) => this.api.unblock(token, userId));
  }

  /** The users this user blocks, in userId order. */
  blocks(): Promise<BlockedUser[]> {
    return this.blockList().then((r) => r.blocks);
  }

  /**
   * The users this user blocks and the list's order (0 from a route before it): a BlockEvent whose `order` is lower
   * is older than the list, and one about a user is older than another about that user with a higher order.
   */
  blockList(): Promise<{ blocks: BlockedUser[]; order: number }> {
    return this.call((token) => this.api.blocks(token)).then((r) => ({ blocks: r.blocks, order: r.order ?? 0 }));
  }

  /** Changes the password (see RouteApi.changePassword): the user's other logins end, this session stays. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.call((token) => this.api.changePassword(token, currentPassword, newPassword));
  }

  /** Deletes the user's account (see RouteApi.deleteAccount); this session ends with it. */
  deleteAccount(password: string): Promise<void> {
    return this.call((token) => this.api.deleteAccount(token, password));
  }

  /** Ends every other login of the user ("sign out other devices"); this session stays. Resolves to how many ended (RouteApi.logoutOthers). */
  logoutOthers(): Promise<number | undefined> {
    return this.call((token) => this.api.logoutOthers(token));
  }

  /**
   * True while the device says it has no network (CimClient.network): route calls then fail at once as
   * `unreachable` and ask nothing, as a device without a network cannot reach route anyway.
   */
  protected get deviceIsOffline(): boolean {
    return false;
  }

  /** Runs a call with the token; "not logged in" rejects rather than throws. */
  private call<T>(request: (token: string) => Promise<T>): Promise<T> {
    try {
      if (this.deviceIsOffline) return Promise.reject(new CimApiError(0, "unreachable", "the device is offline"));
      return request(this.requireToken());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
