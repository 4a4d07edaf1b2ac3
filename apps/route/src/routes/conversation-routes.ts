// The caller's conversations (rooms and private chats) with unread counts, newest first.
import { Hono } from "hono";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { conversationsOf } from "../conversation-summaries.js";

export function conversationRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions));

  app.get("/", async (c) => c.json({ conversations: await conversationsOf(s, c.get("user").userId) }));

  return app;
}
