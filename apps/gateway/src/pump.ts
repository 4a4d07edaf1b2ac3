// Runs an async drain one at a time: a wake-up during a run makes it run once more, never concurrently.
export class Pump {
  private running = false;
  private again = false;

  constructor(private readonly drain: () => Promise<void>, private readonly onError: (error: unknown) => void) {}

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
        await this.drain();
      } catch (error) {
        this.onError(error);
      }
    } while (this.again);
    this.running = false;
  }
}
