// The online list over HTTP: paged and searchable by name prefix, with the count; the old call without
// parameters still lists everyone. Through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameKey } from "./user-names.js";
import { expectError, newUser, PASSWORD, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface OnlinePage {
  users: Array<{ userId: string; userName: string }>;
  count: number;
  nextCursor: string;
}

let h: RouteHarness;
let me: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  me = await newUser(h, "lister");
});
afterAll(async () => h?.stop());

async function register(userName: string, online: boolean): Promise<string> {
  const res = await h.call("POST", "/api/register", { body: { userName, password: PASSWORD } });
  expect(res.status).toBe(201);
  const { userId } = (await res.json()) as { userId: string };
  if (online) await h.services.sessions.claim(userId, HARNESS_GATEWAY.id);
  return userId;
}

async function online(query: string): Promise<OnlinePage> {
  const res = await h.call("GET", `/api/online${query}`, { token: me.token });
  expect(res.status).toBe(200);
  return (await res.json()) as OnlinePage;
}

describe("GET /api/online", () => {
  it("pages through the online users whose name starts with a prefix, in name order, skipping offline ones", async () => {
    const stem = uniqueName("pg");
    const names = ["b1", "A2", "c3", "a4", "B5", "c6", "a7"].map((n) => `${stem}${n}`);
    const ids: Record<string, string> = {};
    for (const [i, name] of names.entries()) ids[name] = await register(name, i !== 2 && i !== 5); // c3 and c6 stay offline
    const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(nameKey(a)), Buffer.from(nameKey(b)));
    const expected = [`${stem}A2`, `${stem}a4`, `${stem}a7`, `${stem}b1`, `${stem}B5`].sort(byKey).map((name) => ({ userId: ids[name]!, userName: name }));

    const seen: OnlinePage["users"] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await online(`?prefix=${stem.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.users.length).toBeLessThanOrEqual(2);
      expect(page.count).toBe(await h.services.sessions.onlineCount());
      seen.push(...page.users);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);

    const bs = expected.slice(3);
    const first = await online(`?prefix=${stem}b&limit=1`);
    expect(first.users).toEqual([bs[0]]);
    expect(first.nextCursor).not.toBe("");
    // The page that holds the last match says so: a client that stops at "" never asks for an empty page.
    expect(await online(`?prefix=${stem}b&limit=1&cursor=${first.nextCursor}`)).toMatchObject({ users: [bs[1]], nextCursor: "" });
    expect(await online(`?prefix=${stem}b&limit=2`)).toMatchObject({ users: bs, nextCursor: "" });
    expect(await online(`?prefix=${stem}c`)).toMatchObject({ users: [], nextCursor: "" });
  });

  it("without parameters answers every online user exactly as before: {users} in userId order", async () => {
    const stem = uniqueName("all");
    const on = await register(`${stem}on`, true);
    const off = await register(`${stem}off`, false);
    const page = await online("");
    expect(Object.keys(page)).toEqual(["users"]);
    const listed = page.users.map((u) => u.userId);
    expect(listed).toContain(on);
    expect(listed).not.toContain(off);
    expect(listed).toHaveLength(await h.services.sessions.onlineCount());
    expect([...listed].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))).toEqual(listed);
  });

  it("refuses a bad limit or cursor with 400", async () => {
    await expectError(await h.call("GET", "/api/online?limit=0", { token: me.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/online?limit=201", { token: me.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/online?cursor=not%20a%20cursor", { token: me.token }), 400, "bad_request");
    // Base64url, but no nextCursor ever given: bytes that are no UTF-8, a name without its userId.
    for (const cursor of ["zzz", Buffer.from("alice").toString("base64url")]) {
      await expectError(await h.call("GET", `/api/online?cursor=${cursor}`, { token: me.token }), 400, "bad_request");
    }
  });
});
