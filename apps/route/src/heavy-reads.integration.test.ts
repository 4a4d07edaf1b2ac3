// Heavy reads are limited per user by rate, not only by the requests in progress: a loop of online pages, member pages,
// name searches or last-seen of 100 users from one account is answered 429 rate_limited with Retry-After past its budget, other
// users unaffected. Through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, newUser, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

/** The budget of this harness: small, so a loop meets it at once (the default is 3,000 per minute). */
const BUDGET = 20;
let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness({ CIM_HEAVY_READS_PER_USER: String(BUDGET), CIM_HEAVY_READS_WINDOW_SECONDS: "600" });
});
afterAll(async () => h?.stop());

/** Asks `path` as `user` until it is refused: how many were answered 200 first, and the refusal. */
async function loopUntilRefused(user: LoginAnswer, path: string, atMost: number): Promise<{ answered: number; refusal: Response | undefined }> {
  for (let answered = 0; answered < atMost; answered++) {
    const res = await h.call("GET", path, { token: user.token });
    if (res.status !== 200) return { answered, refusal: res };
    await res.body?.cancel();
  }
  return { answered: atMost, refusal: undefined };
}

async function expectRateLimited(res: Response | undefined): Promise<void> {
  expect(res, "no request was refused").toBeDefined();
  expect(Number(res!.headers.get("retry-after"))).toBeGreaterThan(0);
  await expectError(res!, 429, "rate_limited");
}

describe("heavy reads per user", () => {
  it("answers a loop of online pages 429 rate_limited with Retry-After once the user's budget is spent", async () => {
    const looper = await newUser(h, "looper");
    const { answered, refusal } = await loopUntilRefused(looper, "/api/online?limit=200", 3 * BUDGET);
    expect(answered).toBe(BUDGET);
    await expectRateLimited(refusal);
    // Room member pages share the budget: the same user is refused there too.
    await expectRateLimited(await h.call("GET", "/api/rooms/everyone/members?limit=50", { token: looper.token }));
    // Another user reads as before.
    const other = await newUser(h, "bystander");
    expect((await h.call("GET", "/api/online?limit=200", { token: other.token })).status).toBe(200);
  });

  it("counts a last-seen of 100 users as 10 pages, and the whole online list without paging as the pages of 200 it spans", async () => {
    const asker = await newUser(h, "asker");
    const ids = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(",");
    const lastSeen = await loopUntilRefused(asker, `/api/users/last-seen?userIds=${ids}`, BUDGET);
    expect(lastSeen.answered).toBe(BUDGET / 10);
    await expectRateLimited(lastSeen.refusal);

    // 401 users online (no other test of this file brings anyone online): the whole list spans 3 pages of 200.
    await Promise.all(Array.from({ length: 401 }, (_, i) => h.services.sessions.claim(String(9_000_000 + i), HARNESS_GATEWAY.id)));
    expect(await h.services.sessions.onlineCount()).toBe(401);
    const lister = await newUser(h, "lister");
    const whole = await loopUntilRefused(lister, "/api/online", BUDGET);
    expect(whole.answered).toBe(Math.floor(BUDGET / 3));
    await expectRateLimited(whole.refusal);
  });

  it("answers a loop of name searches 429 once the user's budget is spent, a search costing a page", async () => {
    const searcher = await newUser(h, "searcher");
    // Before: every search was answered, however many.
    const { answered, refusal } = await loopUntilRefused(searcher, "/api/users?prefix=s&limit=50", 3 * BUDGET);
    expect(answered).toBe(BUDGET);
    await expectRateLimited(refusal);
    await expectRateLimited(await h.call("GET", "/api/online?limit=50", { token: searcher.token }));
  });

  it("answers the member pages of a room 429 for a user who loops them", async () => {
    const owner = await newUser(h, "owner");
    const created = await h.call("POST", "/api/rooms", { token: owner.token, body: { name: `big${Date.now().toString(36)}`, visibility: "public" } });
    expect(created.status).toBe(201);
    const { roomId } = (await created.json()) as { roomId: string };
    const { answered, refusal } = await loopUntilRefused(owner, `/api/rooms/${roomId}/members?limit=200`, 3 * BUDGET);
    expect(answered).toBe(BUDGET);
    await expectRateLimited(refusal);
  });
});
