// GET /api/rooms and GET /api/conversations in pages for a user in 300 rooms, through app.request() on real Redis and
// ZooKeeper: the pages list every room once, newest activity first, also while rooms get messages between pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareIds, EVERYONE_ROOM } from "@cim/protocol";
import { expectError, newUser, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface RoomEntry {
  roomId: string;
  name: string;
  visibility: string;
  owner: string;
  unread: number;
  lastMsgId: string;
}

const ROOMS = 300;

let h: RouteHarness;
let ann: LoginAnswer;
let ben: LoginAnswer;
let rooms: string[];
let seq = 0;

async function store(from: LoginAnswer, room: string): Promise<string> {
  const result = await h.services.messages.store({ clientMsgId: `room-page-${++seq}`, from: from.userId, fromName: from.userName, fromDevice: "", text: `note ${seq}`, room });
  if ("error" in result) throw new Error(`store refused: ${result.error}`);
  return result.message.msgId;
}

beforeAll(async () => {
  h = await startRouteHarness();
  [ann, ben] = await Promise.all([newUser(h, "rpann"), newUser(h, "rpben")]);
  rooms = [];
  // Through the store (the route's create is limited per user): ann owns them all, ben writes one message in each.
  for (let i = 0; i < ROOMS; i++) {
    const room = await h.services.rooms.create({ name: `Room ${String(i).padStart(3, "0")}`, visibility: "private", owner: ann.userId, ownerName: ann.userName });
    await h.services.rooms.add(room.roomId, ben.userId, { userName: ben.userName });
    rooms.push(room.roomId);
  }
  // Activity in another order than creation, so the pages' order is not the rooms' names'.
  for (const i of Array.from({ length: ROOMS }, (_, k) => (k * 7) % ROOMS)) await store(ben, rooms[i]!);
}, 120_000);
afterAll(async () => h?.stop());

async function get(path: string, token: string): Promise<Record<string, unknown>> {
  const res = await h.call("GET", path, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Every page of `path` from the first, `limit` at a time, calling `between` after each page but the last. */
async function allPages<T>(path: string, key: string, limit: number, between: (index: number) => Promise<void> = async () => {}): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor = "";
  do {
    const body = await get(`${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, ann.token);
    expect(Object.keys(body)).toEqual([key, "nextCursor"]);
    pages.push(body[key] as T[]);
    cursor = body.nextCursor as string;
    if (cursor) await between(pages.length - 1);
  } while (cursor);
  return pages;
}

/** Newest lastMsgId first, then by id as text: the pages' order. */
const byActivity = (a: { id: string; lastMsgId: string }, b: { id: string; lastMsgId: string }) =>
  compareIds(b.lastMsgId || "0", a.lastMsgId || "0") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe("GET /api/rooms in pages, a user in 300 rooms", () => {
  it("lists every room once, newest activity first, each as the whole list has it", async () => {
    const whole = (await get("/api/rooms", ann.token)) as { rooms: RoomEntry[] };
    expect(whole.rooms).toHaveLength(ROOMS + 1);
    const pages = await allPages<RoomEntry>("/api/rooms", "rooms", 50);
    expect(pages.map((page) => page.length)).toEqual([50, 50, 50, 50, 50, 50, 1]);
    const expected = [...whole.rooms].map((room) => ({ ...room, id: room.roomId })).sort(byActivity).map(({ id: _, ...room }) => room);
    expect(pages.flat()).toEqual(expected);
    expect(pages.flat().find((room) => room.roomId === rooms[0])).toMatchObject({ name: "Room 000", visibility: "private", owner: ann.userId, unread: 1 });
  });

  it("keeps each room at its place of the first page while rooms get messages between pages", async () => {
    const whole = ((await get("/api/rooms", ann.token)) as { rooms: RoomEntry[] }).rooms;
    const order = whole.map((room) => ({ id: room.roomId, lastMsgId: room.lastMsgId })).sort(byActivity).map((room) => room.id);
    const moved: string[] = [];
    const pages = await allPages<RoomEntry>("/api/rooms", "rooms", 40, async (index) => {
      // A room already listed and one not yet listed get a message: both would come first if the order were read again.
      const pair = [order[index * 40]!, order[order.length - 1 - index]!];
      moved.push(...pair);
      await Promise.all(pair.map((room) => store(ben, room)));
    });
    expect(moved).toHaveLength(14);
    expect(pages.flat().map((room) => room.roomId)).toEqual(order);
    // Each room's summary is as it is now: one that got a message after its place was fixed says so.
    const now = new Map(((await get("/api/rooms", ann.token)) as { rooms: RoomEntry[] }).rooms.map((room) => [room.roomId, room.lastMsgId]));
    const last = pages.at(-1)!.map((room) => room.roomId);
    expect(last).toContain(moved[1]);
    for (const room of pages.at(-1)!) expect(room.lastMsgId).toBe(now.get(room.roomId));
    // A first page read again puts the last two moved first.
    const fresh = ((await get("/api/rooms?limit=2", ann.token)) as { rooms: RoomEntry[] }).rooms.map((room) => room.roomId);
    expect(fresh.sort()).toEqual(moved.slice(-2).sort());
  });

  it("pages GET /api/conversations over the same rooms once each, with the private chat among them", async () => {
    const result = await h.services.messages.store({ clientMsgId: `room-page-${++seq}`, from: ben.userId, fromName: ben.userName, fromDevice: "", text: "hi", to: ann.userId });
    if ("error" in result) throw new Error(result.error);
    const pages = await allPages<{ conversation: string; lastMsgId: string }>("/api/conversations", "conversations", 100, async () => {
      await store(ben, rooms[ROOMS - 1]!);
    });
    const ids = pages.flat().map((c) => c.conversation);
    expect(ids).toHaveLength(ROOMS + 2);
    expect(new Set(ids)).toEqual(new Set([EVERYONE_ROOM, ...rooms, ben.userId]));
    expect(ids[0]).toBe(ben.userId);
  });

  it("answers a bad limit or a cursor it did not give for the rooms list 400 bad_request, and an old client every room", async () => {
    for (const query of ["limit=0", "limit=101", "limit=ten", "limit=", "cursor=abc", "cursor=%20"]) {
      await expectError(await h.call("GET", `/api/rooms?${query}`, { token: ann.token }), 400, "bad_request");
    }
    // A cursor of the conversations list, or one naming a private chat, is none the rooms list gave.
    const conversations = (await get("/api/conversations?limit=1", ann.token)) as { nextCursor: string };
    await expectError(await h.call("GET", `/api/rooms?cursor=${conversations.nextCursor}`, { token: ann.token }), 400, "bad_request");
    const peer = Buffer.from(`r1:5:5:${ben.userId}`).toString("base64url");
    await expectError(await h.call("GET", `/api/rooms?cursor=${peer}`, { token: ann.token }), 400, "bad_request");
    const past = Buffer.from("r1:99999999999999999999:0:everyone").toString("base64url");
    await expectError(await h.call("GET", `/api/rooms?cursor=${past}`, { token: ann.token }), 400, "bad_request");
    const roomsCursor = ((await get("/api/rooms?limit=1", ann.token)) as { nextCursor: string }).nextCursor;
    await expectError(await h.call("GET", `/api/conversations?cursor=${roomsCursor}`, { token: ann.token }), 400, "bad_request");
    // Without parameters: every room, everyone first, then by name, and no nextCursor, as before.
    const whole = await get("/api/rooms", ann.token);
    expect(Object.keys(whole)).toEqual(["rooms"]);
    const names = (whole.rooms as RoomEntry[]).map((room) => room.name);
    expect(names[0]).toBe("Everyone");
    expect(names.slice(1, 4)).toEqual(["Room 000", "Room 001", "Room 002"]);
    expect((await get("/api/rooms?cursor=", ann.token)).nextCursor).not.toBe("");
  });
});
