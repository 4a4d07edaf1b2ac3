// ReadStore and ReceiptStore against a real redis-server: positions that only move forward, per user.
import { describe, expect, it } from "vitest";
import { user } from "./keys.js";
import { ReadStore } from "./reads.js";
import { ReceiptStore } from "./receipts.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("read positions", () => {
  it("move forward only, compared as numbers, per conversation", async () => {
    const reads = new ReadStore(h.redis);
    expect(await reads.positions("1")).toEqual({});
    expect(await reads.setRead("1", "r1", "1000")).toBe(true);
    expect(await reads.setRead("1", "r1", "999")).toBe(false);
    expect(await reads.setRead("1", "r1", "1000")).toBe(false);
    expect(await reads.setRead("1", "r1", "10000")).toBe(true); // longer is newer, though "1..." < "9..." as text
    expect(await reads.setRead("1", "7", "50")).toBe(true);
    expect(await reads.setRead("2", "everyone", "5")).toBe(true);
    expect(await reads.positions("1")).toEqual({ r1: "10000", "7": "50" });
  });
});

describe("rooms opened", () => {
  it("keep each room's newest event seen, forward only, until the room is left; nothing for a deleted account", async () => {
    const reads = new ReadStore(h.redis);
    expect(await reads.roomsOpened("1")).toEqual({});
    expect(await reads.openedRoom("1", "r1", 1_700_000_000_500)).toBe(true);
    expect(await reads.openedRoom("1", "r1", 1_700_000_000_400)).toBe(false);
    expect(await reads.openedRoom("1", "r2", 1_700_000_000_100)).toBe(true);
    expect(await reads.roomsOpened("1")).toEqual({ r1: 1_700_000_000_500, r2: 1_700_000_000_100 });
    await reads.forgetOpened("1", "r1");
    expect(await reads.roomsOpened("1")).toEqual({ r2: 1_700_000_000_100 });
    await h.redis.set(user.gone("3"), "1");
    expect(await reads.openedRoom("3", "r1", 1_700_000_000_500)).toBe(false);
    expect(await reads.roomsOpened("3")).toEqual({});
  });
});

describe("receipts of a user's peers", () => {
  it("keep the newest delivered and read msgId per peer, listed for the most recent peers", async () => {
    const receipts = new ReceiptStore(h.redis);
    await h.redis.zadd(user.peers("1"), 100, "2", 300, "3", 200, "4");
    expect(await receipts.delivered("1", "2", "100")).toBe(true);
    expect(await receipts.delivered("1", "2", "90")).toBe(false);
    expect(await receipts.read("1", "2", "80")).toBe(true);
    expect(await receipts.delivered("1", "3", "300")).toBe(true);
    expect(await receipts.recent("1")).toEqual([
      { peer: "3", delivered: "300", read: "" },
      { peer: "2", delivered: "100", read: "80" },
    ]);
    expect(await receipts.recent("1", 1)).toEqual([{ peer: "3", delivered: "300", read: "" }]);
    expect(await receipts.recent("9")).toEqual([]);
  });
});
