import { describe, expect, it } from "vitest";
import pino from "pino";
import { MembershipSync } from "./membership-sync.js";

function sync(refresh: () => Promise<void>) {
  const woken: string[] = [];
  const s = new MembershipSync({ refresh, wakeRooms: () => woken.push("rooms"), log: pino({ level: "silent" }) });
  return { s, woken };
}

describe("MembershipSync", () => {
  it("holds rooms from the bus loss until the re-read after it finished, then wakes them", async () => {
    let finish!: () => void;
    const { s, woken } = sync(() => new Promise<void>((resolve) => (finish = resolve)));
    s.lost();
    s.poll();
    expect([s.held, woken]).toEqual([true, []]);
    const resynced = s.resync();
    expect(s.held).toBe(true);
    finish();
    await resynced;
    expect([s.held, woken]).toEqual([false, ["rooms"]]);
  });

  it("a re-read that started before another loss proves nothing", async () => {
    let finish!: () => void;
    const { s, woken } = sync(() => new Promise<void>((resolve) => (finish = resolve)));
    const resynced = s.resync();
    s.lost();
    finish();
    await resynced;
    expect([s.held, woken]).toEqual([true, []]);
  });

  it("after an unconfirmed re-subscription the poll reads memberships again and lets rooms go on", async () => {
    const { s, woken } = sync(async () => undefined);
    s.lost();
    s.poll();
    expect(woken).toEqual([]);
    s.unconfirmed("bus re-subscription not confirmed");
    s.poll();
    await new Promise((resolve) => setImmediate(resolve));
    expect([s.held, woken]).toEqual([false, ["rooms"]]);
  });

  it("a failed re-read is tried again by the poll, not before", async () => {
    let fail = true;
    let reads = 0;
    const { s, woken } = sync(async () => {
      reads++;
      if (fail) throw new Error("redis down");
    });
    await s.resync();
    expect([s.held, reads]).toEqual([true, 1]);
    fail = false;
    s.poll();
    await new Promise((resolve) => setImmediate(resolve));
    expect([s.held, reads, woken]).toEqual([false, 2, ["rooms"]]);
  });
});
