// The local day the page writes times against ("Today", the list's "14:05" or "Yesterday"): it turns at midnight, so a
// tab left open overnight does not go on calling yesterday's messages today's (each time was written once, when shown).

export class Today {
  /** Now, as of the last turn of the day (or the start): components read it, and write their times again when it changes. */
  date = $state(new Date());
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {
    this.date = now();
    this.schedule();
  }

  /** The day may have turned while timers slept (a laptop closed overnight, a hidden tab's throttled timers). */
  check(): void {
    const now = this.now();
    if (now.toDateString() !== this.date.toDateString()) this.date = now;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    const now = this.now();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    // A second past midnight: a timer a little early would find the old day still.
    this.timer = setTimeout(() => {
      this.check();
      this.schedule();
    }, midnight.getTime() - now.getTime() + 1_000);
  }
}

/** The page's day. */
export const today = new Today();
if (typeof document !== "undefined") document.addEventListener("visibilitychange", () => today.check());
