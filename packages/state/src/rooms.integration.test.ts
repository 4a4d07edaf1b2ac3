// RoomStore against a real redis-server: rooms, membership in both of its keys, "everyone", the public directory.
import { describe, expect, it } from "vitest";
import { conv, directory, user } from "./keys.js";
import { EVERYONE, RoomStore } from "./rooms.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
/** Who renames in these tests. */
const OWNER = { userId: "1", userName: "ann" };

describe("creating rooms", () => {
  it("numbers rooms r1, r2, ... and makes the owner the only member, with the room in the owner's list", async () => {
    const rooms = new RoomStore(h.redis);
    const first = await rooms.create({ name: "Book club", visibility: "public", owner: "7" });
    const second = await rooms.create({ name: "Secret", visibility: "private", owner: "8" });
    expect(first).toEqual({ roomId: "r1", name: "Book club", visibility: "public", owner: "7", createdAt: expect.any(Number) });
    expect(second.roomId).toBe("r2");
    expect(await rooms.get("r1")).toEqual(first);
    expect(await rooms.get("r2")).toEqual(second);
    expect(await rooms.members("r1")).toEqual(["7"]);
    expect(await rooms.roomsOf("7")).toEqual(["r1"]);
    expect(await rooms.roomsOf("8")).toEqual(["r2"]);
    expect(await h.redis.hgetall(conv.roomMeta("r2"))).toEqual({ name: "Secret", visibility: "private", owner: "8", createdAt: String(second.createdAt) });
  });

  it("lists only public rooms in the directory", async () => {
    const rooms = new RoomStore(h.redis);
    await rooms.create({ name: "Open", visibility: "public", owner: "1" });
    await rooms.create({ name: "Closed", visibility: "private", owner: "1" });
    expect((await rooms.directory({ prefix: "", limit: 10 })).map((r) => r.name)).toEqual(["Open"]);
    expect(await h.redis.zcard(directory.publicRooms)).toBe(1);
  });
});

describe("everyone", () => {
  it("is a built-in public room every user is a member of, that cannot be joined, left, or listed by members", async () => {
    const rooms = new RoomStore(h.redis);
    expect(await rooms.get("everyone")).toEqual(EVERYONE);
    expect(await rooms.isMember("everyone", "12345")).toBe(true);
    expect(await rooms.join("everyone", "5")).toEqual({ added: false, after: "0" });
    expect(await rooms.leave("everyone", "5")).toBe(false);
    expect(await rooms.members("everyone")).toEqual([]);
    expect(await rooms.memberCount("everyone")).toBe(0);
    expect(await rooms.roomsOf("5")).toEqual([]);
    expect(await h.redis.dbsize()).toBe(0);
  });
});

describe("membership", () => {
  it("join, add and leave change both the room's members and the user's rooms, and say whether anything changed and from which message a new member reads", async () => {
    const rooms = new RoomStore(h.redis);
    const { roomId } = await rooms.create({ name: "Lounge", visibility: "public", owner: "1" });
    expect(await rooms.isMember(roomId, "2")).toBe(false);
    expect(await rooms.join(roomId, "2")).toEqual({ added: true, after: "0" });
    expect(await rooms.join(roomId, "2")).toEqual({ added: false, after: "0" });
    await h.redis.xadd(conv.messages(roomId), "42-0", "text", "before 10 came");
    expect(await rooms.add(roomId, "10")).toEqual({ added: true, after: "42" });
    // Where each membership began is kept until it ends (the creator's at the empty room's start).
    expect([await rooms.joinedAfter(roomId, "1"), await rooms.joinedAfter(roomId, "2"), await rooms.joinedAfter(roomId, "10")]).toEqual(["0", "0", "42"]);
    expect(await rooms.add(roomId, "10")).toEqual({ added: false, after: "42" });
    expect(await rooms.isMember(roomId, "2")).toBe(true);
    expect(await rooms.members(roomId)).toEqual(["1", "2", "10"]);
    expect(await rooms.memberCount(roomId)).toBe(3);
    expect(await rooms.roomsOf("10")).toEqual([roomId]);

    expect(await rooms.leave(roomId, "2")).toBe(true);
    expect(await rooms.leave(roomId, "2")).toBe(false);
    expect(await rooms.isMember(roomId, "2")).toBe(false);
    expect(await rooms.roomsOf("2")).toEqual([]);
    expect(await rooms.members(roomId)).toEqual(["1", "10"]);
    expect(await rooms.memberCount(roomId)).toBe(2);
    expect(await rooms.joinedAfter(roomId, "2")).toBeNull();
  });

  it("membershipsOf names the members among the users asked about, each with where its membership began", async () => {
    const rooms = new RoomStore(h.redis);
    const { roomId } = await rooms.create({ name: "Who is in", visibility: "public", owner: "1" });
    await rooms.join(roomId, "2");
    await rooms.join(roomId, "3");
    await h.redis.xadd(conv.messages(roomId), "42-0", "text", "before 3 came back");
    await rooms.leave(roomId, "3");
    await rooms.join(roomId, "3");
    await rooms.leave(roomId, "2");
    expect(await rooms.membershipsOf(roomId, ["1", "2", "3", "9"])).toEqual(new Map([["1", "0"], ["3", "42"]]));
    expect(await rooms.membershipsOf(roomId, [])).toEqual(new Map());
    expect(await rooms.membershipsOf("everyone", ["1"])).toEqual(new Map());
  });

  it("a repeated leave removes a room left behind in the user's list (a crash between the two writes)", async () => {
    const rooms = new RoomStore(h.redis);
    const { roomId } = await rooms.create({ name: "Crashy", visibility: "public", owner: "1" });
    await h.redis.sadd(user.rooms("3"), roomId);
    expect(await rooms.leave(roomId, "3")).toBe(false);
    expect(await rooms.roomsOf("3")).toEqual([]);
  });

  it("a join of a room that does not exist changes nothing and creates no keys", async () => {
    const rooms = new RoomStore(h.redis);
    expect(await rooms.get("r99")).toBeNull();
    expect(await rooms.join("r99", "4")).toEqual({ added: false, after: "0" });
    expect(await h.redis.exists(conv.roomMembers("r99"), user.rooms("4"))).toBe(0);
  });

  it("lists a user's rooms in creation order (r2 before r10)", async () => {
    const rooms = new RoomStore(h.redis);
    await h.redis.set(directory.roomSeq, "1");
    const made = [];
    for (let i = 0; i < 9; i++) made.push((await rooms.create({ name: `room ${i}`, visibility: "public", owner: "1" })).roomId);
    expect(made[0]).toBe("r2");
    expect(await rooms.roomsOf("1")).toEqual(made);
  });
});

describe("the public directory", () => {
  it("finds rooms by a case-insensitive name prefix, in name order, with member counts, up to the limit", async () => {
    const rooms = new RoomStore(h.redis);
    const chess = await rooms.create({ name: "Chess", visibility: "public", owner: "1" });
    const chat = await rooms.create({ name: "chat corner", visibility: "public", owner: "2" });
    await rooms.create({ name: "Cheese lovers", visibility: "public", owner: "3" });
    await rooms.create({ name: "Dogs", visibility: "public", owner: "3" });
    await rooms.create({ name: "Chemistry", visibility: "private", owner: "3" });
    await rooms.join(chess.roomId, "5");
    await rooms.join(chess.roomId, "6");

    const found = await rooms.directory({ prefix: "CH", limit: 10 });
    expect(found.map((r) => r.name)).toEqual(["chat corner", "Cheese lovers", "Chess"]);
    expect(found.find((r) => r.roomId === chess.roomId)).toEqual({ ...chess, members: 3 });
    expect(found.find((r) => r.roomId === chat.roomId)?.members).toBe(1);
    expect((await rooms.directory({ prefix: "che", limit: 10 })).map((r) => r.name)).toEqual(["Cheese lovers", "Chess"]);
    expect((await rooms.directory({ prefix: "ch", limit: 2 })).map((r) => r.name)).toEqual(["chat corner", "Cheese lovers"]);
    expect((await rooms.directory({ prefix: "", limit: 10 })).map((r) => r.name)).toEqual(["chat corner", "Cheese lovers", "Chess", "Dogs"]);
    expect(await rooms.directory({ prefix: "x", limit: 10 })).toEqual([]);
  });

  it("matches names beyond ASCII, with compatibility forms folded, and rooms of one name apart", async () => {
    const rooms = new RoomStore(h.redis);
    const a = await rooms.create({ name: "Über uns", visibility: "public", owner: "1" });
    const b = await rooms.create({ name: "über alles", visibility: "public", owner: "1" });
    const c = await rooms.create({ name: "日本語", visibility: "public", owner: "1" });
    const d = await rooms.create({ name: "日本語", visibility: "public", owner: "2" });
    expect((await rooms.directory({ prefix: "üb", limit: 10 })).map((r) => r.roomId)).toEqual([b.roomId, a.roomId]);
    expect((await rooms.directory({ prefix: "ＵＢ", limit: 10 })).map((r) => r.roomId)).toEqual([]);
    expect((await rooms.directory({ prefix: "Ü", limit: 10 })).map((r) => r.roomId)).toEqual([b.roomId, a.roomId]);
    expect((await rooms.directory({ prefix: "日本", limit: 10 })).map((r) => r.roomId)).toEqual([c.roomId, d.roomId]);
  });

  it("follows a rename: the room is found by its new name only, and a private room stays out", async () => {
    const rooms = new RoomStore(h.redis);
    const chess = await rooms.create({ name: "Chess", visibility: "public", owner: "1" });
    const secret = await rooms.create({ name: "Secret", visibility: "private", owner: "1" });
    expect(await rooms.rename(chess.roomId, "Go club", OWNER)).toEqual({ ...chess, name: "Go club" });
    expect(await rooms.rename(secret.roomId, "Gossip", OWNER)).toEqual({ ...secret, name: "Gossip" });
    expect(await rooms.get(chess.roomId)).toEqual({ ...chess, name: "Go club" });
    expect(await rooms.directory({ prefix: "ch", limit: 10 })).toEqual([]);
    expect((await rooms.directory({ prefix: "go", limit: 10 })).map((r) => r.roomId)).toEqual([chess.roomId]);
    expect(await h.redis.zcard(directory.publicRooms)).toBe(1);
    // A stale entry (a rename that stopped between its writes) is not listed.
    await h.redis.zadd(directory.publicRooms, 0, "chess\0" + chess.roomId);
    expect(await rooms.directory({ prefix: "ch", limit: 10 })).toEqual([]);
    // Kept for history once each, also when the command is sent again (ioredis after a reconnect).
    const args = [conv.roomMeta(secret.roomId), conv.messages(secret.roomId), conv.roomEvents(secret.roomId), "Gossip 2", "1", "ann", "200"] as const;
    await h.redis.cimRenameRoom(...args);
    await h.redis.cimRenameRoom(...args);
    expect((await rooms.events(secret.roomId)).map((e) => [e.name, e.userName, e.after])).toEqual([["Gossip", "ann", "0"], ["Gossip 2", "ann", "0"]]);
    expect(await rooms.rename("r999", "Nothing", OWNER)).toBeNull();
    expect(await rooms.rename("everyone", "All", OWNER)).toBeNull();
  });
});
