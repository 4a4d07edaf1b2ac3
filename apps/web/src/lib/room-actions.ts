// Rooms and users through route with the store's session: create, browse, join, leave, invite, members, search; the
// owner renames and removes members.
import type { CimClient, PublicRoom, RoomVisibility, UserEntry } from "@cim/client";
import type { ConversationList } from "./conversation-list.svelte.js";
import { EVERYONE_ROOM } from "./conversations.js";
import { MEMBERS_PAGE, type MembersPage } from "./room-members.svelte.js";

/** Rows asked for per directory or user search. */
const SEARCH_LIMIT = 20;

export interface RoomActionsDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
  conversations: ConversationList;
  /** Opens a conversation the way the store does (history, read mark). */
  open: (key: string) => void;
  /** Asks route for the conversation list again (unread counts, names). */
  refresh: () => Promise<void>;
}

/** Each call rejects with the SDK's error (CimApiError with route's code and message); describeError words it. */
export class RoomActions {
  constructor(private readonly deps: RoomActionsDeps) {}

  /** Creates a room (this user its owner and first member) and opens it. */
  async create(name: string, visibility: RoomVisibility): Promise<void> {
    const room = await this.client().createRoom(name.trim(), visibility);
    const conversation = this.deps.conversations.joined(room.roomId, room.name, room.visibility, room.owner);
    // A new room has no history to load.
    conversation.hasOlder = false;
    conversation.historyLoaded = true;
    this.deps.open(room.roomId);
  }

  /** Public rooms whose name starts with `prefix` (all when empty). */
  async directory(prefix: string): Promise<PublicRoom[]> {
    return this.client().publicRooms(prefix.trim(), SEARCH_LIMIT);
  }

  /** Joins a public room and opens it (its history loads). */
  async join(roomId: string): Promise<void> {
    const room = await this.client().joinRoom(roomId);
    this.deps.conversations.joined(room.roomId, room.name, room.visibility, room.owner);
    this.deps.open(room.roomId);
    void this.deps.refresh();
  }

  async leave(roomId: string): Promise<void> {
    await this.client().leaveRoom(roomId);
    this.deps.conversations.left(roomId);
  }

  /** Adds `userId` to a room this user is in. */
  async invite(roomId: string, userId: string): Promise<void> {
    await this.client().invite(roomId, userId);
  }

  /** The owner removes member `userId` (as if it left). */
  async remove(roomId: string, userId: string): Promise<void> {
    await this.client().removeMember(roomId, userId);
  }

  /** The owner renames a room; the list shows the new name at once. */
  async rename(roomId: string, name: string): Promise<void> {
    const room = await this.client().renameRoom(roomId, name.trim());
    this.deps.conversations.renameRoom(room.roomId, room.name);
  }

  /**
   * A page of a room's members whose names start with `prefix`, from `cursor` ("" the first), `limit` of them, with
   * their count; Everyone's are its users online. Never the whole list: a room may hold thousands.
   */
  async members(roomId: string, prefix: string, cursor = "", limit = MEMBERS_PAGE): Promise<MembersPage> {
    const query = { prefix: prefix.trim(), cursor, limit };
    if (roomId === EVERYONE_ROOM) {
      const page = await this.client().onlinePage(query);
      return { members: page.users.map((user) => ({ ...user, online: true })), count: page.count, nextCursor: page.nextCursor };
    }
    return this.client().memberPage(roomId, query);
  }

  /** Users whose name starts with `prefix`, online or not. */
  async users(prefix: string): Promise<UserEntry[]> {
    return this.client().users(prefix.trim(), SEARCH_LIMIT);
  }

  private client(): CimClient {
    const client = this.deps.client();
    if (!client) throw new Error("Not connected. Try again in a moment.");
    return client;
  }
}
