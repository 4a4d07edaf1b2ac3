// The list's previews asked of route: each conversation once, a few at a time, in the order asked. Scrolling fast
// through a long list asks for many; one scrolled out of view again before its turn is skipped, and one refused as too
// many (429: route's per-user limit) is asked again later rather than never.

export interface PreviewQueueOptions {
  /** Requests under way at once. */
  inFlight: number;
  /** How long to wait before asking again after `error`; undefined: not again (until the key is added again). */
  retryAfterMs: (error: unknown) => number | undefined;
}

interface Job {
  run: () => Promise<void>;
  /** Kept when scrolled out (the newest conversations, previewed at sign-in whether shown or not). */
  pinned: boolean;
  state: "waiting" | "running" | "retrying" | "done";
  timer?: ReturnType<typeof setTimeout>;
}

export class PreviewQueue {
  readonly #jobs = new Map<string, Job>();
  /** Keys whose turn has not come, oldest first. */
  #waiting: string[] = [];
  #running = 0;
  #closed = false;

  constructor(private readonly options: PreviewQueueOptions) {}

  /** Asks `run` for `key` in its turn, unless `key` is asked or done already. */
  add(key: string, run: () => Promise<void>, pinned = false): void {
    const known = this.#jobs.get(key);
    if (known) {
      known.pinned ||= pinned;
      return;
    }
    this.#jobs.set(key, { run, pinned, state: "waiting" });
    this.#waiting.push(key);
    this.#next();
  }

  /** `key` left the screen: not asked in its turn (nor again after a 429), unless pinned; adding it again asks it. */
  drop(key: string): void {
    const job = this.#jobs.get(key);
    if (!job || job.pinned || job.state === "running" || job.state === "done") return;
    clearTimeout(job.timer);
    this.#jobs.delete(key);
    this.#waiting = this.#waiting.filter((waiting) => waiting !== key);
  }

  /** Nothing more is asked (signed out, or signed in again: a new queue takes over). */
  close(): void {
    this.#closed = true;
    for (const job of this.#jobs.values()) clearTimeout(job.timer);
    this.#jobs.clear();
    this.#waiting = [];
  }

  #next(): void {
    while (!this.#closed && this.#running < this.options.inFlight && this.#waiting.length > 0) {
      const key = this.#waiting.shift()!;
      const job = this.#jobs.get(key)!;
      job.state = "running";
      this.#running++;
      // A run that throws at once fails like one that rejects.
      void new Promise<void>((resolve) => resolve(job.run())).then(
        () => void (job.state = "done"),
        (error: unknown) => this.#failed(key, job, error),
      ).finally(() => {
        this.#running--;
        this.#next();
      });
    }
  }

  #failed(key: string, job: Job, error: unknown): void {
    if (this.#closed) return;
    const delayMs = this.options.retryAfterMs(error);
    // Not retried (not online yet, say): the next time it is shown asks again.
    if (delayMs === undefined) return void this.#jobs.delete(key);
    job.state = "retrying";
    job.timer = setTimeout(() => {
      job.state = "waiting";
      this.#waiting.push(key);
      this.#next();
    }, delayMs);
  }
}
