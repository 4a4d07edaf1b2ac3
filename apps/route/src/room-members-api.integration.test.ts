// A room's members in pages over HTTP (GET /api/rooms/{roomId}/members?cursor=&limit=&prefix=): every member once
// across pages, members coming and going between pages, prefixes, bad input, blocks, rooms kept before the index,
// Everyone; the call without parameters answers as before. Through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conv, MEMBER_INDEX_FIELD } from "@cim/state";
import { createAccounts, numberedNames } from "./provisioning.js";
import { expectError, newUser, PASSWORD, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";
import { nameKey } from "./user-names.js";

interface Member {
  userId: string;
  userName: string;
  online: boolean;
}
interface MemberPage {
  members: Member[];
  count: number;
  nextCursor: string;
}

let h: RouteHarness;
let owner: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  owner = await newUser(h, "owner");
});
afterAll(async () => h?.stop());

/** A room of `owner` with `count` more members named `<stem>1` ... (made by cim-admin's code, added as invitations are). */
async function roomOf(count: number, visibility: "public" | "private" = "public") {
  const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name: uniqueName("pages"), visibility } });
  expect(res.status).toBe(201);
  const { roomId } = (await res.json()) as { roomId: string };
  const stem = uniqueName("m").toLowerCase();
  const { created } = await createAccounts(h.redis, numberedNames(stem, count).map((userName) => ({ userName, password: PASSWORD })));
  for (const member of created) await h.services.rooms.add(roomId, member.userId, { userName: member.userName });
  return { roomId, stem, members: created };
}

async function page(roomId: string, query: string, token = owner.token): Promise<MemberPage> {
  const res = await h.call("GET", `/api/rooms/${roomId}/members${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as MemberPage;
}

/** Every page from `cursor` on: the members in order, and the page sizes. */
async function pagesFrom(roomId: string, query: string, cursor = "") {
  const members: Member[] = [];
  const sizes: number[] = [];
  for (let pages = 0; pages < 50; pages++) {
    const next = await page(roomId, `${query}${cursor ? `&cursor=${cursor}` : ""}`);
    members.push(...next.members);
    sizes.push(next.members.length);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return { members, sizes };
}

const byNameKey = (a: { userName: string }, b: { userName: string }) => Buffer.compare(Buffer.from(nameKey(a.userName)), Buffer.from(nameKey(b.userName)));

describe("GET /api/rooms/{roomId}/members in pages", () => {
  it("covers every member exactly once in canonical-name order, 50 a page by default, with the room's count", async () => {
    const { roomId, members } = await roomOf(60);
    await h.services.sessions.claim(members[3]!.userId, HARNESS_GATEWAY.id);
    const everyone = [{ userId: owner.userId, userName: owner.userName }, ...members].sort(byNameKey);

    // Any parameter asks for a page; an empty prefix is all of them.
    const first = await page(roomId, "?prefix=");
    expect(first.members).toHaveLength(50);
    expect(first.count).toBe(61);
    const all = await pagesFrom(roomId, "?limit=7");
    expect(all.members.map((m) => m.userId)).toEqual(everyone.map((m) => m.userId));
    // 61 in pages of 7: the ninth holds the last five and says it is the end.
    expect(all.sizes).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 5]);
    expect(all.members.find((m) => m.userId === members[3]!.userId)).toMatchObject({ userName: members[3]!.userName, online: true });
    expect(all.members.filter((m) => m.online)).toHaveLength(1);
  });

  it("repeats nobody who joins or leaves between pages, and leaves out one who left before its page", async () => {
    const { roomId, members, stem } = await roomOf(12);
    const query = `?prefix=${stem}&limit=5`;
    const first = await page(roomId, query);
    // Between pages: a listed member leaves and comes back, one not yet listed leaves, a newcomer sorts after the cursor.
    const listed = first.members[1]!;
    const later = members.find((m) => !first.members.some((f) => f.userId === m.userId))!;
    await h.services.rooms.leave(roomId, listed.userId, { userName: listed.userName });
    await h.services.rooms.add(roomId, listed.userId, { userName: listed.userName });
    await h.services.rooms.leave(roomId, later.userId, { userName: later.userName });
    const { created: [newcomer] } = await createAccounts(h.redis, [{ userName: `${stem}z`, password: PASSWORD }]);
    await h.services.rooms.add(roomId, newcomer!.userId, { userName: newcomer!.userName });

    const rest = await pagesFrom(roomId, query, first.nextCursor);
    const seen = [...first.members, ...rest.members].map((m) => m.userId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain(later.userId);
    expect(seen).toContain(newcomer!.userId);
    expect(seen).toHaveLength(12);
  });

  it("finds members by the start of their canonical name, and counts those", async () => {
    const { roomId, stem, members } = await roomOf(12);
    // `<stem>1` starts the names of members 1, 10, 11, 12; capitals and the look-alike "l" for "1" find them too.
    const ones = members.filter((m) => nameKey(m.userName).startsWith(nameKey(`${stem}1`))).sort(byNameKey);
    expect(ones.length).toBeGreaterThanOrEqual(4);
    for (const prefix of [`${stem}1`, `${stem.toUpperCase()}1`, `${stem}l`]) {
      const found = await page(roomId, `?prefix=${encodeURIComponent(prefix)}`);
      expect(found).toEqual({ members: ones.map((m) => ({ ...m, online: false })), count: ones.length, nextCursor: "" });
    }
    expect(await page(roomId, `?prefix=${stem}x`)).toEqual({ members: [], count: 0, nextCursor: "" });
  });

  it("refuses a bad limit, cursor or prefix with the contract's 400", async () => {
    const { roomId } = await roomOf(1);
    const bad = ["limit=0", "limit=201", "limit=1e1", "limit=%205", "cursor=not%20a%20cursor", `cursor=${Buffer.from("alice").toString("base64url")}`, `prefix=${"a".repeat(65)}`];
    for (const query of bad) await expectError(await h.call("GET", `/api/rooms/${roomId}/members?${query}`, { token: owner.token }), 400, "bad_request");
  });

  it("says offline for members in a block with the caller, as the whole list does; outsiders of a private room get 403", async () => {
    const { roomId, members } = await roomOf(2, "private");
    const [blocker, blocked] = members;
    for (const member of members) await h.services.sessions.claim(member.userId, HARNESS_GATEWAY.id);
    await h.services.blocks.block(blocker!.userId, owner.userId);
    await h.services.blocks.block(owner.userId, blocked!.userId);
    const paged = await page(roomId, "?limit=10");
    expect(paged.count).toBe(3);
    const shown = paged.members;
    expect(shown.filter((m) => m.userId !== owner.userId).map((m) => m.online)).toEqual([false, false]);
    const whole = (await page(roomId, "")) as unknown as { members: Member[] };
    expect([...shown].sort((a, b) => Number(a.userId) - Number(b.userId))).toEqual(whole.members);
    const outsider = await newUser(h, "outsider");
    await expectError(await h.call("GET", `/api/rooms/${roomId}/members?limit=5`, { token: outsider.token }), 403, "forbidden");
    await expectError(await h.call("GET", "/api/rooms/r999999/members?limit=5", { token: owner.token }), 404, "not_found");
  });

  it("pages a room kept before the index, indexing it at its first page", async () => {
    const { roomId, members } = await roomOf(6);
    // As an older route left it: the members set only.
    await h.redis.del(conv.roomMemberNames(roomId));
    await h.redis.hdel(conv.roomMeta(roomId), MEMBER_INDEX_FIELD);
    const all = await pagesFrom(roomId, "?limit=4");
    expect(all.members.map((m) => m.userId)).toEqual([{ userId: owner.userId, userName: owner.userName }, ...members].sort(byNameKey).map((m) => m.userId));
    expect(await h.redis.zcard(conv.roomMemberNames(roomId))).toBe(7);
  });

  it("keeps the name index with the members through joins, invitations, leaves, removals and account deletions", async () => {
    const { roomId } = await roomOf(0);
    const [ann, bob, cal] = [await newUser(h, "ann"), await newUser(h, "bob"), await newUser(h, "cal")];
    const listed = async () => (await pagesFrom(roomId, "?limit=2")).members.map((m) => m.userId).sort();
    const indexed = () => h.redis.zcard(conv.roomMemberNames(roomId));
    expect((await h.call("POST", `/api/rooms/${roomId}/join`, { token: ann.token })).status).toBe(200);
    expect((await h.call("POST", `/api/rooms/${roomId}/members`, { token: owner.token, body: { userId: bob.userId } })).status).toBe(201);
    expect((await h.call("POST", `/api/rooms/${roomId}/join`, { token: cal.token })).status).toBe(200);
    expect(await listed()).toEqual([owner.userId, ann.userId, bob.userId, cal.userId].sort());
    expect(await h.call("POST", `/api/rooms/${roomId}/leave`, { token: ann.token })).toHaveProperty("status", 204);
    expect(await h.call("DELETE", `/api/rooms/${roomId}/members/${bob.userId}`, { token: owner.token })).toHaveProperty("status", 204);
    expect(await h.call("DELETE", "/api/account", { token: cal.token, body: { password: PASSWORD } })).toHaveProperty("status", 204);
    // Gone from the index in the step that ended each membership (before any page could drop a stale entry).
    expect(await indexed()).toBe(1);
    expect(await listed()).toEqual([owner.userId]);
    expect((await page(roomId, "?limit=5")).count).toBe(1);
  });

  it("without parameters answers as before: {members}, every member in userId order", async () => {
    const { roomId, members } = await roomOf(3);
    const whole = await h.call("GET", `/api/rooms/${roomId}/members`, { token: owner.token });
    expect(await whole.json()).toEqual({ members: [{ ...owner, online: false }, ...members.map((m) => ({ ...m, online: false }))].map(({ userId, userName, online }) => ({ userId, userName, online })) });
  });

  it("pages Everyone as the online list: users online by name, each online, with the online count", async () => {
    const stem = uniqueName("ev").toLowerCase();
    const { created } = await createAccounts(h.redis, numberedNames(stem, 3).map((userName) => ({ userName, password: PASSWORD })));
    for (const user of created) await h.services.sessions.claim(user.userId, HARNESS_GATEWAY.id);
    const byName = [...created].sort(byNameKey);
    const found = await page("everyone", `?prefix=${stem}&limit=2`);
    expect(found.members).toEqual(byName.slice(0, 2).map((u) => ({ ...u, online: true })));
    expect(found.count).toBe(await h.services.sessions.onlineCount());
    expect(await page("everyone", `?prefix=${stem}&limit=2&cursor=${found.nextCursor}`)).toMatchObject({ members: [{ ...byName[2], online: true }], nextCursor: "" });
  });
});
