// User search over HTTP: any account by name prefix, online or not, through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameKey } from "./user-names.js";
import { expectError, newUser, PASSWORD, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface UserAnswer {
  userId: string;
  userName: string;
  online: boolean;
}

let h: RouteHarness;
let me: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  me = await newUser(h, "searcher");
});
afterAll(async () => h?.stop());

async function register(userName: string): Promise<string> {
  const res = await h.call("POST", "/api/register", { body: { userName, password: PASSWORD } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { userId: string }).userId;
}

async function search(query: string): Promise<UserAnswer[]> {
  const res = await h.call("GET", `/api/users${query}`, { token: me.token });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { users: UserAnswer[] };
  expect(Object.keys(body)).toEqual(["users"]);
  return body.users;
}

describe("GET /api/users", () => {
  it("finds users by name prefix, offline ones included, in name order, with who is online", async () => {
    const stem = uniqueName("find");
    const ann = await register(`${stem}Ann`);
    const abe = await register(`${stem}abe`);
    const zed = await register(`${stem}Zed`);
    await h.services.sessions.claim(abe, HARNESS_GATEWAY.id);
    expect(await search(`?prefix=${stem}a`)).toEqual([
      { userId: abe, userName: `${stem}abe`, online: true },
      { userId: ann, userName: `${stem}Ann`, online: false },
    ]);
    expect((await search(`?prefix=${stem}`)).map((u) => u.userId)).toEqual([abe, ann, zed]);
    expect(await search(`?prefix=${stem}q`)).toEqual([]);
  });

  it("matches any spelling of the canonical name: case, fullwidth and look-alike letters", async () => {
    const stem = uniqueName("spell");
    const id = await register(`${stem}Olga`);
    for (const prefix of [`${stem.toUpperCase()}OL`, `${stem}ｏｌ`, `${stem}оl` /* Cyrillic о */]) {
      expect((await search(`?prefix=${encodeURIComponent(prefix)}`)).map((u) => u.userId)).toEqual([id]);
    }
  });

  it("includes the caller", async () => {
    expect((await search(`?prefix=${me.userName}`)).map((u) => u.userId)).toEqual([me.userId]);
  });

  it("answers at most limit users: 20 by default, 1 to 50", async () => {
    const stem = uniqueName("many");
    for (let i = 0; i < 22; i++) await register(`${stem}${String(i).padStart(2, "0")}`);
    const all = await search(`?prefix=${stem}&limit=50`);
    expect(all).toHaveLength(22);
    // In the order of canonical names (where 0 and o, 1 and l are one letter), the same for every limit.
    expect(await search(`?prefix=${stem}`)).toEqual(all.slice(0, 20));
    expect(await search(`?prefix=${stem}&limit=3`)).toEqual(all.slice(0, 3));
  });

  it("answers 400 bad_request for a limit outside 1..50 or a prefix over 64 characters, 401 without a token", async () => {
    for (const query of ["?limit=0", "?limit=51", "?limit=1.5", "?limit=x", `?prefix=${"p".repeat(65)}`]) {
      await expectError(await h.call("GET", `/api/users${query}`, { token: me.token }), 400, "bad_request");
    }
    await expectError(await h.call("GET", "/api/users"), 401, "unauthorized");
  });

  it("finds accounts created before the directory once route's start indexes them", async () => {
    const userName = uniqueName("Older");
    const account = await h.services.accounts.create(userName, nameKey(userName), "not-a-real-hash");
    expect(await search(`?prefix=${userName}`)).toEqual([]);
    expect(await h.services.users.backfill(nameKey)).toBeGreaterThanOrEqual(1);
    expect(await search(`?prefix=${userName}`)).toEqual([{ userId: account!.userId, userName, online: false }]);
  });
});

describe("GET /api/users/last-seen", () => {
  const lastSeen = async (ids: string[], as = me) => {
    const res = await h.call("GET", `/api/users/last-seen?userIds=${ids.join(",")}`, { token: as.token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { users: Array<UserAnswer & { lastSeen: number }> }).users;
  };

  it("says who is online and when an offline user was last online; never-seen users and unknown ids as such", async () => {
    const [gone, here, never] = await Promise.all([newUser(h, "gone"), newUser(h, "here"), newUser(h, "never")]);
    await h.services.sessions.setSessions(gone.userId, HARNESS_GATEWAY.id, 1);
    await h.services.sessions.setSessions(here.userId, HARNESS_GATEWAY.id, 1);
    const before = Date.now();
    await h.services.sessions.setSessions(gone.userId, HARNESS_GATEWAY.id, 0);
    const after = Date.now();
    const users = await lastSeen([here.userId, "999999999", gone.userId, never.userId, gone.userId]);
    expect(users.map(({ userId, online }) => ({ userId, online }))).toEqual([
      { userId: here.userId, online: true },
      { userId: gone.userId, online: false },
      { userId: never.userId, online: false },
    ]);
    expect(users[0]!.lastSeen).toBe(0);
    expect(users[1]!.lastSeen).toBeGreaterThanOrEqual(before);
    expect(users[1]!.lastSeen).toBeLessThanOrEqual(after);
    expect(users[2]).toEqual({ userId: never.userId, userName: never.userName, online: false, lastSeen: 0 });
    await h.services.sessions.setSessions(here.userId, HARNESS_GATEWAY.id, 0);
  });

  // CONTRACT: a userId a client sends is 0 or digits without a leading zero; a padded one is refused like any
  // malformed id (it was answered 200, as an id of no account: a client that pads ids learns nothing is wrong).
  it("answers 400 bad_request for a userId with leading zeros", async () => {
    const [blocker, blocked] = await Promise.all([newUser(h, "padblocker"), newUser(h, "padblocked")]);
    await h.services.sessions.setSessions(blocker.userId, HARNESS_GATEWAY.id, 1);
    expect((await h.call("PUT", `/api/blocks/${blocked.userId}`, { token: blocker.token })).status).toBe(204);
    for (const ids of [`0${blocker.userId}`, `${me.userId},00${blocker.userId}`]) {
      const res = await h.call("GET", `/api/users/last-seen?userIds=${ids}`, { token: blocked.token });
      expect({ ids, status: res.status, body: await res.json() }).toEqual({ ids, status: 400, body: { error: { code: "bad_request", message: expect.stringContaining("userIds") } } });
    }
    await h.services.sessions.setSessions(blocker.userId, HARNESS_GATEWAY.id, 0);
  });

  it("hides it across a block, either way, as presence is", async () => {
    const [blocker, blocked] = await Promise.all([newUser(h, "blocker"), newUser(h, "blocked")]);
    for (const user of [blocker, blocked]) {
      await h.services.sessions.setSessions(user.userId, HARNESS_GATEWAY.id, 1);
      await h.services.sessions.setSessions(user.userId, HARNESS_GATEWAY.id, 0);
    }
    expect((await lastSeen([blocked.userId], blocker))[0]!.lastSeen).toBeGreaterThan(0);
    expect((await h.call("PUT", `/api/blocks/${blocked.userId}`, { token: blocker.token })).status).toBe(204);
    expect((await lastSeen([blocked.userId], blocker))[0]).toMatchObject({ online: false, lastSeen: 0 });
    expect((await lastSeen([blocker.userId], blocked))[0]).toMatchObject({ online: false, lastSeen: 0 });
  });

  it("shows the blocked user the blocker in no list of people as online: search and members say offline, online lists leave it out", async () => {
    const [blocker, blocked] = await Promise.all([newUser(h, "hider"), newUser(h, "hidden")]);
    const room = (await (await h.call("POST", "/api/rooms", { token: blocker.token, body: { name: uniqueName("shared"), visibility: "public" } })).json()) as { roomId: string };
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: blocked.token })).status).toBe(200);
    await h.services.sessions.setSessions(blocker.userId, HARNESS_GATEWAY.id, 1);
    expect((await h.call("PUT", `/api/blocks/${blocked.userId}`, { token: blocker.token })).status).toBe(204);
    const get = async (path: string) => {
      const res = await h.call("GET", path, { token: blocked.token });
      expect(res.status, path).toBe(200);
      return JSON.stringify(await res.json());
    };
    const card = `{"userId":"${blocker.userId}","userName":"${blocker.userName}","online":false}`;
    // Listed, as every account is (CONTRACT: search finds every account; SECURITY: accepted), never online.
    expect(await get(`/api/users?prefix=${encodeURIComponent(blocker.userName)}`)).toContain(card);
    expect(await get(`/api/rooms/${room.roomId}/members`)).toContain(card);
    expect(await get(`/api/rooms/${room.roomId}/members?prefix=${encodeURIComponent(blocker.userName)}`)).toContain(card);
    for (const path of ["/api/online", "/api/online?limit=200", "/api/rooms/everyone/members", "/api/rooms/everyone/members?limit=200", `/api/online?prefix=${encodeURIComponent(blocker.userName)}`]) {
      expect(await get(path), path).not.toContain(`"${blocker.userId}"`);
    }
    await h.services.sessions.setSessions(blocker.userId, HARNESS_GATEWAY.id, 0);
  });

  it("answers 400 bad_request for no ids, ids that are not decimal, or more than 100; 401 without a token", async () => {
    for (const query of ["", "?userIds=", "?userIds=a1", "?userIds=1,,2", `?userIds=${Array.from({ length: 101 }, (_, i) => i + 1).join(",")}`]) {
      await expectError(await h.call("GET", `/api/users/last-seen${query}`, { token: me.token }), 400, "bad_request");
    }
    expect(await lastSeen(Array.from({ length: 100 }, (_, i) => String(900_000_000 + i)))).toEqual([]);
    await expectError(await h.call("GET", "/api/users/last-seen?userIds=1"), 401, "unauthorized");
  });
});

describe("canonical-name order (CONTRACT: GET /api/users, pages of GET /api/online and of members)", () => {
  it("is the order of the folded keys, not a natural one: 1 and 0 fold to l and o, so load-9 comes before load-1", async () => {
    const stem = uniqueName("ord");
    for (const n of ["1", "9", "10", "2", "12"]) await register(`${stem}-${n}`);
    const names = (await search(`?prefix=${stem}-`)).map((user) => user.userName.slice(stem.length + 1));
    // Keys -2 < -9 < -l < -l2 < -lo (digits before letters, code point by code point).
    expect(names).toEqual(["2", "9", "1", "12", "10"]);
  });
});
