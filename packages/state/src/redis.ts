// The ioredis client factory: bounded retries so a Redis outage fails commands instead of queueing forever.
import { Redis, type RedisOptions } from "ioredis";

export type { Redis } from "ioredis";

/** Builds a Redis client for `url`; `name` shows up in CLIENT LIST and logs. */
export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: name,
    // Commands queued while disconnected fail after this many reconnect attempts (PITFALLS: unbounded queue).
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    lazyConnect: false,
    // Commands issued in the same tick go out as one write: many sessions share one connection.
    enableAutoPipelining: true,
    ...options,
  });
}
