// One run of a job per Redis client and key at a time in this process: callers asking while it runs share it.
import type { RedisClient } from "./redis.js";

export class SharedRuns<T> {
  private readonly running = new WeakMap<RedisClient, Map<string, Promise<T>>>();

  /** The run of `key` under way on `redis`, or a new one of `start`, forgotten once it settles. */
  run(redis: RedisClient, key: string, start: () => Promise<T>): Promise<T> {
    let mine = this.running.get(redis);
    if (!mine) this.running.set(redis, (mine = new Map()));
    const known = mine.get(key);
    if (known) return known;
    const run = start().finally(() => mine.delete(key));
    mine.set(key, run);
    return run;
  }
}
