import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pauseUnlessOnline } from "./network-wait.js";

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

  it("ends after its time without any event", async () => {
    let ended = false;
    void pauseUnlessOnline(2_000).then(() => (ended = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toBe(true);
  });
});
