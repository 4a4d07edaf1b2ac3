// A room's members in pages by name against a real redis-server: the index kept beside the members set through
// joins, invitations, leaves and removals, older rooms indexed at their first page, stale entries dropped.
import { describe, expect, it } from "vitest";
import { conv, keys } from "./keys.js";
import { lexEntry } from "./lex-index.js";
import { MEMBER_INDEX_FIELD } from "./room-member-index.js";
import { RoomStore } from "./rooms.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
/** A stand-in for route's canonical key: case folded. */
const nameKeyOf = (userName: string) => userName.toLowerCase();
const BUDGET = 2_000;

async function account(userId: string, userName: string): Promise<void> {
  await h.redis.hset(keys.account(userId), { userName, passwordHash: "x", createdAt: "0" });
}

/** The room's pages with `prefix` from `after` on, `limit` at a time: the userIds in order, and each page's size. */
async function allPages(rooms: RoomStore, roomId: string, prefix: string, limit: number, from = "") {
  const ids: string[] = [];
  const sizes: number[] = [];
  let after = from;
  for (let pages = 0; pages < 100; pages++) {
    const page = await rooms.memberPage(roomId, { prefix, after, limit, budget: BUDGET });
    ids.push(...page.userIds);
    sizes.push(page.userIds.length);
    if (!page.next) break;
    after = page.next;
  }
  return { ids, sizes };
}

describe("a room's member pages", () => {
  it("cover every member once, in name order, with the count; the page holding the last member says it is the end", async () => {
    const rooms = new RoomStore(h.redis, { nameKeyOf });
    const { roomId } = await rooms.create({ name: "big", visibility: "public", owner: "1", ownerName: "Owner" });
    const names = ["bob", "Ann", "carl", "anna", "Bea", "dan", "al"];
    for (const [i, name] of names.entries()) await rooms.join(roomId, String(i + 10), { userName: name });
    const byName = ["al", "Ann", "anna", "Bea", "bob", "carl", "dan", "Owner"];
    const idOf = (name: string) => (name === "Owner" ? "1" : String(names.indexOf(name) + 10));

    const all = await allPages(rooms, roomId, "", 3);
    expect(all.ids).toEqual(byName.map(idOf));
    // 8 members in pages of 3: the third holds the last two and ends the list (no empty fourth page).
    expect(all.sizes).toEqual([3, 3, 2]);
    expect((await rooms.memberPage(roomId, { prefix: "", after: "", limit: 8, budget: BUDGET })).next).toBe("");
    expect(await rooms.memberPage(roomId, { prefix: "", after: "", limit: 2, budget: BUDGET })).toMatchObject({ count: 8 });

    const ans = await rooms.memberPage(roomId, { prefix: "an", after: "", limit: 1, budget: BUDGET });
    expect(ans).toEqual({ userIds: [idOf("Ann")], next: expect.any(String), count: 2 });
    expect(await rooms.memberPage(roomId, { prefix: "an", after: ans.next, limit: 1, budget: BUDGET })).toEqual({ userIds: [idOf("anna")], next: "", count: 2 });
    expect(await rooms.memberPage(roomId, { prefix: "z", after: "", limit: 5, budget: BUDGET })).toEqual({ userIds: [], next: "", count: 0 });
  });

  it("never repeat a member who joins or leaves between pages, and leave out one who left", async () => {
    const rooms = new RoomStore(h.redis, { nameKeyOf });
    const { roomId } = await rooms.create({ name: "moving", visibility: "public", owner: "1", ownerName: "m00" });
    for (let i = 1; i <= 9; i++) await rooms.join(roomId, String(100 + i), { userName: `m0${i}` });
    const first = await rooms.memberPage(roomId, { prefix: "", after: "", limit: 4, budget: BUDGET });
    expect(first.userIds).toEqual(["1", "101", "102", "103"]);
    // Between pages: one listed leaves and comes back, one not yet listed leaves, newcomers sort before and after.
    await rooms.leave(roomId, "102", { userName: "m02" });
    await rooms.join(roomId, "102", { userName: "m02" });
    await rooms.leave(roomId, "106", { userName: "m06" });
    await rooms.add(roomId, "200", { userName: "a-first" });
    await rooms.add(roomId, "201", { userName: "z-last" });
    const { ids: restIds } = await allPages(rooms, roomId, "", 4, first.next);
    expect(restIds).toEqual(["104", "105", "107", "108", "109", "201"]);
    expect(new Set([...first.userIds, ...restIds]).size).toBe(first.userIds.length + restIds.length);
    // Read again from the start, the list is the members now, each once.
    expect((await allPages(rooms, roomId, "", 4)).ids).toEqual(["200", "1", "101", "102", "103", "104", "105", "107", "108", "109", "201"]);
    expect(await h.redis.zcard(conv.roomMemberNames(roomId))).toBe(11);
  });

  it("index a room kept before the index at its first page, once, without members who left meanwhile", async () => {
    const old = new RoomStore(h.redis);
    const { roomId } = await old.create({ name: "old", visibility: "private", owner: "1" });
    for (const [id, name] of [["1", "owner"], ["2", "Zed"], ["3", "amy"], ["4", "gone"]] as const) await account(id, name);
    await old.add(roomId, "2");
    await old.add(roomId, "3");
    await old.add(roomId, "4");
    await h.redis.del(keys.account("4"));
    expect(await h.redis.exists(conv.roomMemberNames(roomId))).toBe(0);

    const rooms = new RoomStore(h.redis, { nameKeyOf });
    // The account gone has no name: indexed first, under no name (lists leave it out), so the index counts it.
    expect(await rooms.memberPage(roomId, { prefix: "", after: "", limit: 10, budget: BUDGET })).toEqual({ userIds: ["4", "3", "1", "2"], next: "", count: 4 });
    expect((await rooms.memberPage(roomId, { prefix: "a", after: "", limit: 10, budget: BUDGET })).userIds).toEqual(["3"]);
    expect(await h.redis.hget(conv.roomMeta(roomId), MEMBER_INDEX_FIELD)).toBe("1");
    // A change through a store that cannot name the member leaves the index to be built again.
    await account("5", "bea");
    await old.add(roomId, "5");
    expect(await h.redis.hget(conv.roomMeta(roomId), MEMBER_INDEX_FIELD)).toBeNull();
    expect((await rooms.memberPage(roomId, { prefix: "", after: "", limit: 10, budget: BUDGET })).userIds).toEqual(["4", "3", "5", "1", "2"]);
    // An older route adds to the set alone and leaves the mark: a set larger than its index is indexed again.
    await account("6", "cy");
    await h.redis.sadd(conv.roomMembers(roomId), "6");
    expect((await rooms.memberPage(roomId, { prefix: "c", after: "", limit: 10, budget: BUDGET })).userIds).toEqual(["6"]);
  });

  it("index a room once when several pages of this process ask for it at once", async () => {
    const old = new RoomStore(h.redis);
    const { roomId } = await old.create({ name: "popular", visibility: "public", owner: "1" });
    await account("1", "owner");
    const rooms = new RoomStore(h.redis, { nameKeyOf });
    const smembers = h.redis.smembers.bind(h.redis);
    let reads = 0;
    h.redis.smembers = ((key: string) => {
      if (key === conv.roomMembers(roomId)) reads++;
      return smembers(key);
    }) as typeof h.redis.smembers;
    try {
      const pages = await Promise.all([1, 2, 3].map(() => rooms.memberPage(roomId, { prefix: "", after: "", limit: 5, budget: BUDGET })));
      expect(pages.map((p) => p.userIds)).toEqual([["1"], ["1"], ["1"]]);
      expect(reads).toBe(1);
    } finally {
      h.redis.smembers = smembers;
    }
  });

  it("drop an entry whose user is no member, and stop after the budget with a cursor to go on", async () => {
    const rooms = new RoomStore(h.redis, { nameKeyOf });
    const { roomId } = await rooms.create({ name: "stale", visibility: "public", owner: "1", ownerName: "k" });
    for (let i = 0; i < 6; i++) await rooms.join(roomId, String(10 + i), { userName: `n${i}` });
    // Left through a store that did not know the name: its entry stays until a page finds it is no member's.
    await new RoomStore(h.redis).leave(roomId, "11");
    await h.redis.zadd(conv.roomMemberNames(roomId), 0, lexEntry("n0a", "999"));
    const short = await rooms.memberPage(roomId, { prefix: "n", after: "", limit: 10, budget: 3 });
    expect(short.userIds).toEqual(["10"]);
    expect(short.next).not.toBe("");
    expect(await rooms.memberPage(roomId, { prefix: "n", after: short.next, limit: 10, budget: BUDGET })).toEqual({ userIds: ["12", "13", "14", "15"], next: "", count: 5 });
    expect(await h.redis.zscore(conv.roomMemberNames(roomId), lexEntry("n1", "11"))).toBeNull();
    expect(await h.redis.zscore(conv.roomMemberNames(roomId), lexEntry("n0a", "999"))).toBeNull();
  });
});
