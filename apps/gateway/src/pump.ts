// Runs an async drain one at a time: a wake-up during a run makes it run once more, never concurrently.

/** What a pump runs: methods of an object that exists anyway, so a pump per session costs no closures. */
export interface PumpTask {
  drain(): Promise<void>;
  /** A drain threw; the next wake-up runs it again. */
  failed(error: unknown): void;
  /** The pump stopped: no drain runs, none is due. */
  idle?(): void;
}

export class Pump {
  private running = false;
  private again = false;

  constructor(private readonly task: PumpTask) {}

  /** True while a drain runs: a reader must not bypass it then. */
  get busy(): boolean {
    return this.running;
  }

  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.task.drain();
      } catch (error) {
        this.task.failed(error);
      }
    } while (this.again);
    this.running = false;
    this.task.idle?.();
  }
}
