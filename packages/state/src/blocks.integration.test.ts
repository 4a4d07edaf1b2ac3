// BlockStore against a real redis-server: the blocker's set and its mirror on the other user's tag agree.
import { describe, expect, it } from "vitest";
import { BlockStore } from "./blocks.js";
import { user } from "./keys.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("block and unblock of one pair at once", () => {
  it("leave the mirror as the blocker's set says, whichever writes its mirror last (it let the blocked user write)", async () => {
    const blocking = new BlockStore(h.connect("block"));
    const unblockingRedis = h.connect("unblock");
    const unblocking = new BlockStore(unblockingRedis);
    // The unblock has taken the pair off the blocker's set and read it (not blocking); its write of the mirror (SREM)
    // waits until a block of the pair is done, mirror and all: the order two route processes may take. It was held at
    // a second SREM that never comes (the unblock writes its mirror once), so the test raced the unblock's reread.
    let blockDone!: () => void;
    let aboutToWrite!: () => void;
    const blocked = new Promise<void>((resolve) => (blockDone = resolve));
    const unblockRead = new Promise<void>((resolve) => (aboutToWrite = resolve));
    const srem = unblockingRedis.srem.bind(unblockingRedis);
    let calls = 0;
    unblockingRedis.srem = (async (...args: Parameters<typeof srem>) => {
      if (++calls === 1) {
        aboutToWrite();
        await blocked;
      }
      return srem(...args);
    }) as typeof srem;

    expect(await blocking.block("1", "2")).toMatchObject({ state: "blocked" });
    const unblock = unblocking.unblock("1", "2");
    await unblockRead;
    expect(await blocking.block("1", "2")).toEqual({ state: "blocked", order: 3 });
    expect(await h.redis.sismember(user.blockedBy("2"), "1")).toBe(1);
    blockDone();
    // What the unblock tells the gateways (route's announcement): the state it ended in, not "unblocked", with its order.
    expect(await unblock).toEqual({ state: "blocked", order: 3 });
    // The block came last to the blocker's set: it holds, and the mirror must say so, or 2's messages get through.
    expect(await blocking.list("1")).toEqual({ ids: ["2"], order: 3 });
    expect(await h.redis.sismember(user.blockedBy("2"), "1")).toBe(1);
    expect(await blocking.refusal("2", "1")).toBe("blocked");
  });
});

describe("the order of block changes", () => {
  it("counts each change of a user's blocks up (not a repeat), and answers it with the state it ended in and with the list", async () => {
    const blocks = new BlockStore(h.redis);
    expect(await blocks.list("1")).toEqual({ ids: [], order: 0 });
    const block = await blocks.block("1", "2");
    const unblock = await blocks.unblock("1", "2");
    // Two announcements of one pair: the later change has the higher order, whichever is published first.
    expect(block).toEqual({ state: "blocked", order: 1 });
    expect(unblock).toEqual({ state: "unblocked", order: 2 });
    expect(await blocks.unblock("1", "2")).toEqual({ state: "unblocked", order: 2 });
    // One counter per blocker: a change about another user counts too, so the list's order covers every entry.
    expect(await blocks.block("1", "3")).toEqual({ state: "blocked", order: 3 });
    expect(await blocks.block("1", "3")).toEqual({ state: "blocked", order: 3 });
    expect(await blocks.list("1")).toEqual({ ids: ["3"], order: 3 });
    expect(await blocks.list("2")).toEqual({ ids: [], order: 0 });
  });
});
