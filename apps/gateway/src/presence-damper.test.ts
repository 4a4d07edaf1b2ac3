import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Presence } from "@cim/protocol";
import { PresenceDamper } from "./presence-damper.js";

const change = (userId: string, online: boolean): Presence => ({ userId, userName: userId, online });

describe("PresenceDamper", () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => void vi.useRealTimers());

  it("hands out a user's first changes of a window at once, then only the latest at the window's end", () => {
    const out: Presence[] = [];
    const damper = new PresenceDamper((p) => out.push(p), { changesPerWindow: 3, windowMs: 10_000 });
    for (let i = 0; i < 10; i++) damper.offer(change("1", i % 2 === 0)); // online, offline, ... ends offline
    damper.offer(change("2", true)); // another user has a window of its own
    expect(out).toEqual([change("1", true), change("1", false), change("1", true), change("2", true)]);
    vi.advanceTimersByTime(9_999);
    expect(out).toHaveLength(4);
    vi.advanceTimersByTime(1);
    expect(out.at(-1)).toEqual(change("1", false));
    // The announcement at the end counts in the next window: two more go out at once, the third waits.
    for (const online of [true, false, true]) damper.offer(change("1", online));
    expect(out.slice(5)).toEqual([change("1", true), change("1", false)]);
    vi.advanceTimersByTime(10_000);
    expect(out.at(-1)).toEqual(change("1", true));
    expect(out).toHaveLength(8);
  });

  it("starts a fresh window once a quiet one ended: ordinary changes are never delayed", () => {
    const out: Presence[] = [];
    const damper = new PresenceDamper((p) => out.push(p), { changesPerWindow: 2, windowMs: 10_000 });
    damper.offer(change("1", true));
    damper.offer(change("1", false));
    vi.advanceTimersByTime(10_000);
    damper.offer(change("1", true));
    damper.offer(change("1", false));
    expect(out).toEqual([change("1", true), change("1", false), change("1", true), change("1", false)]);
  });
});
