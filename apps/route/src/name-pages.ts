// Pages of users in canonical-name order (the online list, a room's members): the query, the opaque cursor, the
// reads. One shape for both, so a client pages either the same way.
import { z } from "zod";
import { EVERYONE_ROOM } from "@cim/protocol";
import type { Services } from "./context.js";
import { cursorParam, cursorText, pageCursor } from "./page-cursor.js";
import { queryInteger } from "./query-number.js";
import { userCards, type UserCard } from "./user-cards.js";
import { nameKey } from "./user-names.js";

/** Name index entries one page reads at most: a page may be short, follow nextCursor. */
export const PAGE_READ_BUDGET = 2_000;
/** Users per page when `limit` is not given. */
export const PAGE_DEFAULT_LIMIT = 50;

/** The index entry (`<name key>\0<userId>`) a nextCursor stands for, or undefined when it is none we gave. */
export function cursorEntry(cursor: string): string | undefined {
  const entry = cursorText(cursor);
  return entry !== undefined && /\0\d+$/.test(entry) ? entry : undefined;
}

/** The nextCursor of the entry a page ended at ("" at the end). */
const cursorOf = (entry: string) => (entry ? pageCursor(entry) : "");

/** `?cursor=&limit=&prefix=`; a call with none of them is an old client's, answered as before. */
export const PageQuery = z.object({
  cursor: cursorParam(400, cursorEntry),
  limit: queryInteger("limit", 1, 200),
  prefix: z.string().max(64, "prefix is at most 64 characters").optional(),
});
export type PageQuery = z.output<typeof PageQuery>;

/** Whether the query asks for a page (any of its parameters given). */
export const isPaged = (query: PageQuery) => query.cursor !== undefined || query.limit !== undefined || query.prefix !== undefined;

/** Where a page starts and what it holds, from the query. */
function bounds(query: PageQuery) {
  return { prefix: nameKey((query.prefix ?? "").trim()), after: query.cursor ? cursorEntry(query.cursor)! : "", limit: query.limit ?? PAGE_DEFAULT_LIMIT, budget: PAGE_READ_BUDGET };
}

type PageServices = Pick<Services, "accounts" | "blocks" | "presence" | "rooms" | "sessions" | "users">;

/**
 * One page of the users online as `viewer` may see them (those blocking it or blocked by it are left out, read as
 * offline: a page ending at one of them named it in its nextCursor, sec22), and the count of every user online.
 */
export async function onlinePage(s: PageServices, viewer: string, query: PageQuery): Promise<{ users: Array<{ userId: string; userName: string }>; count: number; nextCursor: string }> {
  const hidden = await s.blocks.related(viewer);
  const [page, count] = await Promise.all([s.users.onlinePage({ ...bounds(query), hidden }), s.sessions.onlineCount()]);
  const names = await s.accounts.names(page.userIds);
  const users = page.userIds.flatMap((userId, i) => (names[i] ? [{ userId, userName: names[i] }] : []));
  return { users, count, nextCursor: cursorOf(page.next) };
}

/**
 * One page of a room's members as `viewer` sees them (a user in a block with it shows offline, as in the whole
 * list); `count` is the room's members, or those whose name starts with the prefix. Everyone's members are every
 * user: its pages are those of the online list.
 */
export async function memberPage(s: PageServices, roomId: string, viewer: string, query: PageQuery): Promise<{ members: UserCard[]; count: number; nextCursor: string }> {
  if (roomId === EVERYONE_ROOM) {
    const page = await onlinePage(s, viewer, query);
    return { members: page.users.map((user) => ({ ...user, online: true })), count: page.count, nextCursor: page.nextCursor };
  }
  const page = await s.rooms.memberPage(roomId, bounds(query));
  return { members: await userCards(s, page.userIds, viewer), count: page.count, nextCursor: cursorOf(page.next) };
}
