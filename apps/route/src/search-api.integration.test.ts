// GET /api/search and edits, deletions and replies over HTTP, through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, newUser, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface Hit { conversation: string; msgId: string; text: string; edited: boolean; from: string }

let h: RouteHarness;
let alice: LoginAnswer;
let bob: LoginAnswer;
let carol: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  [alice, bob, carol] = await Promise.all([newUser(h, "alice"), newUser(h, "bob"), newUser(h, "carol")]);
});
afterAll(async () => h?.stop());

async function send(from: LoginAnswer, body: Record<string, unknown>): Promise<string> {
  const res = await h.call("POST", "/api/messages", { token: from.token, body });
  expect(res.status).toBe(202);
  return ((await res.json()) as { msgId: string }).msgId;
}

async function room(owner: LoginAnswer, name: string): Promise<string> {
  const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name, visibility: "private" } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { roomId: string }).roomId;
}

async function search(as: LoginAnswer, query: string): Promise<Hit[]> {
  const res = await h.call("GET", `/api/search?${query}`, { token: as.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Hit[] }).results;
}

describe("edits and deletions over HTTP", () => {
  it("the sender edits and deletes its message; history returns the events; others get 403, unknown targets 404", async () => {
    const original = await send(alice, { text: "typo hre" });
    const edit = await send(alice, { text: "typo here", editOf: original });
    await expectError(await h.call("POST", "/api/messages", { token: bob.token, body: { text: "mine now", editOf: original } }), 403, "forbidden");
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { text: "", editOf: "1", delete: true } }), 404, "not_found");
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { text: "x", delete: true } }), 400, "bad_request");
    const removal = await send(alice, { text: "", editOf: original, delete: true });
    const res = await h.call("GET", "/api/history?limit=3", { token: bob.token });
    const { messages } = (await res.json()) as { messages: Array<{ msgId: string; editOf?: string; deleted?: boolean; text: string }> };
    expect(messages.map((m) => [m.msgId, m.editOf, m.deleted, m.text])).toEqual([
      // Once deleted, neither the message's text nor its edits' is handed out (sec20): the events stay, blank.
      [original, undefined, undefined, ""], [edit, original, undefined, ""], [removal, original, true, ""],
    ]);
  });
});

describe("an edited message in GET /api/history", () => {
  it("is handed out with its newest text, its earlier edits too, on a page without the newest edit", async () => {
    const original = await send(alice, { to: carol.userId, text: "my pin is 4711" });
    const first = await send(alice, { to: carol.userId, text: "my pin is 4712", editOf: original });
    const later = await send(carol, { to: alice.userId, text: "ok" });
    const newest = await send(alice, { to: carol.userId, text: "my pin is (gone)", editOf: original });
    type Row = { msgId: string; editOf?: string; text: string };
    const page = async (query: string) => ((await (await h.call("GET", `/api/history?with=${alice.userId}&${query}`, { token: carol.token })).json()) as { messages: Row[] }).messages;
    expect((await page(`before=${later}&limit=2`)).map((m) => [m.msgId, m.editOf, m.text])).toEqual([
      [original, undefined, "my pin is (gone)"], [first, original, "my pin is (gone)"],
    ]);
    expect((await page("limit=4")).map((m) => [m.msgId, m.text])).toEqual([
      [original, "my pin is (gone)"], [first, "my pin is (gone)"], [later, "ok"], [newest, "my pin is (gone)"],
    ]);
  });
});

describe("GET /api/search", () => {
  it("finds only in the caller's conversations, by current text, with the conversation as the caller names it", async () => {
    const secret = await room(bob, "bob and carol");
    await h.call("POST", `/api/rooms/${secret}/members`, { token: bob.token, body: { userId: carol.userId } });
    await send(bob, { room: secret, text: "zebra in a private room" });
    await send(carol, { to: bob.userId, text: "zebra between bob and carol" });
    const direct = await send(bob, { to: alice.userId, text: "a zebra for alice" });
    const reply = await send(alice, { to: bob.userId, text: "thanks for the Zebra", replyTo: direct });
    const hits = await search(alice, "q=zebra");
    expect(hits.map((hit) => [hit.conversation, hit.msgId])).toEqual([[bob.userId, reply], [bob.userId, direct]]);
    const bobHits = await search(bob, "q=ZEBRA");
    expect(bobHits.map((hit) => hit.conversation).sort()).toEqual([alice.userId, alice.userId, carol.userId, secret].sort());
    expect(await search(bob, `q=zebra&conversation=${carol.userId}`)).toHaveLength(1);
    expect(await search(bob, "q=zebra&limit=1")).toHaveLength(1);
  });

  it("hands out a reply found by search without the quote of a message deleted since (sec21)", async () => {
    const quoted = await send(bob, { to: carol.userId, text: "my old address is 12 Elm Street" });
    const reply = await send(carol, { to: bob.userId, text: "noted, walrus", replyTo: quoted });
    await send(bob, { to: carol.userId, text: "", editOf: quoted, delete: true });
    const hits = (await search(carol, "q=walrus")) as Array<Hit & { replyText?: string }>;
    expect(hits.map((hit) => [hit.msgId, hit.replyText])).toEqual([[reply, ""]]);
  });

  it("hands out a reply found by search with the quote of a message edited since as its newest text", async () => {
    const quoted = await send(bob, { to: carol.userId, text: "the wifi password is hunter2" });
    const reply = await send(carol, { to: bob.userId, text: "noted, narwhal", replyTo: quoted });
    await send(bob, { to: carol.userId, text: "the wifi password is on the fridge", editOf: quoted });
    const hits = (await search(carol, "q=narwhal")) as Array<Hit & { replyText?: string }>;
    expect(hits.map((hit) => [hit.msgId, hit.replyText])).toEqual([[reply, "the wifi password is on the fridge"]]);
  });

  it("refuses a room the caller is not in (403), an unknown room (404), an empty query (400), no token (401)", async () => {
    const secret = await room(bob, "bob alone");
    await expectError(await h.call("GET", `/api/search?q=x&conversation=${secret}`, { token: alice.token }), 403, "not_member");
    await expectError(await h.call("GET", "/api/search?q=x&conversation=r99999", { token: alice.token }), 404, "not_found");
    await expectError(await h.call("GET", "/api/search?q=%20", { token: alice.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/search?q=x"), 401, "unauthorized");
  });
});

describe("GET /api/search in pages", () => {
  async function searchPage(as: LoginAnswer, query: string): Promise<{ results: Hit[]; nextCursor: string }> {
    const res = await h.call("GET", `/api/search?${query}`, { token: as.token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Hit[]; nextCursor: string };
    expect(Object.keys(body)).toEqual(["results", "nextCursor"]);
    return body;
  }

  it("pages through every hit once, newest first, also when new hits come between pages; old clients get no cursor", async () => {
    const [dan, eve] = await Promise.all([newUser(h, "sdan"), newUser(h, "seve")]);
    const shared = await room(dan, "dan and eve");
    await h.call("POST", `/api/rooms/${shared}/members`, { token: dan.token, body: { userId: eve.userId } });
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(await send(i % 2 ? eve : dan, i % 2 ? { to: dan.userId, text: `walrus ${i}` } : { room: shared, text: `walrus ${i}` }));
    const whole = ((await (await h.call("GET", "/api/search?q=walrus", { token: dan.token })).json()) as { results: Hit[] });
    expect(Object.keys(whole)).toEqual(["results"]);
    expect(whole.results.map((hit) => hit.msgId)).toEqual([...sent].reverse());
    const pages: string[][] = [];
    let cursor = "";
    do {
      const page = await searchPage(dan, `q=walrus&limit=2&cursor=${cursor}`);
      pages.push(page.results.map((hit) => hit.msgId));
      cursor = page.nextCursor;
      // A newer hit between pages belongs before the first page: later pages do not show it.
      if (pages.length === 1) await send(dan, { room: shared, text: "walrus late" });
    } while (cursor);
    expect(pages).toEqual([[sent[4], sent[3]], [sent[2], sent[1]], [sent[0]]]);
    await expectError(await h.call("GET", "/api/search?q=walrus&cursor=abc", { token: dan.token }), 400, "bad_request");
  });
});

describe("searches of many users at once (CIM_MAX_SEARCHES_IN_PROGRESS)", () => {
  it("run at most so many at once on a route process, wait up to so many more, and answer the rest 429 rate_limited with Retry-After; other requests go on", async () => {
    // One search in progress and none waiting: each user's own limit (60 a minute) does not stop many accounts.
    const gated = h.variant({ CIM_MAX_SEARCHES_IN_PROGRESS: "1", CIM_MAX_SEARCHES_WAITING: "0" });
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => newUser(h, `many${i}`)));
    // A long history to scan (everyone is in the group), so the searches overlap.
    for (let i = 0; i < 40; i++) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => {
        const from = users[j % 8]!;
        return h.services.messages.store({ clientMsgId: `filler-${i}-${j}`, from: from.userId, fromName: from.userName, fromDevice: "", text: `filler ${i}-${j} haystack`, room: "everyone" });
      }));
    }
    const answers = await Promise.all(users.map((user) => gated.call("GET", "/api/search?q=needle-not-there", { token: user.token })));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    const refused = answers.filter((res) => res.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const res of refused) {
      expect(res.headers.get("retry-after")).toBe("1");
      await expectError(res, 429, "rate_limited");
    }
    expect((await gated.call("GET", "/api/conversations", { token: users[0]!.token })).status).toBe(200);
    expect((await gated.call("GET", "/api/search?q=haystack&limit=1", { token: users[1]!.token })).status).toBe(200);
  });
});
