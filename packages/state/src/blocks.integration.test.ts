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
    // The unblock's second SREM (the mirror) waits until the block is done: the order two route processes may take.
    let blockDone!: () => void;
    let firstApplied!: () => void;
    const blocked = new Promise<void>((resolve) => (blockDone = resolve));
    const unblockedSet = new Promise<void>((resolve) => (firstApplied = resolve));
    const srem = unblockingRedis.srem.bind(unblockingRedis);
    let calls = 0;
    unblockingRedis.srem = (async (...args: Parameters<typeof srem>) => {
      if (++calls === 2) await blocked;
      const removed = await srem(...args);
      if (calls === 1) firstApplied();
      return removed;
    }) as typeof srem;

    expect(await blocking.block("1", "2")).toBe("blocked");
    const unblock = unblocking.unblock("1", "2");
    await unblockedSet;
    expect(await blocking.block("1", "2")).toBe("blocked");
    blockDone();
    // What the unblock tells the gateways (route's announcement): the state it ended in, not "unblocked".
    expect(await unblock).toBe("blocked");
    // The block came last to the blocker's set: it holds, and the mirror must say so, or 2's messages get through.
    expect(await blocking.list("1")).toEqual(["2"]);
    expect(await h.redis.sismember(user.blockedBy("2"), "1")).toBe(1);
    expect(await blocking.refusal("2", "1")).toBe("blocked");
  });
});
