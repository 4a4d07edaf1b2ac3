// A Redis client's errors without a line per attempt: ioredis emits one for every failed reconnect (a cluster's
// sharded subscriber retries a dead master every few hundred milliseconds), hundreds per failover. The first error
// of each message is reported at once; the rest are counted and reported together once errors stop.
/** Errors stop counting as one streak after this long without one. */
export const ERROR_STREAK_QUIET_MS = 10_000;

export interface ErrorStreakReport {
  /** The first error with this message in the streak. */
  first: (message: string) => void;
  /** The streak ended (no error for quietMs): how many errors of each message it had, when any repeated. */
  ended: (counts: Record<string, number>) => void;
}

export class ErrorStreak {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly report: ErrorStreakReport, private readonly quietMs = ERROR_STREAK_QUIET_MS) {}

  /** Notes one error. */
  add(error: Error): void {
    const count = this.counts.get(error.message) ?? 0;
    this.counts.set(error.message, count + 1);
    if (count === 0) this.report.first(error.message);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(), this.quietMs);
    this.timer.unref();
  }

  private end(): void {
    const counts = Object.fromEntries(this.counts);
    this.counts.clear();
    if (Object.values(counts).some((n) => n > 1)) this.report.ended(counts);
  }
}
