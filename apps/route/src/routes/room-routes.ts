// Rooms: create, the public directory, join, leave, invite, members; the owner renames and removes members. Membership
// changes and renames are announced on the bus.
import { Hono, type Context } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { DECIMAL_ID, EVERYONE_ROOM, ErrorCode, isBlankText, ROOM_ID } from "@cim/protocol";
import { EVERYONE, type ClusterMessage, type Room } from "@cim/state";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { roomsOf, summarize } from "../conversation-summaries.js";
import { CONVERSATIONS_PAGE_DEFAULT, CONVERSATIONS_PAGE_MAX, isConversationPage, myRoom, roomPage, RoomPageQuery } from "../conversation-pages.js";
import { ApiError } from "../errors.js";
import { announceRoom } from "../room-announce.js";
import { onlineUsersSeenBy, userCards } from "../user-cards.js";
import { bearer, errorAnswer, jsonAnswer, jsonBody, RoomPath } from "../api-route.js";
import { bodyOf, queryOf } from "../validation.js";
import { queryInteger } from "../query-number.js";
import { isPaged, memberPage, PageQuery } from "../name-pages.js";
import { chargeHeavyRead, PAGE_COST, wholeListCost } from "../heavy-reads.js";
import { invisibleInRoomName } from "../room-names.js";
import { isGroupName } from "../user-names.js";

/** Longest room name, in code points after trimming (zod's max counts code points: 64 emoji fit). */
export const MAX_ROOM_NAME_LENGTH = 64;

/**
 * No control characters, lone surrogates, text-direction embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069: "a\u202egnp.exe" shows as "aexe.png" and an unclosed one reorders the text after the name wherever it
 * is shown), invisible separators and joiners that make look-alike names (U+200B, U+2060-2064, U+FEFF) or break lines
 * (U+2028, U+2029). Direction marks (U+200E, U+200F, U+061C) and ZWJ / ZWNJ, which scripts and emoji need, stay
 * where they show something (room-names.ts).
 */
const NAME_CHARACTERS = /^[^\p{Cc}\p{Cs}\u200B\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]*$/u;
// Each check stops at its failure (`abort`): one reason is said, not also every rule after it that the same character
// breaks ("... invisible or text-direction characters; ... invisible characters", "name is required" twice).
const CreateRoom = z.object({
  name: z.string().trim().min(1, { message: "name is required", abort: true }).max(MAX_ROOM_NAME_LENGTH, { message: `name is at most ${MAX_ROOM_NAME_LENGTH} characters`, abort: true })
    .regex(NAME_CHARACTERS, { message: "name may not hold control, invisible or text-direction characters", abort: true }).meta({ pattern: NAME_CHARACTERS.source })
    // A name of Hangul fillers or joiners only reads as none.
    .refine((name) => !isBlankText(name), { message: "name is required", abort: true })
    // Invisible code points where they show nothing: names that read alike but differ, or hidden text.
    .superRefine((name, ctx) => {
      const why = invisibleInRoomName(name);
      if (why !== undefined) ctx.addIssue({ code: "custom", message: why });
    })
    // The group's name: a room of the same name beside it would pass for it.
    // Its look-alikes too (a Greek capital Epsilon, a fullwidth e): the keys that keep user names apart.
    .refine((name) => !isGroupName(name), `name may not be "${EVERYONE.name}", the group's`),
  visibility: z.enum(["public", "private"], "visibility is public or private"),
});
const RenameRoom = CreateRoom.pick({ name: true });
const DirectoryQuery = z.object({
  prefix: z.string().max(MAX_ROOM_NAME_LENGTH, `prefix is at most ${MAX_ROOM_NAME_LENGTH} characters`).default(""),
  limit: queryInteger("limit", 1, 50, 20),
});
const Invite = z.object({ userId: z.string().regex(DECIMAL_ID, "userId must be a userId") });

const roomAnswer = jsonAnswer("{roomId, name, visibility, owner}");
export const roomApi = {
  create: createRoute({
    method: "post", path: "/api/rooms", summary: "Create a room; the creator is its only member", security: bearer, request: { body: jsonBody(CreateRoom) },
    responses: { 201: roomAnswer, 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited (with Retry-After): more than CIM_ROOMS_PER_USER rooms created per CIM_ROOMS_WINDOW_SECONDS") },
  }),
  mine: createRoute({
    method: "get", path: "/api/rooms", security: bearer, request: { query: RoomPageQuery },
    summary: `The caller's rooms: with any of cursor, limit (1-${CONVERSATIONS_PAGE_MAX}, default ${CONVERSATIONS_PAGE_DEFAULT}), one page, newest activity first, and nextCursor; without: every one, everyone first, then by name`,
    description: `Without parameters, every room of the caller at once, everyone first, then by name. With cursor or limit (1-${CONVERSATIONS_PAGE_MAX}, default ${CONVERSATIONS_PAGE_DEFAULT}), one page of them and nextCursor ("" at the end), newest lastMsgId first in the order they had when the first page was read (GET /api/conversations' pages, rooms only).`,
    responses: {
      200: jsonAnswer("{rooms:[{roomId, name, visibility, owner, unread, lastMsgId}], nextCursor? (paged form only)}"),
      400: errorAnswer("bad_request: a bad cursor or limit"), 401: errorAnswer("bad token"),
    },
  }),
  directory: createRoute({
    method: "get", path: "/api/rooms/public", summary: "Public rooms whose name starts with prefix", security: bearer, request: { query: DirectoryQuery },
    responses: { 200: jsonAnswer("{rooms:[{roomId, name, members, owner, ownerName}]}: owner is the creator's userId, ownerName its name (\"\" when its account is gone)"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token") },
  }),
  join: createRoute({
    method: "post", path: "/api/rooms/{roomId}/join", summary: "Join a public room", security: bearer, request: { params: RoomPath },
    responses: { 200: roomAnswer, 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: a private room"), 404: errorAnswer("not_found"), 429: errorAnswer("rate_limited") },
  }),
  leave: createRoute({
    method: "post", path: "/api/rooms/{roomId}/leave", summary: "Leave a room", security: bearer, request: { params: RoomPath },
    responses: { 204: { description: "left" }, 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: everyone"), 404: errorAnswer("not_found"), 429: errorAnswer("rate_limited") },
  }),
  opened: createRoute({
    method: "put", path: "/api/rooms/{roomId}/opened", summary: "The caller opened a room (on any device): an invitation to it up to now is no news to its other devices", security: bearer,
    request: { params: RoomPath },
    responses: { 204: { description: "noted (everyone: nothing to note)" }, 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: not a member"), 404: errorAnswer("not_found") },
  }),
  invite: createRoute({
    method: "post", path: "/api/rooms/{roomId}/members", summary: "Add a user to a room the caller is in", security: bearer, request: { params: RoomPath, body: jsonBody(Invite) },
    responses: {
      201: jsonAnswer("{roomId, userId, userName}"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: not a member; blocked: either blocks the other"),
      404: errorAnswer("not_found"), 415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited"),
    },
  }),
  rename: createRoute({
    method: "patch", path: "/api/rooms/{roomId}", summary: "The owner renames a room", security: bearer, request: { params: RoomPath, body: jsonBody(RenameRoom) },
    responses: {
      200: roomAnswer, 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: not the owner, or everyone"), 404: errorAnswer("not_found"),
      415: errorAnswer("not JSON"), 429: errorAnswer("rate_limited"),
    },
  }),
  remove: createRoute({
    method: "delete", path: "/api/rooms/{roomId}/members/{userId}", summary: "The owner removes a member (as if it left)", security: bearer,
    request: { params: RoomPath.extend({ userId: z.string().regex(DECIMAL_ID).describe("the member's userId") }) },
    responses: {
      204: { description: "removed" }, 400: errorAnswer("bad_request: the owner itself (leave instead), or a userId that is no userId"), 401: errorAnswer("bad token"),
      403: errorAnswer("forbidden: not the owner, or everyone"), 404: errorAnswer("not_found: no such room, or not a member"),
      429: errorAnswer("rate_limited"),
    },
  }),
  members: createRoute({
    method: "get", path: "/api/rooms/{roomId}/members", security: bearer, request: { params: RoomPath, query: PageQuery },
    summary: "A room's members (everyone: those online): with any of cursor, limit (1-200, default 50), prefix: one page in name order plus the count; without: every one",
    responses: {
      200: jsonAnswer("{members:[{userId, userName, online}], count, nextCursor} (without parameters: {members}, every member in userId order)"),
      400: errorAnswer("bad_request: a bad limit, cursor or prefix"), 401: errorAnswer("bad token"), 403: errorAnswer("forbidden: private"), 404: errorAnswer("not_found"),
      429: errorAnswer("rate_limited (with Retry-After): more than CIM_HEAVY_READS_PER_USER heavy reads (online list, member pages, last-seen) per CIM_HEAVY_READS_WINDOW_SECONDS; a page costs 1, the whole list 1 per 200 users it lists"),
    },
  }),
};

type RoomEvent = Extract<ClusterMessage, { type: "room" }>;
const summary = (room: Room) => ({ roomId: room.roomId, name: room.name, visibility: room.visibility, owner: room.owner });

export function roomRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  /** The room of the path's `roomId`; 404 for an id that names none. */
  async function roomOf(c: Context<AppEnv>): Promise<Room> {
    const roomId = c.req.param("roomId") ?? "";
    const room = ROOM_ID.test(roomId) ? await s.rooms.get(roomId) : null;
    if (!room) throw new ApiError(404, ErrorCode.NotFound, `no room ${roomId}`);
    return room;
  }

  const announce = (room: Room, who: { userId: string; userName: string }, kind: RoomEvent["kind"], after?: string, by?: { userId: string; userName?: string }) => announceRoom(s, room, who, kind, after, by);

  /**
   * Only the owner manages a room, and only while it is a member (an owner who left is out like anyone else: it
   * would otherwise rename a room it no longer sees and learn its members by removing them); "everyone" has none.
   */
  async function requireOwner(room: Room, userId: string, what: string): Promise<void> {
    if (room.roomId === EVERYONE_ROOM) throw new ApiError(403, ErrorCode.Forbidden, `nobody can ${what} everyone`);
    if (room.owner !== userId) throw new ApiError(403, ErrorCode.Forbidden, `only the owner of ${room.roomId} can ${what} it`);
    if (!(await s.rooms.isMember(room.roomId, userId))) throw new ApiError(403, ErrorCode.Forbidden, `you left ${room.roomId}: only a member manages it`);
  }

  app.post("/", async (c) => {
    const body = await bodyOf(c, roomApi.create);
    const me = c.get("user");
    await s.guard.createRoom(me.userId);
    const room = await s.rooms.create({ name: body.name, visibility: body.visibility, owner: me.userId, ownerName: me.userName });
    await announce(room, me, "joined", "0");
    return c.json(summary(room), 201);
  });

  app.get("/", async (c) => {
    const query = queryOf(c, roomApi.mine);
    const me = c.get("user");
    // A page summarizes its own rooms only; an old client asks with no parameter and gets every room, as before.
    if (isConversationPage(query)) return c.json(await roomPage(s, me.userId, query));
    const rooms = await roomsOf(s, me.userId);
    // GET /api/rooms carries no preview: each room's newest entry is all it reads.
    const summaries = await summarize(s, me.userId, rooms.map((room) => ({ conversation: room.roomId, kind: "room" as const, name: room.name })), false);
    return c.json({ rooms: rooms.map((room, i) => myRoom(room, summaries[i]!)) });
  });

  app.get("/public", async (c) => {
    const query = queryOf(c, roomApi.directory);
    const rooms = await s.rooms.directory({ prefix: query.prefix.trim(), limit: query.limit });
    // The owner's name tells rooms of one name apart (names are not unique); "" when its account is gone.
    const owners = await s.accounts.names(rooms.map((r) => r.owner));
    return c.json({ rooms: rooms.map((r, i) => ({ roomId: r.roomId, name: r.name, members: r.members, owner: r.owner, ownerName: owners[i] ?? "" })) });
  });

  app.post("/:roomId/join", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.visibility === "private" && !(await s.rooms.isMember(room.roomId, me.userId))) {
      throw new ApiError(403, ErrorCode.Forbidden, `room ${room.roomId} is private: a member must invite you`);
    }
    // A join and a leave each reach every member's sessions: unbounded, a loop of them flooded a room.
    if (room.roomId !== EVERYONE_ROOM) await s.guard.joinOrLeave(me.userId);
    const joined = await s.rooms.join(room.roomId, me.userId, { userName: me.userName });
    if (joined.added) await announce(room, me, "joined", joined.after);
    return c.json(summary(room), 200);
  });

  app.post("/:roomId/leave", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.roomId === EVERYONE_ROOM) throw new ApiError(403, ErrorCode.Forbidden, "nobody can leave everyone");
    await s.guard.joinOrLeave(me.userId);
    // As a removal: its quiet copy goes on the room's channel in the leave's script, before the wake-up of any message
    // stored after it (announced on cim-bus:all only, after the script, a message stored in between reached the leaver).
    const quiet = { type: "room" as const, room: room.roomId, name: room.name, userId: me.userId, userName: me.userName, kind: "left" as const, quiet: true };
    if (!(await s.rooms.leave(room.roomId, me.userId, { userName: me.userName }, quiet))) throw new ApiError(404, ErrorCode.NotFound, `you are not a member of ${room.roomId}`);
    await s.reads.forgetOpened(me.userId, room.roomId);
    await announce(room, me, "left");
    return c.body(null, 204);
  });

  // Opening a room marks its newest event seen: a device that lists the room later tells no invitation up to it,
  // which an empty room's read position could not say (it has no message to be read past).
  app.put("/:roomId/opened", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.roomId === EVERYONE_ROOM) return c.body(null, 204);
    if (!(await s.rooms.isMember(room.roomId, me.userId))) throw new ApiError(403, ErrorCode.Forbidden, `you are not a member of ${room.roomId}`);
    const newest = await s.rooms.newestEventTs(room.roomId);
    if (newest > 0) await s.reads.openedRoom(me.userId, room.roomId, newest);
    return c.body(null, 204);
  });

  app.post("/:roomId/members", async (c) => {
    const room = await roomOf(c);
    const { userId } = await bodyOf(c, roomApi.invite);
    const me = c.get("user");
    if (!(await s.rooms.isMember(room.roomId, me.userId))) throw new ApiError(403, ErrorCode.Forbidden, `only members of ${room.roomId} can invite`);
    // Without a bound a member could put a room in every user's list, again after each leave.
    await s.guard.invite(me.userId);
    const [userName = ""] = await s.accounts.names([userId]);
    if (!userName) throw new ApiError(404, ErrorCode.NotFound, `no user ${userId}`);
    // A block keeps the two apart in rooms too, as far as one can put the other in one: else a blocked user (or a
    // few accounts of one person) could add anyone to room after room, each a leave away.
    const refusal = await s.blocks.refusal(me.userId, userId);
    if (refusal) throw new ApiError(403, ErrorCode.Blocked, refusal === "blocking" ? "you blocked this user: unblock them to add them to a room" : "this user does not accept invitations from you");
    const invited = await s.rooms.add(room.roomId, userId, { userName, by: { userId: me.userId, userName: me.userName } });
    if (invited.added) await announce(room, { userId, userName }, "invited", invited.after, me);
    return c.json({ roomId: room.roomId, userId, userName }, 201);
  });

  app.patch("/:roomId", async (c) => {
    const room = await roomOf(c);
    const { name } = await bodyOf(c, roomApi.rename);
    const me = c.get("user");
    await requireOwner(room, me.userId, "rename");
    await s.guard.changeRoom(me.userId);
    const renamed = await s.rooms.rename(room.roomId, name, me);
    if (!renamed) throw new ApiError(404, ErrorCode.NotFound, `no room ${room.roomId}`);
    if (renamed.name !== room.name) await announce(renamed, me, "renamed");
    return c.json(summary(renamed), 200);
  });

  // The removed member's change is a leave's: the same store call and the same "left" event (with `by`), so its
  // sessions stop reading the room as after a leave.
  app.delete("/:roomId/members/:userId", async (c) => {
    const room = await roomOf(c);
    const userId = c.req.param("userId");
    const me = c.get("user");
    // As every id a client sends (CONTRACT): `bob` or a padded `07` is malformed, not a member nobody is; refused
    // before the owner's changes are counted.
    if (!DECIMAL_ID.test(userId)) throw new ApiError(400, ErrorCode.BadRequest, "userId must be a userId");
    await requireOwner(room, me.userId, "remove members of");
    if (userId === me.userId) throw new ApiError(400, ErrorCode.BadRequest, "the owner cannot remove itself: leave the room instead");
    await s.guard.changeRoom(me.userId);
    const [userName = ""] = await s.accounts.names([userId]);
    // Its quiet copy goes on the room's channel with the removal itself (see `quiet`): in order with the room's
    // wake-ups, before that of any message stored after it. Then to every gateway, as a leave is.
    const quiet = { type: "room" as const, room: room.roomId, name: room.name, userId, userName, kind: "left" as const, by: me.userId, byName: me.userName, quiet: true };
    if (!(await s.rooms.leave(room.roomId, userId, { userName, by: { userId: me.userId, userName: me.userName } }, quiet))) throw new ApiError(404, ErrorCode.NotFound, `${userId} is not a member of ${room.roomId}`);
    await s.reads.forgetOpened(userId, room.roomId);
    await announce(room, { userId, userName }, "left", undefined, me);
    s.log.info({ room: room.roomId, userId, by: me.userId }, "the owner removed a member");
    return c.body(null, 204);
  });

  app.get("/:roomId/members", async (c) => {
    const query = queryOf(c, roomApi.members);
    const me = c.get("user");
    if (isPaged(query)) await chargeHeavyRead(s, me.userId, PAGE_COST, "/api/rooms/{roomId}/members");
    const room = await roomOf(c);
    if (room.visibility === "private" && !(await s.rooms.isMember(room.roomId, me.userId))) {
      throw new ApiError(403, ErrorCode.Forbidden, `room ${room.roomId} is private`);
    }
    // A page reads as many members as it shows; the whole list (old clients) reads every member, and costs so.
    if (isPaged(query)) return c.json(await memberPage(s, room.roomId, me.userId, query));
    const listed = room.roomId === EVERYONE_ROOM ? await s.sessions.onlineCount() : await s.rooms.memberCount(room.roomId);
    await chargeHeavyRead(s, me.userId, wholeListCost(listed), "/api/rooms/{roomId}/members");
    // Everyone's members are all users: the list names those online (the user search finds the others).
    if (room.roomId === EVERYONE_ROOM) return c.json({ members: (await onlineUsersSeenBy(s, me.userId)).map((u) => ({ ...u, online: true })) });
    return c.json({ members: await userCards(s, await s.rooms.members(room.roomId), me.userId) });
  });

  return app;
}
