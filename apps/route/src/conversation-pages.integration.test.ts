// GET /api/conversations in pages (?cursor=&limit=), through app.request() on real Redis and ZooKeeper: the pages
// cover the whole list once, in its order, also while conversations move up between pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, newUser, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";
import { CONVERSATIONS_PAGE_DEFAULT } from "./conversation-pages.js";

interface Page {
  conversations: Array<{ conversation: string; kind: string; name: string; unread: number; lastMsgId: string }>;
  nextCursor: string;
}

let h: RouteHarness;
let seq = 0;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

async function store(from: LoginAnswer, text: string, target: { room?: string; to?: string } = {}): Promise<string> {
  const result = await h.services.messages.store({ clientMsgId: `page-${++seq}`, from: from.userId, fromName: from.userName, fromDevice: "", text, ...target });
  if ("error" in result) throw new Error(`store refused: ${result.error}`);
  return result.message.msgId;
}

/** `count` rooms of `owner`, each with one message, the last created the newest. */
async function roomsWithMessages(owner: LoginAnswer, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const room = await h.services.rooms.create({ name: `Page room ${i}`, visibility: "private", owner: owner.userId, ownerName: owner.userName });
    await store(owner, `hello ${i}`, { room: room.roomId });
    ids.push(room.roomId);
  }
  return ids;
}

async function page(as: LoginAnswer, query: string): Promise<Page> {
  const res = await h.call("GET", `/api/conversations?${query}`, { token: as.token });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Page;
  expect(Object.keys(body)).toEqual(["conversations", "nextCursor"]);
  return body;
}

async function whole(as: LoginAnswer): Promise<string[]> {
  const res = await h.call("GET", "/api/conversations", { token: as.token });
  const body = (await res.json()) as { conversations: Array<{ conversation: string }> };
  expect(Object.keys(body)).toEqual(["conversations"]);
  return body.conversations.map((c) => c.conversation);
}

/** Every page from the first, `limit` at a time, calling `between` after each page but the last. */
async function allPages(as: LoginAnswer, limit: number, between: (index: number) => Promise<void> = async () => {}): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = "";
  do {
    const got = await page(as, `limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    pages.push(got.conversations.map((c) => c.conversation));
    cursor = got.nextCursor;
    if (cursor) await between(pages.length - 1);
  } while (cursor);
  return pages;
}

describe("GET /api/conversations in pages", () => {
  it("pages through the whole list once, in its order, and says the end with an empty nextCursor", async () => {
    const [ann, ben] = await Promise.all([newUser(h, "pgann"), newUser(h, "pgben")]);
    await roomsWithMessages(ann, 6);
    await store(ben, "hi ann", { to: ann.userId });
    const expected = await whole(ann);
    expect(expected).toHaveLength(8); // everyone, 6 rooms, ben
    const pages = await allPages(ann, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
    // A room's entry says its visibility and owner (what GET /api/rooms says), a private chat's does not.
    const first = (await page(ann, "limit=100")).conversations;
    expect(first.find((c) => c.conversation === "everyone")).toMatchObject({ kind: "room", visibility: "public", owner: "" });
    expect(first.find((c) => c.kind === "room" && c.conversation !== "everyone")).toMatchObject({ visibility: "private", owner: ann.userId });
    expect(first.find((c) => c.conversation === ben.userId)).not.toHaveProperty("visibility");
  });

  it("lists a conversation that moves up between pages once, at its place when the first page was read", async () => {
    const ann = await newUser(h, "pgmove");
    const rooms = await roomsWithMessages(ann, 6); // newest first: rooms[5] .. rooms[0], then everyone
    const before = await whole(ann);
    const pages = await allPages(ann, 2, async (index) => {
      // After the first page: the oldest room gets a message (it would now come first, before the cursor) and so
      // does one already listed (it would come again after the cursor if the order were read again).
      if (index === 0) {
        await store(ann, "up", { room: rooms[0]! });
        await store(ann, "up again", { room: rooms[5]! });
      }
    });
    expect(pages.flat()).toEqual(before);
    // The summaries are today's: the moved room's lastMsgId is its new message.
    const now = await whole(ann);
    expect(now.slice(0, 2)).toEqual([rooms[5], rooms[0]]);
  });

  it("takes limit up to 100 with a default, refuses a cursor it did not give, and answers old clients as before", async () => {
    const ann = await newUser(h, "pglimit");
    await roomsWithMessages(ann, 2);
    expect((await page(ann, "limit=1")).conversations).toHaveLength(1);
    expect((await page(ann, "cursor=")).conversations).toHaveLength(Math.min(3, CONVERSATIONS_PAGE_DEFAULT));
    await expectError(await h.call("GET", "/api/conversations?limit=101", { token: ann.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/conversations?limit=0", { token: ann.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/conversations?cursor=abc", { token: ann.token }), 400, "bad_request");
    const forged = Buffer.from("c1:1:1:../x").toString("base64url");
    await expectError(await h.call("GET", `/api/conversations?cursor=${forged}`, { token: ann.token }), 400, "bad_request");
    // Numbers past the largest msgId (2^64 - 1) were read as stream ids: Redis refused them and route answered 500.
    for (const text of ["c1:99999999999999999999:0:everyone", "c1:5:99999999999999999999:everyone"]) {
      await expectError(await h.call("GET", `/api/conversations?cursor=${Buffer.from(text).toString("base64url")}`, { token: ann.token }), 400, "bad_request");
    }
    expect(await whole(ann)).toHaveLength(3);
  });
});
