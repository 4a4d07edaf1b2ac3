// The caller's conversations (rooms and private chats) with unread counts, newest first.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { bearer, errorAnswer, jsonAnswer } from "../api-route.js";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { conversationsOf } from "../conversation-summaries.js";
import { conversationPage, ConversationPageQuery, CONVERSATIONS_PAGE_DEFAULT, CONVERSATIONS_PAGE_MAX, isConversationPage } from "../conversation-pages.js";
import { queryOf } from "../validation.js";

export const conversationApi = {
  list: createRoute({
    method: "get", path: "/api/conversations", summary: "The caller's rooms and private chats, newest first: with any of cursor, limit (1-100, default 30), one page and nextCursor; without: every one", security: bearer,
    description: `Without parameters, every conversation at once. With cursor or limit (1-${CONVERSATIONS_PAGE_MAX}, default ${CONVERSATIONS_PAGE_DEFAULT}), one page of them and nextCursor ("" at the end), in the order they had when the first page was read.`,
    request: { query: ConversationPageQuery },
    responses: {
      200: jsonAnswer("{conversations:[{conversation, kind, name, unread, lastMsgId, readUpTo, last?: {msgId, from, fromName, to, room, text, ts, edited, deleted}, eventsSeen?}], nextCursor? (paged form only)}; in the paged form a room's entry also carries visibility and owner; eventsSeen (rooms): the ts of the room's newest event when the caller last opened it (PUT /api/rooms/{roomId}/opened), absent when never"),
      400: errorAnswer("bad_request: a bad cursor or limit"), 401: errorAnswer("bad token"),
    },
  }),
};

export function conversationRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  app.get("/", async (c) => {
    const query = queryOf(c, conversationApi.list);
    const userId = c.get("user").userId;
    // An old client asks with no parameter and gets the whole list, as before.
    if (isConversationPage(query)) return c.json(await conversationPage(s, userId, query));
    return c.json({ conversations: await conversationsOf(s, userId) });
  });

  return app;
}
