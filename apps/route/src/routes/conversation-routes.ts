// The caller's conversations (rooms and private chats) with unread counts, newest first.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { bearer, errorAnswer, jsonAnswer } from "../api-route.js";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { conversationsOf } from "../conversation-summaries.js";

export const conversationApi = {
  list: createRoute({
    method: "get", path: "/api/conversations", summary: "The caller's rooms and private chats, newest first", security: bearer,
    responses: { 200: jsonAnswer("{conversations:[{conversation, kind, name, unread, lastMsgId, readUpTo, last?: {msgId, from, fromName, to, room, text, ts, edited, deleted}}]}"), 401: errorAnswer("bad token") },
  }),
};

export function conversationRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  app.get("/", async (c) => c.json({ conversations: await conversationsOf(s, c.get("user").userId) }));

  return app;
}
