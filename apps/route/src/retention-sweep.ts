// Route's sweep of messages past CIM_STREAM_MAX_AGE_SECONDS in conversations and inboxes that have gone quiet
// (@cim/state's sweepOldMessages): on a timer, by one route process at a time.
import type { Logger } from "pino";
import { keys, sweepOldMessages, type RedisClient } from "@cim/state";

/** Sweeps at most this often, and at least this often (the age limit's tenth in between). */
const MIN_INTERVAL_MS = 60_000;
const MAX_INTERVAL_MS = 3_600_000;

/** How often a sweep runs for an age limit of `maxAgeSeconds`: a tenth of it, within a minute and an hour. */
export function sweepIntervalMs(maxAgeSeconds: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, maxAgeSeconds * 100));
}

export class RetentionSweep {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  readonly intervalMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly maxAgeSeconds: number,
    private readonly log: Logger,
    private readonly instance: string,
  ) {
    this.intervalMs = sweepIntervalMs(maxAgeSeconds);
  }

  /** Sweeps now and then every intervalMs; nothing when there is no age limit. */
  start(): void {
    if (this.maxAgeSeconds <= 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * One sweep, unless another route process took this interval's turn (a key that lapses with the interval) or the
   * last sweep here is still going. Resolves with what it trimmed, or undefined when it did not sweep.
   */
  async tick(): Promise<{ streams: number; trimmed: number } | undefined> {
    if (this.running) return undefined;
    this.running = true;
    try {
      const turn = await this.redis.set(keys.retentionSweep, this.instance, "PX", this.intervalMs - 1_000, "NX");
      if (turn !== "OK") return undefined;
      const result = await sweepOldMessages(this.redis, this.maxAgeSeconds);
      this.log.info({ ...result, maxAgeSeconds: this.maxAgeSeconds }, "messages past the age limit swept");
      return result;
    } catch (error) {
      this.log.warn({ err: error }, "sweep of messages past the age limit failed; tried again at the next interval");
      return undefined;
    } finally {
      this.running = false;
    }
  }
}
