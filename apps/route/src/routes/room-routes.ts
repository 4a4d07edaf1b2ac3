// Rooms: create, the public directory, join, leave, invite, members. Membership changes are announced on the bus.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { DECIMAL_ID, EVERYONE_ROOM, ErrorCode, ROOM_ID } from "@cim/protocol";
import type { ClusterMessage, Room } from "@cim/state";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { roomsOf, summarize } from "../conversation-summaries.js";
import { ApiError } from "../errors.js";
import { userCards } from "../user-cards.js";
import { parseJson, parseQuery } from "../validation.js";

/** Longest room name, in UTF-16 code units after trimming. */
export const MAX_ROOM_NAME_LENGTH = 64;

const CreateRoom = z.object({
  name: z.string().trim().min(1, "name is required").max(MAX_ROOM_NAME_LENGTH, `name is at most ${MAX_ROOM_NAME_LENGTH} characters`)
    .regex(/^[^\p{Cc}]*$/u, "name may not hold control characters"),
  visibility: z.enum(["public", "private"], "visibility is public or private"),
});
const DirectoryQuery = z.object({
  prefix: z.string().max(MAX_ROOM_NAME_LENGTH).default(""),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
const Invite = z.object({ userId: z.string().regex(DECIMAL_ID, "userId must be a userId") });

type RoomEvent = Extract<ClusterMessage, { type: "room" }>;
const summary = (room: Room) => ({ roomId: room.roomId, name: room.name, visibility: room.visibility, owner: room.owner });

export function roomRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions));

  /** The room of the path's `roomId`; 404 for an id that names none. */
  async function roomOf(c: Context<AppEnv>): Promise<Room> {
    const roomId = c.req.param("roomId") ?? "";
    const room = ROOM_ID.test(roomId) ? await s.rooms.get(roomId) : null;
    if (!room) throw new ApiError(404, ErrorCode.NotFound, `no room ${roomId}`);
    return room;
  }

  const announce = (room: Room, who: { userId: string; userName: string }, kind: RoomEvent["kind"]) =>
    s.bus.toAll({ type: "room", room: room.roomId, name: room.name, userId: who.userId, userName: who.userName, kind });

  app.post("/", async (c) => {
    const body = await parseJson(c, CreateRoom);
    const me = c.get("user");
    await s.guard.createRoom(me.userId);
    const room = await s.rooms.create({ name: body.name, visibility: body.visibility, owner: me.userId });
    await announce(room, me, "joined");
    return c.json(summary(room), 201);
  });

  app.get("/", async (c) => {
    const me = c.get("user");
    const rooms = await roomsOf(s, me.userId);
    const summaries = await summarize(s, me.userId, rooms.map((room) => ({ conversation: room.roomId, kind: "room" as const, name: room.name })));
    return c.json({
      rooms: rooms.map((room, i) => ({ roomId: room.roomId, name: room.name, visibility: room.visibility, unread: summaries[i]!.unread, lastMsgId: summaries[i]!.lastMsgId })),
    });
  });

  app.get("/public", async (c) => {
    const query = parseQuery(c, DirectoryQuery);
    const rooms = await s.rooms.directory({ prefix: query.prefix.trim(), limit: query.limit });
    return c.json({ rooms: rooms.map((r) => ({ roomId: r.roomId, name: r.name, members: r.members })) });
  });

  app.post("/:roomId/join", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.visibility === "private" && !(await s.rooms.isMember(room.roomId, me.userId))) {
      throw new ApiError(403, ErrorCode.Forbidden, `room ${room.roomId} is private: a member must invite you`);
    }
    if (await s.rooms.join(room.roomId, me.userId)) await announce(room, me, "joined");
    return c.json(summary(room), 200);
  });

  app.post("/:roomId/leave", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.roomId === EVERYONE_ROOM) throw new ApiError(403, ErrorCode.Forbidden, "nobody can leave everyone");
    if (!(await s.rooms.leave(room.roomId, me.userId))) throw new ApiError(404, ErrorCode.NotFound, `you are not a member of ${room.roomId}`);
    await announce(room, me, "left");
    return c.body(null, 204);
  });

  app.post("/:roomId/members", async (c) => {
    const room = await roomOf(c);
    const { userId } = await parseJson(c, Invite);
    const me = c.get("user");
    if (!(await s.rooms.isMember(room.roomId, me.userId))) throw new ApiError(403, ErrorCode.Forbidden, `only members of ${room.roomId} can invite`);
    const [userName = ""] = await s.accounts.names([userId]);
    if (!userName) throw new ApiError(404, ErrorCode.NotFound, `no user ${userId}`);
    if (await s.rooms.add(room.roomId, userId)) await announce(room, { userId, userName }, "invited");
    return c.json({ roomId: room.roomId, userId, userName }, 201);
  });

  app.get("/:roomId/members", async (c) => {
    const room = await roomOf(c);
    const me = c.get("user");
    if (room.visibility === "private" && !(await s.rooms.isMember(room.roomId, me.userId))) {
      throw new ApiError(403, ErrorCode.Forbidden, `room ${room.roomId} is private`);
    }
    // Everyone's members are all users: the list names those online (the user search finds the others).
    if (room.roomId === EVERYONE_ROOM) return c.json({ members: (await s.sessions.onlineUsers()).map((u) => ({ ...u, online: true })) });
    return c.json({ members: await userCards(s, await s.rooms.members(room.roomId)) });
  });

  return app;
}
