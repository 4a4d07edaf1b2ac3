// Online list, send-by-HTTP for integrations (group, room or private), and history with membership checks.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CLIENT_MSG_ID, compareIds, DECIMAL_ID, ErrorCode, isBlankText, isMsgId, isReaction, MAX_REACTION_LENGTH, MAX_TEXT_LENGTH, ROOM_ID } from "@cim/protocol";
import { requireUser, unauthorized } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { ApiError, REDIS_RETRY_AFTER_SECONDS } from "../errors.js";
import { bearer, errorAnswer, jsonAnswer, jsonBody, SendUnavailableBody } from "../api-route.js";
import { blockRefusalMessage } from "@cim/state";
import { onlineUsersSeenBy } from "../user-cards.js";
import { isPaged, onlinePage, PageQuery } from "../name-pages.js";
import { bodyOf, queryOf } from "../validation.js";
import { queryInteger } from "../query-number.js";
import { chargeHeavyRead, PAGE_COST, wholeListCost } from "../heavy-reads.js";

const oneTarget = (v: { to?: string; room?: string; with?: string }) => !((v.to ?? v.with) !== undefined && v.room !== undefined);

const SendBody = z.object({
  to: z.string().regex(DECIMAL_ID, "to must be a userId").optional(),
  room: z.string().regex(ROOM_ID, "room must be a roomId").optional(),
  // UTF-16 units (String.length), as gateways count: zod's max counts code points and let 8,000 units of emoji in.
  text: z.string().refine((text) => text.length <= MAX_TEXT_LENGTH, `text is at most ${MAX_TEXT_LENGTH} characters (UTF-16 units)`)
    .meta({ maxLength: MAX_TEXT_LENGTH }),
  clientMsgId: z.string().regex(CLIENT_MSG_ID, "clientMsgId must be 1-64 characters of [A-Za-z0-9_:.-]").optional(),
  replyTo: z.string().regex(DECIMAL_ID, "replyTo must be a msgId").optional().describe("a message of the same conversation this one quotes"),
  editOf: z.string().regex(DECIMAL_ID, "editOf must be a msgId").optional().describe("the caller's own message of the same conversation this edits (text replaces its text) or deletes"),
  delete: z.boolean().optional().describe("with editOf: delete that message (text is ignored)"),
  reactTo: z.string().regex(DECIMAL_ID, "reactTo must be a msgId").optional().describe("a message (anyone's) of the same conversation this reacts to (text is ignored)"),
  reaction: z.string().refine((v) => v === "" || isReaction(v), `reaction must be one emoji of at most ${MAX_REACTION_LENGTH} UTF-16 units`).optional()
    .describe("with reactTo: the emoji; \"\" takes the caller's reaction back"),
}).refine(oneTarget, "to and room are exclusive")
  .refine((v) => v.delete === true || v.reactTo !== undefined || !isBlankText(v.text), "text is empty")
  .refine((v) => !v.delete || v.editOf !== undefined, "delete names the message in editOf")
  .refine((v) => !(v.editOf !== undefined && v.replyTo !== undefined), "an edit or deletion is not a reply")
  .refine((v) => !v.reaction || v.reactTo !== undefined, "reaction names the message in reactTo")
  .refine((v) => v.reactTo === undefined || (v.replyTo === undefined && v.editOf === undefined && !v.delete), "a reaction is not a reply, edit or deletion");
const BEFORE_BOUNDS = "before must be a msgId from 1 to 18446744073709551615, in decimal digits";
const HistoryQuery = z.object({
  with: z.string().regex(DECIMAL_ID, "with must be a userId").optional(),
  room: z.string().regex(ROOM_ID, "room must be a roomId").optional(),
  // 1 to the largest stream id: Redis refuses the range before 0 or past 2^64-1 (it was a 500). The message and the
  // document name the bounds, as queryInteger's do.
  // A number in the query, so leading zeros are allowed as in every numeric parameter (`05` is 5), and taken off
  // before the id goes on: a padded id compares by length above every real one.
  before: z.string().regex(/^[0-9]{1,20}$/, BEFORE_BOUNDS).transform((v) => v.replace(/^0+(?=.)/, ""))
    .refine((v) => isMsgId(v) && v !== "0", BEFORE_BOUNDS).optional()
    .meta({ pattern: "^[0-9]{1,20}$", description: `${BEFORE_BOUNDS}: the page holds the newest messages before it` }),
  limit: queryInteger("limit", 1, 200, 50),
  // Which room events come (added): renames only by default, as before membership changes were kept, so a client
  // that took every event for a rename keeps working; "all" adds joins, leaves and additions.
  events: z.enum(["renamed", "all"]).default("renamed"),
}).refine(oneTarget, "with and room are exclusive");

const OnlineQuery = PageQuery;

export const chatApi = {
  online: createRoute({
    method: "get", path: "/api/online", security: bearer, request: { query: OnlineQuery },
    summary: "Users online: with any of cursor, limit (1-200, default 50), prefix: one page in name order plus the count; without: every one",
    responses: { 200: jsonAnswer("{users:[{userId, userName}], count, nextCursor} (without parameters: {users})"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 429: errorAnswer("rate_limited (with Retry-After): more than CIM_HEAVY_READS_PER_USER heavy reads (online list, member pages, last-seen) per CIM_HEAVY_READS_WINDOW_SECONDS; a page costs 1, the whole list 1 per 200 users it lists") },
  }),
  send: createRoute({
    method: "post", path: "/api/messages", summary: "Send to a user (to), a room (room) or the group (neither)", security: bearer, request: { body: jsonBody(SendBody) },
    responses: {
      202: jsonAnswer("{msgId}"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 403: errorAnswer("not_member; forbidden: an edit of someone else's message; blocked: a private message between users who block each other"),
      404: errorAnswer("unknown_recipient, not_found (a room, or the message replyTo / editOf / reactTo names)"), 415: errorAnswer("not JSON"),
      429: errorAnswer("rate_limited (with Retry-After): more than CIM_HTTP_SENDS_PER_USER sends per CIM_HTTP_SENDS_WINDOW_SECONDS"),
      503: { description: "unavailable (with Retry-After): Redis unreachable, or with CIM_REDIS_WAIT_REPLICAS the wait for replicas failed; send again with the clientMsgId the answer names (error.clientMsgId: the request's, or route's own when it gave none; absent when the 503 came before the send was read, from the token's check or the send limit's count: nothing was stored)", content: { "application/json": { schema: SendUnavailableBody } } },
    },
  }),
  history: createRoute({
    method: "get", path: "/api/history", summary: "One page of a conversation, oldest first", security: bearer, request: { query: HistoryQuery },
    responses: { 200: jsonAnswer("{messages:[{msgId, from, fromName, to, text, ts, room, replyTo?, replyFrom?, replyFromName?, replyText?, editOf?, deleted?, reactTo?, reaction?, sentHere?}], events:[{kind, name, userId, userName, by?, byName?, after, ts}]}: messages oldest first, as the Message frame (to and room \"\" where they do not apply); events (rooms: renames; with events=all also joins, leaves and additions) placed on this page, each after the message `after`; a reply's replyFrom, replyFromName, replyText: the quoted message's sender and its newest text (\"\" once deleted); sentHere on the caller's own messages sent over WebSocket: true when this login sent it; text: the newest edit's, \"\" once deleted; peerGone: true (added) with `with` naming a deleted account"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 403: errorAnswer("not_member"), 404: errorAnswer("not_found") },
  }),
};

export function chatRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const user = requireUser(s.tokens, s.sessions, s.requests);

  /** 404 for a room that does not exist, 403 not_member for one the user is not in. */
  async function checkMember(roomId: string, userId: string): Promise<void> {
    if (await s.rooms.isMember(roomId, userId)) return;
    if (!(await s.rooms.get(roomId))) throw new ApiError(404, ErrorCode.NotFound, `no room ${roomId}`);
    throw new ApiError(403, ErrorCode.NotMember, `you are not a member of ${roomId}`);
  }

  app.get("/online", user, async (c) => {
    const query = queryOf(c, chatApi.online);
    const me = c.get("user").userId;
    await chargeHeavyRead(s, me, isPaged(query) ? PAGE_COST : wholeListCost(await s.sessions.onlineCount()), "/api/online");
    // The call of old clients, without parameters: every online user, in userId order, as before.
    if (!isPaged(query)) {
      return c.json({ users: await onlineUsersSeenBy(s, me) });
    }
    // Users blocking each other (either way) do not see each other online; the count stays everyone's.
    return c.json(await onlinePage(s, me, query));
  });

  app.post("/messages", user, async (c) => {
    const user = c.get("user");
    // Counted before the body is validated: a flood of bad bodies costs route as much as one of good ones.
    await s.guard.httpSend(user.userId, () =>
      s.log.info({ userId: user.userId }, "POST /api/messages: user over CIM_HTTP_SENDS_PER_USER, answered 429 until its window ends"));
    const body = await bodyOf(c, chatApi.send);
    if (body.to === user.userId) throw new ApiError(400, ErrorCode.BadRequest, "cannot send a private message to yourself");
    const target = body.to !== undefined ? { to: body.to } : body.room !== undefined ? { room: body.room } : {};
    const clientMsgId = body.clientMsgId ?? `http-${randomUUID()}`;
    c.set("clientMsgId", clientMsgId);
    const stored = await s.messages.store({
      clientMsgId, from: user.userId, fromName: user.userName, fromDevice: "",
      text: body.delete || body.reactTo !== undefined ? "" : body.text, replyTo: body.replyTo, editOf: body.editOf, deleted: body.delete === true,
      reactTo: body.reactTo, reaction: body.reaction ?? "", ...target,
    });
    if ("error" in stored) {
      if (stored.error === "unknown_recipient") throw new ApiError(404, ErrorCode.UnknownRecipient, `no user ${body.to ?? ""}`);
      if (stored.error === "not_found") throw new ApiError(404, ErrorCode.NotFound, `no message ${body.replyTo ?? body.editOf ?? body.reactTo ?? ""} in this conversation`);
      if (stored.error === "forbidden") throw new ApiError(403, ErrorCode.Forbidden, "only the sender may edit or delete a message");
      if (stored.error === "blocked" || stored.error === "blocking") throw new ApiError(403, ErrorCode.Blocked, blockRefusalMessage(stored.error));
      // The caller's account was deleted while this request was under way (its token was checked before).
      if (stored.error === "sender_gone") throw unauthorized("your account was deleted", true);
      if (stored.error === "too_many_new_peers") throw new ApiError(429, ErrorCode.RateLimited, "you started too many new private conversations this hour: try again later", { headers: { "Retry-After": "3600" } });
      await checkMember(body.room ?? "", user.userId);
      throw new ApiError(403, ErrorCode.NotMember, `you are not a member of ${body.room ?? ""}`);
    }
    // A resend waits too: its first attempt may have been acknowledged by a master that died since.
    await s.replicas.confirm(stored.message, clientMsgId, stored.inboxes).catch((error: unknown) => {
      // Stored, not confirmed: like a gateway's `unavailable`, send it again (with the same clientMsgId: stored once).
      s.log.warn({ userId: user.userId, msgId: stored.message.msgId, err: (error as Error).message }, "POST /api/messages: waiting for replicas failed, answered 503");
      throw new ApiError(503, ErrorCode.Unavailable, "message not confirmed by the replicas CIM_REDIS_WAIT_REPLICAS asks for: send it again with the same clientMsgId", { cause: error, headers: { "Retry-After": String(REDIS_RETRY_AFTER_SECONDS) } });
    });
    return c.json({ msgId: stored.message.msgId }, 202);
  });

  app.get("/history", user, async (c) => {
    const query = queryOf(c, chatApi.history);
    const user = c.get("user");
    if (query.room !== undefined) await checkMember(query.room, user.userId);
    const messages = await s.messages.history({ userId: user.userId, peer: query.with, room: query.room, before: query.before, limit: query.limit, device: user.sessionId });
    const kept = query.room === undefined ? [] : await s.rooms.events(query.room);
    const events = eventsOfPage(query.events === "all" ? kept : kept.filter((event) => event.kind === "renamed"), messages, query);
    // A private chat whose peer deleted its account says so, so a client shows it before a send is refused.
    if (query.with !== undefined && (await s.accounts.isGone(query.with))) return c.json({ messages, events, peerGone: true });
    return c.json({ messages, events });
  });

  return app;
}

/**
 * The room events a history page shows: those after one of its messages (`after` from its first to before `before`),
 * and on the oldest page (fewer messages than asked) those older than its first message too, so each event comes
 * with exactly one page whichever way the pages are cut.
 */
export function eventsOfPage<E extends { after: string }>(events: E[], messages: ReadonlyArray<{ msgId: string }>, page: { before?: string; limit: number }): E[] {
  const first = messages[0]?.msgId;
  const oldest = messages.length < page.limit;
  return events.filter((event) => (!page.before || compareIds(event.after, page.before) < 0) && (oldest || !first || compareIds(event.after, first) >= 0));
}
