import { describe, expect, it } from "vitest";
import type { CimClient, UserEntry } from "@cim/client";
import { RoomActions, type RoomActionsDeps } from "./room-actions.js";
import { EVERYONE_SHOWN, RoomMembers } from "./room-members.svelte.js";

/** A client answering the online list by prefix and a room's members, recording what was asked. */
function fakeClient(online: string[]) {
  const asked: string[] = [];
  const user = (name: string, i: number): UserEntry => ({ userId: String(i + 1), userName: name, online: true });
  const client = {
    onlinePage: async (query: { prefix?: string; limit?: number }) => {
      asked.push(`online ${query.prefix ?? ""} ${query.limit}`);
      const users = online.map(user).filter((u) => u.userName.startsWith(query.prefix ?? "")).slice(0, query.limit);
      return { users, nextCursor: "", count: online.length };
    },
    members: async (roomId: string) => {
      asked.push(`members ${roomId}`);
      return [user("ann", 0), { ...user("bob", 1), online: false }];
    },
  } as unknown as CimClient;
  return { client, asked };
}

function setup(online: string[]) {
  const { client, asked } = fakeClient(online);
  const rooms = new RoomActions({ client: () => client } as unknown as RoomActionsDeps);
  const members = new RoomMembers((roomId, prefix) => rooms.members(roomId, prefix), String);
  return { members, asked };
}

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

  it("loads a room's whole member list, whatever is typed", async () => {
    const { members, asked } = setup([]);
    members.mention("r7", "an");
    await expect.poll(() => members.list.length).toBe(2);
    expect(members.count).toBe(2);
    expect(asked).toEqual(["members r7"]);
  });
});
