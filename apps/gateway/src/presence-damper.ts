// Bounds how often one user's presence changes reach the sessions watching it: a client opening and closing its
// only session in a loop flipped it online/offline for every watcher about 10 times a second.
import type { Presence } from "@cim/protocol";

/** A user's changes handed out at once in one window; past it, only the latest, at the window's end. */
export const PRESENCE_CHANGES_PER_WINDOW = 6;
/** The window of PRESENCE_CHANGES_PER_WINDOW, from the user's first change in it. */
export const PRESENCE_WINDOW_MS = 10_000;

interface UserWindow {
  start: number;
  count: number;
  /** The latest change past the bound, handed out when the window ends. */
  latest?: Presence;
  timer?: NodeJS.Timeout;
}

export interface PresenceDamperOptions {
  changesPerWindow: number;
  windowMs: number;
  now: () => number;
}

/**
 * The first `changesPerWindow` changes of a user in a window go out at once (a sign-off, a close, a gateway's death
 * are shown as promptly as ever); the user's later changes in it are coalesced into one, its latest state, handed out
 * when the window ends (so watchers always end on the true state), which opens the next window.
 */
export class PresenceDamper {
  private readonly windows = new Map<string, UserWindow>();
  private readonly options: PresenceDamperOptions;
  private sweptAt = 0;

  /** `deliver` hands a change out to its watchers. */
  constructor(private readonly deliver: (presence: Presence) => void, options: Partial<PresenceDamperOptions> = {}) {
    this.options = { changesPerWindow: PRESENCE_CHANGES_PER_WINDOW, windowMs: PRESENCE_WINDOW_MS, now: Date.now, ...options };
  }

  /** A change of `presence.userId`: handed out now, or kept for the end of the user's window. */
  offer(presence: Presence): void {
    const now = this.options.now();
    this.sweep(now);
    let window = this.windows.get(presence.userId);
    if (window && !window.timer && now - window.start >= this.options.windowMs) window = undefined;
    if (!window) this.windows.set(presence.userId, (window = { start: now, count: 0 }));
    if (window.count < this.options.changesPerWindow) {
      window.count++;
      this.deliver(presence);
      return;
    }
    window.latest = presence;
    if (window.timer) return;
    const userWindow = window;
    window.timer = setTimeout(() => this.endWindow(presence.userId, userWindow), Math.max(0, userWindow.start + this.options.windowMs - now));
    window.timer.unref();
  }

  /** Hands out the change kept for the window's end; it counts as the first of the user's next window. */
  private endWindow(userId: string, window: UserWindow): void {
    if (this.windows.get(userId) !== window) return;
    const latest = window.latest;
    this.windows.set(userId, { start: this.options.now(), count: 1 });
    if (latest) this.deliver(latest);
  }

  /** Drops the windows that ended with nothing kept: at most one sweep a window. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.options.windowMs) return;
    this.sweptAt = now;
    for (const [userId, window] of this.windows) if (!window.timer && now - window.start >= this.options.windowMs) this.windows.delete(userId);
  }
}
