import { describe, expect, it } from "vitest";
import { Membership } from "./membership.js";

/** A fetch whose answers the test releases by hand. */
function deferredFetch() {
  const pending: Array<(rooms: string[]) => void> = [];
  let calls = 0;
  const fetch = (_userId: string) => {
    calls++;
    return new Promise<string[]>((resolve) => pending.push(resolve));
  };
  return { fetch, answer: (rooms: string[]) => pending.shift()!(rooms), calls: () => calls };
}

describe("Membership", () => {
  it("a user in no room who joins one gains it alone: other users in no room stay in none", async () => {
    const membership = new Membership(() => Promise.resolve([]));
    await membership.load("1");
    await membership.load("2");
    expect(membership.apply({ room: "r1", userId: "1", kind: "joined" })).toBe(true);
    expect([...membership.roomsOf("1")]).toEqual(["r1"]);
    expect([...membership.roomsOf("2")]).toEqual([]);
    expect([...membership.membersOf("r1")]).toEqual(["1"]);
    expect(await membership.refresh("2")).toEqual({ added: [], removed: [] });
    expect([...membership.roomsOf("2")]).toEqual([]);
  });

  it("applies the changes that arrive while a user's rooms load to the answer, in order; concurrent logins share one load", async () => {
    const source = deferredFetch();
    const membership = new Membership(source.fetch);
    const first = membership.load("1");
    const second = membership.load("1");
    // Read before these changes were written, answered after they arrived on the bus.
    expect(membership.apply({ room: "r2", userId: "1", kind: "joined" })).toBe(false);
    membership.apply({ room: "r1", userId: "1", kind: "left" });
    membership.apply({ room: "r3", userId: "1", kind: "invited" });
    membership.apply({ room: "r3", userId: "1", kind: "left" });
    membership.apply({ room: "everyone", userId: "1", kind: "left" });
    source.answer(["r1", "r4"]);
    expect([...(await first)].sort()).toEqual(["r2", "r4"]);
    expect(await second).toBe(await first);
    expect(source.calls()).toBe(1);
    expect(membership.isMember("1", "everyone")).toBe(true);
    expect(membership.isMember("1", "r1")).toBe(false);
    expect([...membership.membersOf("r4")]).toEqual(["1"]);
    // Loaded: changes apply at once, and say whether they changed anything.
    expect(membership.apply({ room: "r5", userId: "1", kind: "joined" })).toBe(true);
    expect(membership.apply({ room: "r5", userId: "1", kind: "invited" })).toBe(false);
    expect(membership.apply({ room: "r5", userId: "2", kind: "joined" })).toBe(false); // not a user of ours
    membership.forget("1");
    expect(membership.roomsOf("1").size).toBe(0);
  });

  it("a refresh applies what changed in Redis, and keeps changes that arrive during it", async () => {
    const source = deferredFetch();
    const membership = new Membership(source.fetch);
    const loaded = membership.load("1");
    source.answer(["r1", "r2"]);
    await loaded;
    const refreshing = membership.refresh("1");
    membership.apply({ room: "r9", userId: "1", kind: "joined" }); // written after the refresh's read
    source.answer(["r2", "r3"]);
    expect(await refreshing).toEqual({ added: ["r3"], removed: ["r1"] });
    expect([...membership.roomsOf("1")].sort()).toEqual(["r2", "r3", "r9"]);
  });
});
