import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RouteWatch } from "./route-watch.svelte.js";

/** A watch whose fetch always fails to reach route; counts the probes. */
function setup() {
  const probes: number[] = [];
  const watch: RouteWatch = new RouteWatch({
    back: () => undefined,
    probe: (): Promise<unknown> => {
      probes.push(Date.now());
      return watch.fetch("http://route.test/api/online").catch(() => undefined);
    },
    timing: { baseMs: 3_000, maxMs: 10_000, offlineMs: 60_000 },
    slowMs: 8_000,
  });
  return { watch, probes };
}

describe("RouteWatch: asking an unreachable route again", () => {
  let online = true;
  beforeEach(() => {
    vi.useFakeTimers();
    online = true;
    vi.stubGlobal("window", new EventTarget());
    vi.stubGlobal("navigator", { get onLine() { return online; } });
    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("Failed to fetch")));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("backs off while route stays away: a few probes a minute, not one every 3 s", async () => {
    const { watch, probes } = setup();
    await watch.fetch("http://route.test/api/conversations").catch(() => undefined);
    expect(watch.unreachable).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    // 1.5-3 s, 3-6 s, then 5-10 s each: at most 11 in a minute, at least 6.
    expect(probes.length).toBeGreaterThanOrEqual(6);
    expect(probes.length).toBeLessThanOrEqual(11);
  });

  it("asks nothing while the device has no network, and at once when it comes back", async () => {
    const { watch, probes } = setup();
    online = false;
    await watch.fetch("http://route.test/api/conversations").catch(() => undefined);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(probes).toEqual([]);
    online = true;
    window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(probes).toHaveLength(1);
    watch.reset();
  });
});
