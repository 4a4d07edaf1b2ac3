import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { BlockList } from "./block-list.js";

/** Block sets as route leaves them in Redis: userId -> the users it blocks or is blocked by. */
function setUp(): { list: BlockList; sets: Map<string, string[]>; changes: string[] } {
  const sets = new Map<string, string[]>();
  const changes: string[] = [];
  const store = { hiddenFrom: async (userId: string) => sets.get(userId) ?? [] };
  const list = new BlockList(store, pino({ level: "silent" }), (userId, other, hidden) => changes.push(`${userId} ${hidden ? "hides from" : "shows"} ${other}`));
  return { list, sets, changes };
}

describe("BlockList", () => {
  it("tells each change once, heard live or found by reading again after the bus was lost", async () => {
    const { list, sets, changes } = setUp();
    sets.set("a", ["c"]);
    await list.load("a");
    await list.load("b");
    expect(changes).toEqual([]); // what a first read finds is no change
    expect(list.hides("a", "c")).toBe(true);

    // Blocks made and taken back while the bus was down: only a read finds them.
    sets.set("a", ["b"]);
    sets.set("b", ["a"]);
    await list.reloadAll();
    expect(changes).toEqual(["a hides from b", "a shows c", "b hides from a"]);

    // Live: a block is told at once, an unblock once the read confirms no block is left either way.
    changes.length = 0;
    sets.set("a", []);
    sets.set("b", []);
    list.apply({ type: "block", userId: "a", peer: "b", blocked: false });
    await vi.waitFor(() => expect(changes).toHaveLength(2));
    expect(changes.sort()).toEqual(["a shows b", "b shows a"]);
    changes.length = 0;
    sets.set("a", ["b"]);
    sets.set("b", ["a"]);
    list.apply({ type: "block", userId: "a", peer: "b", blocked: true });
    await list.reloadAll();
    expect(changes).toEqual(["a hides from b", "b hides from a"]);
  });

  it("follows the store when a block is heard after the unblock that undid it (two route processes announce out of order)", async () => {
    const { list, changes } = setUp();
    await list.load("a");
    await list.load("b");
    // a blocked b, then unblocked it; the store holds the unblock, the bus brings the unblock first.
    list.apply({ type: "block", userId: "a", peer: "b", blocked: false, order: 2 });
    await list.reloadAll();
    list.apply({ type: "block", userId: "a", peer: "b", blocked: true, order: 1 });
    expect(list.hides("a", "b")).toBe(true); // hidden at once, as any block
    await vi.waitFor(() => expect(list.hides("a", "b")).toBe(false));
    expect(list.hides("b", "a")).toBe(false);
    expect(changes.sort()).toEqual(["a hides from b", "a shows b", "b hides from a", "b shows a"]);
  });
});
