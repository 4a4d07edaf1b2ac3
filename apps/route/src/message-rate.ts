// Messages per second, from samples of the stored-message counter taken once a second.
export class MessageRate {
  private samples: Array<{ at: number; count: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly readCount: () => Promise<number>, private readonly windowMs = 5_000) {}

  start(onError: (error: unknown) => void): void {
    const sample = () =>
      this.readCount()
        .then((count) => {
          const at = Date.now();
          this.samples.push({ at, count });
          this.samples = this.samples.filter((s) => s.at >= at - this.windowMs - 1_000);
        })
        .catch(onError);
    void sample();
    this.timer = setInterval(sample, 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Average over the window; 0 until two samples exist. */
  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return 0;
    return Math.max(0, ((last.count - first.count) * 1000) / (last.at - first.at));
  }
}
