import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pauseUnlessOnline, retryDelay } from "./network-wait.js";

describe("pauseUnlessOnline", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("window", new EventTarget());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("ends when the network comes back, before its time", async () => {
    let ended = false;
    void pauseUnlessOnline(2_000).then(() => (ended = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(ended).toBe(false);
    window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).toBe(true);
  });

  it("ends when the tab is shown again, unless told not to (a page opened offline is shown as it loads)", async () => {
    const page = Object.assign(new EventTarget(), { visibilityState: "visible" });
    vi.stubGlobal("document", page);
    const ended = { shown: false, notShown: false };
    void pauseUnlessOnline(2_000).then(() => (ended.shown = true));
    void pauseUnlessOnline(2_000, false).then(() => (ended.notShown = true));
    page.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).toEqual({ shown: true, notShown: false });
    window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(ended.notShown).toBe(true);
  });

  it("ends after its time without any event", async () => {
    let ended = false;
    void pauseUnlessOnline(2_000).then(() => (ended = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toBe(true);
  });
});

describe("retryDelay", () => {
  const timing = { baseMs: 2_000, maxMs: 10_000, offlineMs: 60_000 };
  it("grows from the base to the cap, between half and all of it (jitter)", () => {
    expect([0, 1, 2, 3, 9].map((attempt) => retryDelay(attempt, timing, true, () => 0))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect([0, 1, 2, 3, 9].map((attempt) => retryDelay(attempt, timing, true, () => 1))).toEqual([2_000, 4_000, 8_000, 10_000, 10_000]);
  });
  it("is the long offline pause while the device has no network", () => {
    expect(retryDelay(0, timing, false)).toBe(60_000);
  });
});
