import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CimClient, RoomHistoryEvent, StoredLogin } from "@cim/client";
import { addedBy, arrivalsText, RoomArrivals } from "./room-arrivals.js";
import { newConversation, type Conversation } from "./conversations.js";
import { MemoryStorage } from "./memory-storage.js";

function event(kind: RoomHistoryEvent["kind"], userId: string, ts: number, by?: string): RoomHistoryEvent {
  return { kind, name: "", userId, userName: userId, after: String(ts), ts, ...(by ? { by, byName: `${by}-name` } : {}) };
}

describe("addedBy", () => {
  it("finds the newest invitation of the user by someone else", () => {
    const events = [event("invited", "u2", 10, "u1"), event("left", "u2", 20), event("invited", "u2", 30, "u3"), event("invited", "u9", 40, "u1")];
    expect(addedBy(events, "u2")).toMatchObject({ by: "u3", byName: "u3-name", ts: 30 });
  });

  it("is null for a room the user joined or created, or was added to by nobody named", () => {
    expect(addedBy([event("joined", "u2", 10)], "u2")).toBeNull();
    expect(addedBy([event("invited", "u2", 10, "u2")], "u2")).toBeNull();
    expect(addedBy([{ ...event("invited", "u2", 10), by: "u1" }], "u2")).toBeNull();
  });
});

/** The words a reader sees: without the isolates of names (lib/bidi.ts). */
const plain = (text: string) => text.replace(/[\u2068\u2069]/g, "");

describe("arrivalsText", () => {
  it("names every room, grouped by who added them, oldest first; Open is for the newest", () => {
    expect(arrivalsText([])).toBeNull();
    const one = arrivalsText([{ byName: "ann", title: "Plans", roomId: "r1", ts: 1 }])!;
    expect([plain(one.text), one.roomId]).toEqual(["ann added you to Plans", "r1"]);
    const two = arrivalsText([{ byName: "ann", title: "Trips", roomId: "r2", ts: 2 }, { byName: "ann", title: "Plans", roomId: "r1", ts: 1 }])!;
    expect([plain(two.text), two.roomId]).toEqual(["ann added you to Plans and Trips", "r2"]);
    const many = arrivalsText([
      { byName: "ann", title: "Plans", roomId: "r1", ts: 1 },
      { byName: "bob", title: "Work", roomId: "r3", ts: 3 },
      { byName: "ann", title: "Trips", roomId: "r2", ts: 2 },
      { byName: "cy", title: "Books", roomId: "r4", ts: 4 },
    ])!;
    expect([plain(many.text), many.roomId]).toEqual(["ann added you to Plans and Trips, bob to Work, and cy to Books", "r4"]);
  });
});

describe("RoomArrivals", () => {
  const me: StoredLogin = { userId: "u2", userName: "bob" } as StoredLogin;
  /** Route's rooms: who added bob to each, and how far he read it (on any device). */
  const room = (key: string, title: string, readUpTo = ""): Conversation => ({ ...newConversation(key, title), readUpTo });
  const histories: Record<string, RoomHistoryEvent[]> = {
    r1: [event("invited", "u2", 10, "u1")],
    r2: [{ ...event("invited", "u2", 20, "u1"), after: "" }],
    r3: [{ ...event("invited", "u2", 30, "u3"), after: "" }],
    r4: [event("joined", "u2", 40)],
  };
  const client = { historyPage: ({ room }: { room: string }) => Promise.resolve({ messages: [], events: histories[room] ?? [] }) } as unknown as CimClient;

  beforeEach(() => vi.stubGlobal("localStorage", new MemoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  async function listed(rooms: Conversation[]): Promise<Array<{ text: string; roomId: string }>> {
    const told: Array<{ text: string; roomId: string }> = [];
    const arrivals = new RoomArrivals({ client: () => client, me: () => me, rooms: () => rooms, tell: (text, roomId) => told.push({ text: plain(text), roomId }) });
    arrivals.listed([]);
    await vi.waitFor(() => expect(told.length).toBeGreaterThan(0));
    return told;
  }

  it("on the first sign-in of a device tells every room someone added the user to and nobody read since; one line", async () => {
    // r1 was read past its invitation on another device (bob opened it there); r4 he joined himself.
    const told = await listed([room("everyone", "Everyone"), room("r1", "Plans", "11"), room("r2", "Trips"), room("r3", "Work"), room("r4", "Mine")]);
    expect(told).toEqual([{ text: "u1-name added you to Trips, and u3-name to Work", roomId: "r3" }]);
  });

  it("does not tell an empty room opened on another device since it was added (route's eventsSeen), one added after that opening still", async () => {
    // No message in any: their read positions cannot pass the invitations. Bob opened r1 and r2 on his phone once
    // added (their newest events then: his invitations, 10 and 20), and r3 before he was added to it again (at 30).
    const told = await listed([{ ...room("r1", "Plans"), eventsSeen: 10 }, { ...room("r2", "Trips"), eventsSeen: 20 }, { ...room("r3", "Work"), eventsSeen: 25 }]);
    expect(told).toEqual([{ text: "u3-name added you to Work", roomId: "r3" }]);
  });

  it("tells route once per room that the user opened it, and again after being added to it again", async () => {
    const opened: string[] = [];
    const marking = { roomOpened: (roomId: string) => (opened.push(roomId), Promise.resolve()) } as unknown as CimClient;
    const arrivals = new RoomArrivals({ client: () => marking, me: () => me, rooms: () => [], tell: () => {} });
    arrivals.opened("r1");
    arrivals.opened("r1");
    arrivals.opened("r2");
    arrivals.heard("r1");
    arrivals.opened("r1");
    expect(opened).toEqual(["r1", "r2", "r1"]);
  });

  it("later, tells every room new since the last list, not only the newest", async () => {
    localStorage.setItem("cim.knownRooms.u2", JSON.stringify(["r4"]));
    const rooms = [room("r2", "Trips"), room("r3", "Work"), room("r4", "Mine")];
    expect(await listed(rooms)).toEqual([{ text: "u1-name added you to Trips, and u3-name to Work", roomId: "r3" }]);
  });
});
