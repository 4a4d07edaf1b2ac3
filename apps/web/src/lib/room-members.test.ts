import { describe, expect, it } from "vitest";
import type { CimClient, UserEntry } from "@cim/client";
import { RoomActions, type RoomActionsDeps } from "./room-actions.js";
import { EVERYONE_SHOWN, MEMBERS_PAGE, pageOrder, RoomMembers } from "./room-members.svelte.js";

const user = (name: string, i: number): UserEntry => ({ userId: String(i + 1), userName: name, online: true });

/** A client answering the online list and a room's member pages by prefix and cursor, recording what was asked. */
function fakeClient(online: string[], roomMembers: string[] = []) {
  const asked: string[] = [];
  /** A page of `names` by prefix from the cursor (an index), as route pages them. */
  const pageOf = (names: string[], query: { prefix?: string; limit?: number; cursor?: string }) => {
    const matching = names.map(user).filter((u) => u.userName.startsWith(query.prefix ?? ""));
    const from = Number(query.cursor || 0);
    const limit = query.limit ?? 50;
    const end = from + limit;
    return { list: matching.slice(from, end), count: matching.length, nextCursor: end < matching.length ? String(end) : "" };
  };
  const client = {
    onlinePage: async (query: { prefix?: string; limit?: number; cursor?: string }) => {
      asked.push(`online ${query.prefix ?? ""} ${query.limit}`);
      const page = pageOf(online, query);
      return { users: page.list, nextCursor: page.nextCursor, count: online.length };
    },
    memberPage: async (roomId: string, query: { prefix?: string; limit?: number; cursor?: string }) => {
      asked.push(`members ${roomId} ${query.prefix ?? ""} ${query.cursor ?? ""} ${query.limit}`);
      const page = pageOf(roomMembers, query);
      return { members: page.list.map((m, i) => ({ ...m, online: i % 2 === 0 })), count: page.count, nextCursor: page.nextCursor };
    },
    members: async (roomId: string) => {
      asked.push(`whole ${roomId}`);
      return roomMembers.map(user);
    },
  } as unknown as CimClient;
  return { client, asked };
}

function setup(online: string[], roomMembers: string[] = []) {
  const { client, asked } = fakeClient(online, roomMembers);
  const rooms = new RoomActions({ client: () => client } as unknown as RoomActionsDeps);
  const members = new RoomMembers((roomId, prefix, cursor, limit) => rooms.members(roomId, prefix, cursor, limit), String);
  return { members, asked };
}

const numbered = (stem: string, count: number) => Array.from({ length: count }, (_, i) => `${stem}${String(i).padStart(4, "0")}`);

describe("RoomMembers", () => {
  // With 100,000 users online, every "@" typed in Everyone fetched all of them (megabytes) from GET
  // /api/rooms/everyone/members.
  it("asks for Everyone's members a page of the online list at a time, by the start of the name typed", async () => {
    const { members, asked } = setup(["ann", "anna", "bob", ...Array.from({ length: 100 }, (_, i) => `user${i}`)]);
    members.mention("everyone", "");
    await expect.poll(() => members.list.length).toBe(EVERYONE_SHOWN);
    expect(members.count).toBe(103);
    members.mention("everyone", "an");
    await expect.poll(() => members.list.map((m) => m.userName)).toEqual(["ann", "anna"]);
    expect(asked).toEqual([`online  ${EVERYONE_SHOWN}`, `online an ${EVERYONE_SHOWN}`]);
    // Someone coming online is listed when the name fits what was asked for.
    members.presence({ userId: "900", userName: "andy", online: true });
    members.presence({ userId: "901", userName: "zed", online: true });
    expect(members.list.map((m) => m.userName)).toEqual(["ann", "anna", "andy"]);
  });

  // A room of 10,000 answered all of them (megabytes, a Redis read per member) at every "@" typed in it.
  it("asks a room's members for a mention by the start of the name typed, a page at a time, never the whole list", async () => {
    const { members, asked } = setup([], ["ann", "anna", "bob", ...numbered("user", 3000)]);
    members.mention("r7", "");
    await expect.poll(() => members.list.length).toBe(MEMBERS_PAGE);
    expect(members.count).toBe(3003);
    members.mention("r7", "an");
    await expect.poll(() => members.list.map((m) => m.userName)).toEqual(["ann", "anna"]);
    expect(members.count).toBe(2);
    expect(members.complete).toBe(true);
    expect(asked).toEqual([`members r7   ${MEMBERS_PAGE}`, `members r7 an  ${MEMBERS_PAGE}`]);
  });

  it("shows a room's first page with the count, adds the next below on request, and knows when all are shown", async () => {
    const { members, asked } = setup([], numbered("m", 120));
    members.show("r9");
    await expect.poll(() => members.list.length).toBe(50);
    expect([members.count, members.complete]).toEqual([120, false]);
    const firstShown = members.sorted.map((m) => m.userName);
    await members.more();
    await members.more();
    expect(members.list).toHaveLength(120);
    expect(members.complete).toBe(true);
    // The first page stays where it was: more members come below it.
    expect(members.sorted.slice(0, 50).map((m) => m.userName)).toEqual(firstShown);
    expect(new Set(members.list.map((m) => m.userId)).size).toBe(120);
    await members.more();
    expect(asked).toEqual(["members r9   50", "members r9  50 50", "members r9  100 50"]);
    // A membership change asks again for as many as were shown (up to route's 200 a request).
    members.changed("r9");
    await expect.poll(() => asked.length).toBe(4);
    expect(asked[3]).toBe("members r9   120");
    expect(asked.some((a) => a.startsWith("whole"))).toBe(false);
  });
});

describe("RoomMembers asked for again", () => {
  /** A room whose members (name order, as route's) change between calls; ids are the names. */
  function room(names: string[]) {
    const state = { names };
    const members = new RoomMembers(async (_roomId, _prefix, cursor, limit) => {
      const from = Number(cursor || 0);
      const list = state.names.slice(from, from + limit).map((n) => ({ userId: n, userName: n, online: true }));
      return { members: list, count: state.names.length, nextCursor: from + limit < state.names.length ? String(from + limit) : "" };
    }, String);
    return { members, state };
  }
  const shown = (members: RoomMembers) => members.sorted.map((m) => m.userName);

  it("keeps the rows shown in their places: a member gone leaves, a newcomer goes in after the one route lists before it", async () => {
    // "x_b" comes after "x-z" in route's order (canonical keys) but before it by the browser's collation.
    const names = [...numbered("x-", 50), "x-z", "x_b"];
    const { members, state } = room(names);
    members.show("r1");
    await expect.poll(() => members.list.length).toBe(50);
    await members.more();
    const before = shown(members);
    expect(before.slice(50)).toEqual(["x_b", "x-z"]);
    state.names = names.filter((n) => n !== "x-0003").toSpliced(1, 0, "x-00001");
    members.changed("r1");
    await expect.poll(() => members.list.some((m) => m.userName === "x-00001")).toBe(true);
    expect(shown(members)).toEqual(before.filter((n) => n !== "x-0003").toSpliced(1, 0, "x-00001"));
  });

  it("keeps rows past the end of the page asked for again, and asks once a page being loaded has come", async () => {
    const { members, state } = room(numbered("m", 260));
    members.show("r2");
    await expect.poll(() => members.list.length).toBe(50);
    for (let i = 0; i < 4; i++) await members.more();
    expect(members.list).toHaveLength(250);
    // Ten newcomers at the start push the last rows past the 200 a request may ask for: they stay.
    state.names = [...numbered("a", 10), ...state.names];
    const loading = members.more();
    members.changed("r2");
    await loading;
    await expect.poll(() => members.list.length).toBe(270);
    expect(shown(members).slice(0, 11)).toEqual([...numbered("a", 10), "m0000"]);
    expect(shown(members).slice(-1)).toEqual(["m0259"]);
  });
});

describe("pageOrder", () => {
  it("keeps pages in the order loaded, each page's online members first, then by name", () => {
    const list: UserEntry[] = [
      { userId: "1", userName: "cy", online: false }, { userId: "2", userName: "al", online: true }, { userId: "3", userName: "bo", online: false },
      { userId: "4", userName: "an", online: true }, { userId: "5", userName: "ab", online: false },
    ];
    const pages = new Map([["1", 0], ["2", 0], ["3", 0], ["4", 1], ["5", 1]]);
    expect(pageOrder(list, pages).map((m) => m.userName)).toEqual(["al", "bo", "cy", "an", "ab"]);
  });
});
