// Online list, send-by-HTTP for integrations, history and search.
import { Hono } from "hono";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CLIENT_MSG_ID, DECIMAL_ID, ErrorCode, MAX_TEXT_LENGTH } from "@cim/protocol";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { ApiError } from "../errors.js";
import { parseJson, parseQuery } from "../validation.js";

const SendBody = z.object({
  to: z.string().regex(DECIMAL_ID, "to must be a userId").optional(),
  text: z.string().refine((t) => t.trim().length > 0, "text is empty").pipe(z.string().max(MAX_TEXT_LENGTH, `text is at most ${MAX_TEXT_LENGTH} characters`)),
  clientMsgId: z.string().regex(CLIENT_MSG_ID, "clientMsgId must be 1-64 characters of [A-Za-z0-9_:.-]").optional(),
});
const HistoryQuery = z.object({
  with: z.string().regex(DECIMAL_ID, "with must be a userId").optional(),
  before: z.string().regex(DECIMAL_ID, "before must be a msgId").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function chatRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const user = requireUser(s.tokens, s.sessions);

  app.get("/online", user, async (c) => c.json({ users: await s.sessions.onlineUsers() }));

  app.post("/messages", user, async (c) => {
    const body = await parseJson(c, SendBody);
    const user = c.get("user");
    const to = body.to ?? "";
    if (to === user.userId) throw new ApiError(400, ErrorCode.BadRequest, "cannot send a private message to yourself");
    const stored = await s.messages.store({
      clientMsgId: body.clientMsgId ?? `http-${randomUUID()}`, from: user.userId, fromName: user.userName, to, text: body.text,
    });
    if (!stored) throw new ApiError(404, ErrorCode.UnknownRecipient, `no user ${to}`);
    return c.json({ msgId: stored.message.msgId }, 202);
  });

  app.get("/history", user, async (c) => {
    const query = parseQuery(c, HistoryQuery);
    const user = c.get("user");
    const messages = await s.messages.history({ userId: user.userId, peer: query.with, before: query.before, limit: query.limit });
    return c.json({ messages });
  });

  return app;
}
