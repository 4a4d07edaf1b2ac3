// Message search over the caller's conversations (or one of them): a bounded scan, see @cim/state search.ts.
import { Hono, type Context } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { CONVERSATION_ID, ErrorCode, MAX_SEARCH_QUERY_LENGTH, ROOM_ID } from "@cim/protocol";
import { FailureLog, SEARCH_MAX_CONVERSATIONS, type SearchPlace } from "@cim/state";
import { bearer, errorAnswer, jsonAnswer } from "../api-route.js";
import { cursorParam, cursorText, pageCursor } from "../page-cursor.js";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { roomsOf } from "../conversation-summaries.js";
import { ApiError } from "../errors.js";
import { queryOf } from "../validation.js";
import { queryInteger } from "../query-number.js";

const SearchQuery = z.object({
  q: z.string().trim().min(1, "q is empty").max(MAX_SEARCH_QUERY_LENGTH, `q is at most ${MAX_SEARCH_QUERY_LENGTH} characters`),
  conversation: z.string().regex(CONVERSATION_ID, "conversation must be a roomId or a userId").optional(),
  limit: queryInteger("limit", 1, 50, 20),
  cursor: cursorParam(200, searchCursor, "Paged form (added): \"\" for the first page, then the nextCursor of the previous one"),
});

const CURSOR_TEXT = /^s1:([0-9]{1,16}):([0-9]{1,20}):(.+)$/;

/** The place a nextCursor stands for (the last hit of its page), or undefined when it is none we gave. */
export function searchCursor(cursor: string): SearchPlace | undefined {
  const match = CURSOR_TEXT.exec(cursorText(cursor) ?? "");
  if (!match || !CONVERSATION_ID.test(match[3]!)) return undefined;
  return { ts: Number(match[1]), msgId: match[2]!, conversation: match[3]! };
}

const cursorOf = (hit: SearchPlace) => pageCursor(`s1:${hit.ts}:${hit.msgId}:${hit.conversation}`);

export const searchApi = {
  search: createRoute({
    method: "get", path: "/api/search",
    summary: "Messages of the caller's conversations whose current text contains q (case-insensitive), newest first; the newest 2,000 entries of each of up to 100 conversations are searched",
    security: bearer, request: { query: SearchQuery },
    responses: {
      200: jsonAnswer("{results:[{conversation, msgId, from, fromName, to, room, text, ts, edited, replyTo?, replyFrom?, replyFromName?, replyText?}], nextCursor? (with cursor only: \"\" at the end)}; a reply's replyText is the quoted message's newest text (\"\" once deleted)"),
      400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 403: errorAnswer("not_member"), 404: errorAnswer("not_found"),
      429: errorAnswer("rate_limited (with Retry-After): more than CIM_SEARCHES_PER_USER searches per CIM_SEARCH_WINDOW_SECONDS, or more than CIM_MAX_SEARCHES_IN_PROGRESS + CIM_MAX_SEARCHES_WAITING searches of all users at once on this route process"),
    },
  }),
};

/** The one key of `Services.searches`: its cap is on all users' searches together. */
const ALL_SEARCHES = "*";

export function searchRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const failures = new FailureLog(s.log);
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  /** The conversations to scan: the one asked for (checked), or the rooms then the most recent private peers. */
  async function conversations(userId: string, conversation: string | undefined): Promise<string[]> {
    if (conversation === userId) throw new ApiError(400, ErrorCode.BadRequest, "conversation cannot be yourself");
    if (conversation !== undefined && ROOM_ID.test(conversation)) {
      if (await s.rooms.isMember(conversation, userId)) return [conversation];
      if (!(await s.rooms.get(conversation))) throw new ApiError(404, ErrorCode.NotFound, `no room ${conversation}`);
      throw new ApiError(403, ErrorCode.NotMember, `you are not a member of ${conversation}`);
    }
    if (conversation !== undefined) return [conversation];
    const rooms = (await roomsOf(s, userId)).map((room) => room.roomId);
    return [...rooms, ...(await s.users.peersOf(userId, Math.max(0, SEARCH_MAX_CONVERSATIONS - rooms.length)))];
  }

  app.get("/", async (c) => {
    const query = queryOf(c, searchApi.search);
    const userId = c.get("user").userId;
    await s.guard.search(userId);
    // Route-wide, after the user's own limit: many accounts searching at once stalled Redis as one user's loop did.
    if ((await s.searches.enter(ALL_SEARCHES)) === "refused") {
      failures.throttled("searches refused", { userId }, "refusing searches beyond CIM_MAX_SEARCHES_IN_PROGRESS and CIM_MAX_SEARCHES_WAITING (429); once per window");
      throw new ApiError(429, ErrorCode.RateLimited, "too many searches on this server at once: try again in a second", { headers: { "Retry-After": "1" } });
    }
    try {
      return await answer(c, query, userId);
    } finally {
      s.searches.leave(ALL_SEARCHES);
    }
  });

  async function answer(c: Context<AppEnv>, query: z.output<typeof SearchQuery>, userId: string) {
    const scanned = await conversations(userId, query.conversation);
    if (query.cursor === undefined) return c.json({ results: await s.search.search({ userId, conversations: scanned, text: query.q, limit: query.limit }) });
    // Paged form: one hit more than the page tells whether there is a next one.
    const after = query.cursor ? searchCursor(query.cursor) : undefined;
    const hits = await s.search.search({ userId, conversations: scanned, text: query.q, limit: query.limit + 1, after });
    const results = hits.slice(0, query.limit);
    return c.json({ results, nextCursor: hits.length > query.limit ? cursorOf(results.at(-1)!) : "" });
  }

  return app;
}
