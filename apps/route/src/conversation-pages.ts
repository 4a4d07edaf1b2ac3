// Pages of a user's conversations (GET /api/conversations) and of its rooms alone (GET /api/rooms), newest activity
// first, each page in the order the list had when its first page was read (the cursor carries that moment), so a
// conversation that moves up while a client pages is neither skipped nor listed twice.
import { z } from "zod";
import { compareIds, CONVERSATION_ID, EVERYONE_ROOM, isMsgId, ROOM_ID } from "@cim/protocol";
import type { Room } from "@cim/state";
import type { Services } from "./context.js";
import { MAX_PEERS, summarize, type ConversationSummary } from "./conversation-summaries.js";
import { cursorParam, cursorText, pageCursor } from "./page-cursor.js";
import { queryInteger } from "./query-number.js";

/** Conversations per page when `limit` is not given. */
export const CONVERSATIONS_PAGE_DEFAULT = 30;
/** Most conversations per page. */
export const CONVERSATIONS_PAGE_MAX = 100;

/** Where a page continues: the first page's moment (`asOf`, a msgId) and the last conversation listed, at its place. */
interface Cursor {
  asOf: string;
  position: string;
  conversation: string;
}

/**
 * One list's cursors: its tag (`c` conversations, `r` rooms), so a cursor of one list is refused by the other, and the
 * ids it may name.
 */
interface CursorKind {
  tag: "c" | "r";
  ids: RegExp;
}
const CONVERSATIONS: CursorKind = { tag: "c", ids: CONVERSATION_ID };
const ROOMS: CursorKind = { tag: "r", ids: ROOM_ID };

const CURSOR_TEXT = /^([cr])1:([0-9]{1,20}):([0-9]{1,20}):(.+)$/;

function parseCursor(kind: CursorKind, cursor: string): Cursor | undefined {
  const match = CURSOR_TEXT.exec(cursorText(cursor) ?? "");
  // Both are read as stream ids: a number past the largest one (2^64 - 1) is none we gave, not a Redis error.
  if (!match || match[1] !== kind.tag || !kind.ids.test(match[4]!) || !isMsgId(match[2]!) || !isMsgId(match[3]!)) return undefined;
  return { asOf: match[2]!, position: match[3]!, conversation: match[4]! };
}

/** The cursor a nextCursor of GET /api/conversations stands for, or undefined when it is none we gave. */
export const parseConversationCursor = (cursor: string) => parseCursor(CONVERSATIONS, cursor);
/** The cursor a nextCursor of GET /api/rooms stands for, or undefined when it is none we gave. */
export const parseRoomCursor = (cursor: string) => parseCursor(ROOMS, cursor);

const cursorOf = (kind: CursorKind, cursor: Cursor) => pageCursor(`${kind.tag}1:${cursor.asOf}:${cursor.position}:${cursor.conversation}`);

/** `?cursor=&limit=`; a call with neither is an old client's, answered with the whole list as before. */
export const ConversationPageQuery = z.object({
  cursor: cursorParam(200, parseConversationCursor),
  limit: queryInteger("limit", 1, CONVERSATIONS_PAGE_MAX),
});
export type ConversationPageQuery = z.output<typeof ConversationPageQuery>;

/** GET /api/rooms' `?cursor=&limit=`, as the conversations'; its cursors are its own. */
export const RoomPageQuery = z.object({
  cursor: cursorParam(200, parseRoomCursor),
  limit: queryInteger("limit", 1, CONVERSATIONS_PAGE_MAX),
});
export type RoomPageQuery = z.output<typeof RoomPageQuery>;

export const isConversationPage = (query: { cursor?: string; limit?: number }) => query.cursor !== undefined || query.limit !== undefined;

interface Placed {
  conversation: string;
  /** The conversation's newest msgId at the list's moment ("0": none then). */
  position: string;
}

/** Newest activity first; conversations of one position by id, so the order is total and a cursor names one place. */
function byActivity(a: Placed, b: Placed): number {
  return compareIds(b.position, a.position) || (a.conversation < b.conversation ? -1 : a.conversation > b.conversation ? 1 : 0);
}

type Deps = Pick<Services, "messages" | "reads" | "rooms" | "users" | "accounts" | "blocks">;

/**
 * The conversations of one page among `ids`, ordered by each one's newest msgId when the first page was read, and the
 * next page's cursor ("" after the last). Reads the position of every one of `ids` (one stream entry each, one script
 * call per 500 streams on a single Redis).
 */
async function placePage(s: Pick<Services, "messages">, kind: CursorKind, userId: string, ids: string[], query: { cursor?: string; limit?: number }): Promise<{ page: Placed[]; nextCursor: string }> {
  const cursor = query.cursor ? parseCursor(kind, query.cursor) : undefined;
  const limit = query.limit ?? CONVERSATIONS_PAGE_DEFAULT;
  const positions = await s.messages.newestOf(userId, ids, cursor?.asOf);
  // The first page's moment: the newest entry it saw anywhere. Later entries have later msgIds (Redis's TIME, so on a
  // Cluster only as far as its masters' clocks agree), so they do not count.
  const asOf = cursor?.asOf ?? positions.reduce((max, position) => (compareIds(position, max) > 0 ? position : max), "0");
  const placed = ids.map((conversation, i) => ({ conversation, position: positions[i]! })).sort(byActivity);
  const rest = cursor ? placed.filter((item) => byActivity(item, cursor) > 0) : placed;
  const page = rest.slice(0, limit);
  return { page, nextCursor: rest.length > limit ? cursorOf(kind, { asOf, ...page.at(-1)! }) : "" };
}

/**
 * One page of the user's conversations (the rooms and the MAX_PEERS most recent private peers, as the whole list):
 * ordered by each one's newest msgId when the first page was read, with its summary as it is now (a room's with its
 * visibility and owner). Each page reads the position of every conversation of the user (one stream entry each)
 * but summarizes only its own.
 */
export async function conversationPage(s: Deps, userId: string, query: ConversationPageQuery): Promise<{ conversations: ConversationSummary[]; nextCursor: string }> {
  const [roomIds, peers] = await Promise.all([s.rooms.roomsOf(userId), s.users.peersOf(userId, MAX_PEERS)]);
  const ids = [...new Set([EVERYONE_ROOM, ...roomIds, ...peers])];
  const { page, nextCursor } = await placePage(s, CONVERSATIONS, userId, ids, query);
  const items = await named(s, page.map((item) => item.conversation));
  return { conversations: await summarize(s, userId, items), nextCursor };
}

/** A room as GET /api/rooms lists it. */
export interface MyRoom {
  roomId: string;
  name: string;
  visibility: Room["visibility"];
  owner: string;
  unread: number;
  lastMsgId: string;
}

/**
 * One page of the user's rooms (`everyone` among them), as `conversationPage` orders and places them, each as the whole
 * GET /api/rooms lists it (no preview); a room gone is left out of its page.
 */
export async function roomPage(s: Deps, userId: string, query: RoomPageQuery): Promise<{ rooms: MyRoom[]; nextCursor: string }> {
  const ids = [...new Set([EVERYONE_ROOM, ...(await s.rooms.roomsOf(userId))])];
  const { page, nextCursor } = await placePage(s, ROOMS, userId, ids, query);
  const rooms = (await Promise.all(page.map((item) => s.rooms.get(item.conversation)))).filter((room): room is Room => room !== null);
  const summaries = await summarize(s, userId, rooms.map((room) => ({ conversation: room.roomId, kind: "room" as const, name: room.name })), false);
  return { rooms: rooms.map((room, i) => myRoom(room, summaries[i]!)), nextCursor };
}

/** A room's entry of GET /api/rooms (both forms). */
export const myRoom = (room: Room, summary: Pick<ConversationSummary, "unread" | "lastMsgId">): MyRoom =>
  ({ roomId: room.roomId, name: room.name, visibility: room.visibility, owner: room.owner, unread: summary.unread, lastMsgId: summary.lastMsgId });

/** The page's conversations with their names; a room gone or a peer whose account is gone is left out. */
/** A room's entry also says what GET /api/rooms says of it, so a client that pages needs not ask that whole list. */
type Item = Pick<ConversationSummary, "conversation" | "kind" | "name"> & { visibility?: string; owner?: string };

async function named(s: Pick<Services, "rooms" | "accounts">, conversations: string[]): Promise<Item[]> {
  const isRoom = (id: string) => !/^[0-9]+$/.test(id);
  const peers = conversations.filter((id) => !isRoom(id));
  const [rooms, names] = await Promise.all([Promise.all(conversations.map((id) => (isRoom(id) ? s.rooms.get(id) : null))), s.accounts.names(peers)]);
  const peerName = new Map(peers.map((peer, i) => [peer, names[i]]));
  return conversations.flatMap((conversation, i): Item[] => {
    const room = rooms[i];
    if (room) return [{ conversation, kind: "room", name: room.name, visibility: room.visibility, owner: room.owner }];
    const name = peerName.get(conversation);
    return name ? [{ conversation, kind: "private", name }] : [];
  });
}
