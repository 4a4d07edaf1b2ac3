// Pauses before trying the network again: growing with each failure (capped, with jitter, so many tabs do not
// retry in step), waiting for the browser's `online` event while it says the device has no network (a request then
// only fails and logs an error), and ending early when the network comes back or the tab is looked at again.
import { backoffCeiling } from "@cim/client";

/** The device says it has a network (`navigator.onLine`; true outside a browser). */
export function deviceOnline(): boolean {
  return typeof navigator === "undefined" || navigator.onLine !== false;
}

export interface RetryTiming {
  /** The first pause. */
  baseMs: number;
  /** The longest pause while the device has a network (servers unreachable). */
  maxMs: number;
  /** The pause while the device says it has none: it is rarely wrong, but a look now and then costs little. */
  offlineMs: number;
}

/** The pause before retry `attempt` (0-based): between half and all of min(max, base·2^attempt); `offlineMs` when offline. */
export function retryDelay(attempt: number, timing: RetryTiming, online = deviceOnline(), random: () => number = Math.random): number {
  if (!online) return timing.offlineMs;
  const ceiling = backoffCeiling(attempt, timing);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Calls `handler` when the network comes back or (unless `whenVisible` is false) the tab becomes visible; returns the
 * removal.
 */
export function onNetworkChance(handler: () => void, whenVisible = true): () => void {
  if (typeof window === "undefined") return () => undefined;
  const page = typeof document === "undefined" || !whenVisible ? null : document;
  const visible = () => {
    if (page?.visibilityState === "visible") handler();
  };
  window.addEventListener("online", handler);
  page?.addEventListener("visibilitychange", visible);
  return () => {
    window.removeEventListener("online", handler);
    page?.removeEventListener("visibilitychange", visible);
  };
}

/**
 * Resolves after `ms`, or at once when the network comes back or (unless `whenVisible` is false) the tab becomes
 * visible.
 */
export function pauseUnlessOnline(ms: number, whenVisible = true): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = onNetworkChance(done, whenVisible);
  });
}
