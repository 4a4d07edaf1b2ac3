// Rooms: named conversations with members (docs/CONVERSATIONS.md); "everyone" is built in and holds every user.
import type { ClientContext, Result } from "ioredis";
import { isCluster, type RedisClient } from "./redis.js";
import type { ClusterMessage } from "./bus.js";
import { compareIds, EVERYONE_ROOM, type RoomHistoryEvent } from "@cim/protocol";
import { channels, conv, directory, user } from "./keys.js";
import { defineGoneGuard } from "./gone-guard.js";
import { NEWEST_ID_LUA } from "./lua-newest-id.js";
import { ReadStore } from "./reads.js";
import { entryId, lexEntry, lexRange } from "./lex-index.js";
import { MEMBER_INDEX_FIELD, RoomMemberIndex, type MemberPage } from "./room-member-index.js";
import { roomNameKey } from "./room-order.js";

export type RoomVisibility = "public" | "private";

export interface Room {
  roomId: string;
  name: string;
  visibility: RoomVisibility;
  /** userId of the creator; "" for "everyone". */
  owner: string;
  /** Milliseconds since the epoch; 0 for "everyone". */
  createdAt: number;
}

/**
 * What a join or an invitation did: `added` when the user was not a member before; `after`, the room's newest msgId
 * at the moment it became one ("0": none, or a membership older than these positions). The new member's devices get
 * the room's messages after it.
 */
export interface Joined {
  added: boolean;
  after: string;
}

const NOT_ADDED: Readonly<Joined> = Object.freeze({ added: false, after: "0" });

// What a room's events answer (@cim/protocol's shape, read by the SDK): a rename or a membership change.
export type { RoomHistoryEvent };

/** The user a membership change is about (its name), and who made it when not that user itself. */
export interface MembershipNote {
  userName: string;
  by?: { userId: string; userName: string };
}

/** Room events kept per room, the oldest dropped first (a line each in history: renames, joins, leaves, additions). */
export const ROOM_EVENTS_KEPT = 500;

/** A membership change's fields in the room's events (after the userId and `after` the script adds), or none. */
function noteFields(kind: "joined" | "left" | "invited", note: MembershipNote | undefined): string[] {
  if (!note) return [];
  const fields = ["kind", kind, "userName", note.userName];
  if (note.by) fields.push("by", note.by.userId, "byName", note.by.userName);
  return fields;
}

// KEYS: the room's meta, messages and events (one tag). ARGV: the new name, the renaming userId, its name, the most
// events kept. Renames the room and keeps the event with the room's newest msgId read in the same step, so history
// shows it after exactly the messages stored before it. Returns that msgId, or 0 when the room has that name already
// (nothing kept: ioredis re-sends an unanswered command after a reconnect, and a rename must not be kept twice).
const RENAME = `${NEWEST_ID_LUA}
if redis.call('HGET', KEYS[1], 'name') == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1])
local after = newest_id(KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[4], '*', 'kind', 'renamed', 'name', ARGV[1], 'userId', ARGV[2], 'userName', ARGV[3], 'after', after)
return after
`;

/** CIM's group: every user is a member, nobody can leave; it has no keys of its own but its stream. */
export const EVERYONE: Readonly<Room> = Object.freeze({ roomId: EVERYONE_ROOM, name: "Everyone", visibility: "public", owner: "", createdAt: 0 });

// KEYS: the room's meta, members, messages, joined positions, events and member names (one tag, {c:<roomId>}).
// ARGV: userId, the most events kept, the member's name index entry ("": not known), then the event's fields to keep
// (name, value, ...; none: nothing kept).
// Adds a member only to a room that exists, so no members set is ever made for a room that is not. A new member's
// joined position is the room's newest msgId, read in the same step as the SADD, so every message after it was
// stored with the user a member (the message script checks membership in this slot); the event is kept after that
// message too, so history shows it in its place. The name index follows the set in the same step; a member added
// without its entry leaves the index not whole, built again at the next page. A repeated join changes nothing and
// keeps nothing. Returns {-1, '0'} for no such room, else {what SADD answered (1 added, 0 already a member), the
// joined position}.
const ADD_MEMBER = `${NEWEST_ID_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, '0'} end
local added = redis.call('SADD', KEYS[2], ARGV[1])
if added == 0 then return {0, redis.call('HGET', KEYS[4], ARGV[1]) or '0'} end
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[6], 0, ARGV[3]) else redis.call('HDEL', KEYS[1], '${MEMBER_INDEX_FIELD}') end
local after = newest_id(KEYS[3])
redis.call('HSET', KEYS[4], ARGV[1], after)
if #ARGV > 3 then redis.call('XADD', KEYS[5], 'MAXLEN', ARGV[2], '*', 'userId', ARGV[1], 'after', after, unpack(ARGV, 4)) end
return {1, after}
`;

// KEYS: the room's members, joined positions, messages, events and member names (one tag).
// ARGV: userId, kept, entry (as ADD_MEMBER's), the publish command ('PUBLISH', 'SPUBLISH' on a Redis Cluster, '' for
// none), channel and payload (a bus message to publish when the membership ended), then the event's fields (name,
// value, ...; none: no event kept).
// Ends a membership and, when there was one, keeps the event after the room's newest message and publishes the
// payload in the same step: the room's channel lies in the room's slot (keys.ts, channels.room), so on a Redis Cluster
// too the removal's copy is published before the wake-up of any message stored after it (see RoomStore.leave). An
// entry not known stays in the index until a page finds it is no member's. Returns 1 when the user was a member.
const REMOVE_MEMBER = `${NEWEST_ID_LUA}
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[5], ARGV[3]) end
if #ARGV > 6 then redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[2], '*', 'userId', ARGV[1], 'after', newest_id(KEYS[3]), unpack(ARGV, 7)) end
if ARGV[4] ~= '' then redis.call(ARGV[4], ARGV[5], ARGV[6]) end
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADD_MEMBER. */
    cimAddRoomMember(meta: string, members: string, messages: string, joined: string, events: string, names: string, userId: string, kept: string, entry: string, ...fields: string[]): Result<[number, string], Context>;
    /** See REMOVE_MEMBER. */
    cimRemoveRoomMember(members: string, joined: string, messages: string, events: string, names: string, userId: string, kept: string, entry: string, command: "PUBLISH" | "SPUBLISH" | "", channel: string, payload: string, ...fields: string[]): Result<number, Context>;
    /** See RENAME. */
    cimRenameRoom(meta: string, messages: string, events: string, name: string, userId: string, userName: string, kept: string): Result<string | number, Context>;
  }
}

/**
 * Rooms and their membership. The members set of `{c:<roomId>}` is the truth (the message script checks it);
 * the user's `{u:<userId>}` rooms set is an index written after it and removed after it, so repeating a join or
 * a leave heals a crash between the two writes. Each call touches keys of one slot at a time.
 */
export class RoomStore {
  private readonly reads: ReadStore;
  /** The members by name (absent without `nameKeyOf`: changes then leave the index to be built at its first page). */
  private readonly names: RoomMemberIndex | undefined;

  /**
   * `nameKeyOf`: route's canonical name key of a user name, which orders and finds the members of `memberPage`. The
   * stores that change membership pass it (route); one without it (a gateway reads `joinedAfter` only) leaves the
   * name index of a room it adds a member to to be built again.
   */
  constructor(private readonly redis: RedisClient, options: { nameKeyOf?: (userName: string) => string } = {}) {
    redis.defineCommand("cimAddRoomMember", { numberOfKeys: 6, lua: ADD_MEMBER });
    redis.defineCommand("cimRemoveRoomMember", { numberOfKeys: 5, lua: REMOVE_MEMBER });
    redis.defineCommand("cimRenameRoom", { numberOfKeys: 3, lua: RENAME });
    defineGoneGuard(redis);
    this.reads = new ReadStore(redis);
    this.names = options.nameKeyOf && new RoomMemberIndex(redis, options.nameKeyOf);
  }

  /** The name index entry of `userId` called `userName`; "" when either is not known. */
  private entry(userId: string, userName: string | undefined): string {
    return this.names && userName ? this.names.entry(userId, userName) : "";
  }

  /**
   * Creates a room `r<n>` with its owner as the only member; a public one enters the directory. With the owner's
   * name (`ownerName`) its member index starts whole.
   */
  async create(input: { name: string; visibility: RoomVisibility; owner: string; ownerName?: string }): Promise<Room> {
    const roomId = `r${await this.redis.incr(directory.roomSeq)}`;
    const room: Room = { roomId, name: input.name, visibility: input.visibility, owner: input.owner, createdAt: Date.now() };
    const entry = this.entry(room.owner, input.ownerName);
    const meta: Record<string, string> = { name: room.name, visibility: room.visibility, owner: room.owner, createdAt: String(room.createdAt) };
    const steps = this.redis.multi().sadd(conv.roomMembers(roomId), room.owner).hset(conv.roomJoined(roomId), room.owner, "0");
    if (entry) steps.zadd(conv.roomMemberNames(roomId), 0, entry);
    await steps.hset(conv.roomMeta(roomId), entry ? { ...meta, [MEMBER_INDEX_FIELD]: "1" } : meta).exec();
    // An owner deleted while creating it is no member (the room stays, as when its owner leaves).
    if ((await this.redis.cimAddUnlessGone(user.rooms(room.owner), user.gone(room.owner), roomId)) === -1) await this.removeMember(roomId, room.owner, undefined, input.ownerName);
    if (room.visibility === "public") await this.redis.zadd(directory.publicRooms, 0, lexEntry(roomNameKey(room.name), roomId));
    return room;
  }

  /** The room, `EVERYONE` for "everyone", null when there is no such room. */
  async get(roomId: string): Promise<Room | null> {
    if (roomId === EVERYONE_ROOM) return { ...EVERYONE };
    const meta = await this.redis.hgetall(conv.roomMeta(roomId));
    if (!meta.name) return null;
    return { roomId, name: meta.name, visibility: meta.visibility === "private" ? "private" : "public", owner: meta.owner ?? "", createdAt: Number(meta.createdAt ?? 0) };
  }

  /** Always true for "everyone". */
  async isMember(roomId: string, userId: string): Promise<boolean> {
    if (roomId === EVERYONE_ROOM) return true;
    return (await this.redis.sismember(conv.roomMembers(roomId), userId)) === 1;
  }

  /**
   * Makes `userId` a member (the caller checked the room may be joined). With a `note`, a new membership is kept in the
   * room's events (`joined`, or `invited` through `add`) for its history.
   */
  async join(roomId: string, userId: string, note?: MembershipNote, kind: "joined" | "invited" = "joined"): Promise<Joined> {
    if (roomId === EVERYONE_ROOM) return NOT_ADDED;
    const [added, after] = await this.redis.cimAddRoomMember(conv.roomMeta(roomId), conv.roomMembers(roomId), conv.messages(conv.ofRoom(roomId)), conv.roomJoined(roomId), conv.roomEvents(roomId), conv.roomMemberNames(roomId), userId, String(ROOM_EVENTS_KEPT), this.entry(userId, note?.userName), ...noteFields(kind, note));
    if (added < 0) return NOT_ADDED;
    if ((await this.redis.cimAddUnlessGone(user.rooms(userId), user.gone(userId), roomId)) === -1) {
      // The account was deleted while this join or invitation was under way: no member, and no key of it, remain.
      // The room's history says it left again, after saying it came.
      await this.removeMember(roomId, userId, note && { userName: note.userName }, note?.userName);
      return NOT_ADDED;
    }
    // A new member reads on from where it came in: the room's history is there to read, not counted unread. Forward
    // only, so a member who left and comes back has the messages of its absence not counted either.
    if (added === 1 && after !== "0") await this.reads.setRead(userId, roomId, after);
    return { added: added === 1, after };
  }

  /** An invitation: the same change as `join` (the caller checked the inviter is a member), kept as `invited`. */
  add(roomId: string, userId: string, note?: MembershipNote): Promise<Joined> {
    return this.join(roomId, userId, note, "invited");
  }

  /**
   * Ends a membership; true when `userId` was a member. "everyone" cannot be left (false). With a `note`, the end is
   * kept in the room's events (`left`, with `by` when someone else ended it). With `onRoomChannel` (a removal's quiet
   * copy), that bus message is published on the room's channel in the same step (see removeMember).
   */
  async leave(roomId: string, userId: string, note?: MembershipNote, onRoomChannel?: ClusterMessage): Promise<boolean> {
    if (roomId === EVERYONE_ROOM) return false;
    const removed = await this.removeMember(roomId, userId, note, note?.userName, onRoomChannel);
    await this.redis.srem(user.rooms(userId), roomId);
    return removed;
  }

  /**
   * Takes `userId` out of the room's members (its own slot); true when it was one. See REMOVE_MEMBER for `note`;
   * `userName` finds its entry in the name index. `onRoomChannel` is published on the room's channel by the script
   * when the membership ended, so a gateway hears it before the wake-up of any message stored after the removal
   * (published after the script, it came after the wake-up of a message stored in between, and the removed member's
   * sessions got it). On a Redis Cluster too: the channel is a sharded one in the room's own slot.
   */
  private async removeMember(roomId: string, userId: string, note?: MembershipNote, userName?: string, onRoomChannel?: ClusterMessage): Promise<boolean> {
    const payload = onRoomChannel ? JSON.stringify(onRoomChannel) : "";
    const command = payload === "" ? "" : isCluster(this.redis) ? "SPUBLISH" : "PUBLISH";
    const removed = await this.redis.cimRemoveRoomMember(
      conv.roomMembers(roomId), conv.roomJoined(roomId), conv.messages(conv.ofRoom(roomId)), conv.roomEvents(roomId), conv.roomMemberNames(roomId),
      userId, String(ROOM_EVENTS_KEPT), this.entry(userId, userName), command, command ? channels.room(roomId) : "", payload, ...noteFields("left", note),
    );
    return removed === 1;
  }

  /**
   * Gives the room a new name (the caller checked who may); a public room moves in the directory. A new name is kept
   * in the room's events, by `by`, for its history. Returns the renamed room, or null when there is no such room
   * ("everyone" cannot be renamed).
   */
  async rename(roomId: string, name: string, by: { userId: string; userName: string }): Promise<Room | null> {
    const room = await this.get(roomId);
    if (!room || roomId === EVERYONE_ROOM) return null;
    if (room.name === name) return room;
    await this.redis.cimRenameRoom(conv.roomMeta(roomId), conv.messages(conv.ofRoom(roomId)), conv.roomEvents(roomId), name, by.userId, by.userName, String(ROOM_EVENTS_KEPT));
    if (room.visibility === "public") {
      // Added before the old entry goes, so a search never misses the room; `directory` skips a stale entry.
      await this.redis.zadd(directory.publicRooms, 0, lexEntry(roomNameKey(name), roomId));
      if (roomNameKey(room.name) !== roomNameKey(name)) await this.redis.zrem(directory.publicRooms, lexEntry(roomNameKey(room.name), roomId));
    }
    return { ...room, name };
  }

  /** The room's kept events (renames and membership changes), oldest first. */
  async events(roomId: string): Promise<RoomHistoryEvent[]> {
    if (roomId === EVERYONE_ROOM) return [];
    const entries = await this.redis.xrange(conv.roomEvents(roomId), "-", "+");
    return entries.map(([id, fields]) => {
      const field = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) field.set(fields[i]!, fields[i + 1]!);
      // A rename kept before membership changes were has no kind.
      const kind = (field.get("kind") ?? "renamed") as RoomHistoryEvent["kind"];
      const event: RoomHistoryEvent = { kind, name: field.get("name") ?? "", userId: field.get("userId") ?? "", userName: field.get("userName") ?? "", after: field.get("after") || "0", ts: Number(id.split("-")[0]) };
      if (field.has("by")) Object.assign(event, { by: field.get("by"), byName: field.get("byName") ?? "" });
      return event;
    });
  }

  /** The ts (ms, as `events` gives it) of the room's newest kept event; 0 when none (or "everyone"). */
  async newestEventTs(roomId: string): Promise<number> {
    if (roomId === EVERYONE_ROOM) return 0;
    const [entry] = await this.redis.xrevrange(conv.roomEvents(roomId), "+", "-", "COUNT", 1);
    return entry ? Number(entry[0].split("-")[0]) : 0;
  }

  /**
   * Where the user's membership of the room began: the room's newest msgId when it joined or was invited ("0":
   * none); null for no membership, or one that began before these positions were kept.
   */
  async joinedAfter(roomId: string, userId: string): Promise<string | null> {
    if (roomId === EVERYONE_ROOM) return null;
    return this.redis.hget(conv.roomJoined(roomId), userId);
  }

  /**
   * Which of `userIds` are members of the room now, each with where its membership began ("0" when that was not
   * kept): one MULTI of SMISMEMBER and HMGET on the room's slot. A gateway checks what it read of a room's stream
   * with it (RoomReader): a leave it has not heard yet (a frozen gateway, its bus backlog behind the read) must not
   * let the leaver's sessions get what was stored after it. Empty for "everyone" (not kept as a set).
   */
  async membershipsOf(roomId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (roomId === EVERYONE_ROOM || userIds.length === 0) return found;
    const answers = await this.redis.multi().smismember(conv.roomMembers(roomId), ...userIds).hmget(conv.roomJoined(roomId), ...userIds).exec();
    if (!answers) throw new Error(`reading the memberships of room ${roomId} was aborted`);
    const [[memberError, members], [joinedError, joined]] = answers as [[Error | null, number[]], [Error | null, Array<string | null>]];
    if (memberError) throw memberError;
    if (joinedError) throw joinedError;
    userIds.forEach((userId, i) => {
      if (members[i] === 1) found.set(userId, joined[i] ?? "0");
    });
    return found;
  }

  /** How many members the room has (one SCARD); 0 for "everyone" (not kept as a set). */
  async memberCount(roomId: string): Promise<number> {
    if (roomId === EVERYONE_ROOM) return 0;
    return this.redis.scard(conv.roomMembers(roomId));
  }

  /** The members' userIds in numeric order; [] for "everyone" (every user; not kept as a set). */
  async members(roomId: string): Promise<string[]> {
    if (roomId === EVERYONE_ROOM) return [];
    return (await this.redis.smembers(conv.roomMembers(roomId))).sort(compareIds);
  }

  /**
   * One page of the room's members whose name key starts with `prefix` (canonical), in name-key order, after the
   * entry `after` ("" from the start); see RoomMemberIndex.page. A room whose index is not whole (created before it)
   * is indexed first, once. Not for "everyone" (its members are every user).
   */
  memberPage(roomId: string, query: { prefix: string; after: string; limit: number; budget: number }): Promise<MemberPage> {
    if (!this.names) throw new Error("RoomStore.memberPage needs nameKeyOf");
    return this.names.page(roomId, query);
  }

  /** The roomIds of the user's rooms in creation order, without "everyone". */
  async roomsOf(userId: string): Promise<string[]> {
    return (await this.redis.smembers(user.rooms(userId))).sort((a, b) => compareIds(a.slice(1), b.slice(1)));
  }

  /** Public rooms whose name starts with `prefix` (case-insensitive), by name, with their member counts. */
  async directory(query: { prefix: string; limit: number }): Promise<Array<Room & { members: number }>> {
    const [min, max] = lexRange(roomNameKey(query.prefix));
    const entries = await this.redis.zrangebylex(directory.publicRooms, min, max, "LIMIT", 0, query.limit);
    // One command per room (each its own slot), sent together by auto-pipelining.
    const rooms = await Promise.all(entries.map(async (entry) => {
      const roomId = entryId(entry);
      const [room, members] = await Promise.all([this.get(roomId), this.redis.scard(conv.roomMembers(roomId))]);
      // An entry of a name the room no longer has (a rename between its two writes) is not listed.
      return room && room.visibility === "public" && entry === lexEntry(roomNameKey(room.name), roomId) ? { ...room, members } : null;
    }));
    return rooms.filter((room) => room !== null);
  }
}
