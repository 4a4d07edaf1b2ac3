// Pages of a user's conversations, newest activity first, each page in the order the list had when its first page
// was read (the cursor carries that moment), so a conversation that moves up while a client pages is neither
// skipped nor listed twice.
import { z } from "zod";
import { compareIds, CONVERSATION_ID, EVERYONE_ROOM, isMsgId } from "@cim/protocol";
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

const CURSOR_TEXT = /^c1:([0-9]{1,20}):([0-9]{1,20}):(.+)$/;

/** The cursor a nextCursor stands for, or undefined when it is none we gave. */
export function parseConversationCursor(cursor: string): Cursor | undefined {
  const match = CURSOR_TEXT.exec(cursorText(cursor) ?? "");
  // Both are read as stream ids: a number past the largest one (2^64 - 1) is none we gave, not a Redis error.
  if (!match || !CONVERSATION_ID.test(match[3]!) || !isMsgId(match[1]!) || !isMsgId(match[2]!)) return undefined;
  return { asOf: match[1]!, position: match[2]!, conversation: match[3]! };
}

const cursorOf = (cursor: Cursor) => pageCursor(`c1:${cursor.asOf}:${cursor.position}:${cursor.conversation}`);

/** `?cursor=&limit=`; a call with neither is an old client's, answered with the whole list as before. */
export const ConversationPageQuery = z.object({
  cursor: cursorParam(200, parseConversationCursor),
  limit: queryInteger("limit", 1, CONVERSATIONS_PAGE_MAX),
});
export type ConversationPageQuery = z.output<typeof ConversationPageQuery>;

export const isConversationPage = (query: ConversationPageQuery) => query.cursor !== undefined || query.limit !== undefined;

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
 * One page of the user's conversations (the rooms and the MAX_PEERS most recent private peers, as the whole list):
 * ordered by each one's newest msgId when the first page was read, with its summary as it is now (a room's with its
 * visibility and owner). Each page reads the position of every conversation of the user (one stream entry each)
 * but summarizes only its own.
 */
export async function conversationPage(s: Deps, userId: string, query: ConversationPageQuery): Promise<{ conversations: ConversationSummary[]; nextCursor: string }> {
  const cursor = query.cursor ? parseConversationCursor(query.cursor) : undefined;
  const limit = query.limit ?? CONVERSATIONS_PAGE_DEFAULT;
  const [roomIds, peers] = await Promise.all([s.rooms.roomsOf(userId), s.users.peersOf(userId, MAX_PEERS)]);
  const ids = [...new Set([EVERYONE_ROOM, ...roomIds, ...peers])];
  const positions = await s.messages.newestOf(userId, ids, cursor?.asOf);
  // The first page's moment: the newest entry it saw anywhere. Later entries have later msgIds (Redis's TIME, so on a
  // Cluster only as far as its masters' clocks agree), so they do not count.
  const asOf = cursor?.asOf ?? positions.reduce((max, position) => (compareIds(position, max) > 0 ? position : max), "0");
  const placed = ids.map((conversation, i) => ({ conversation, position: positions[i]! })).sort(byActivity);
  const rest = cursor ? placed.filter((item) => byActivity(item, cursor) > 0) : placed;
  const page = rest.slice(0, limit);
  const items = await named(s, page.map((item) => item.conversation));
  const nextCursor = rest.length > limit ? cursorOf({ asOf, ...page.at(-1)! }) : "";
  return { conversations: await summarize(s, userId, items), nextCursor };
}

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
