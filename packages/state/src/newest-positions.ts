// The newest entry of many conversation streams at once, for a list ordered by activity: on a single Redis one script
// call per NEWEST_BATCH streams (5,000 separate reads took about 230 ms here, most of it parsing entries whose fields
// are not needed); on a Cluster the streams lie in many slots, so one read each.
import type { ClientContext, Result } from "ioredis";
import { isCluster, type RedisClient } from "./redis.js";
import { newestPosition } from "./stream-reads.js";
import { entryNumber } from "./records.js";

/** Streams per script call: keeps one call short, so it blocks other clients for little time. */
export const NEWEST_BATCH = 500;

// KEYS: the streams (single Redis only: they lie in many slots). ARGV[1]: "+" or the msgId to read at or before.
// Returns each stream's newest entry id at or before it, "" when none.
const NEWEST_POSITIONS = `
local out = {}
for i, key in ipairs(KEYS) do
  local entry = redis.call('XREVRANGE', key, ARGV[1], '-', 'COUNT', 1)[1]
  out[i] = entry and entry[1] or ''
end
return out
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See NEWEST_POSITIONS: `numKeys` streams, then the bound. */
    cimNewestPositions(numKeys: number, ...keysThenBound: string[]): Result<string[], Context>;
  }
}

/** Defines `cimNewestPositions` on `redis` (idempotent). */
export function defineNewestPositions(redis: RedisClient): void {
  redis.defineCommand("cimNewestPositions", { lua: NEWEST_POSITIONS });
}

/** Each stream's newest msgId ("0" when empty or missing), at or before `upTo` when given, in the order of `keys`. */
export async function newestPositions(redis: RedisClient, keys: readonly string[], upTo = "+"): Promise<string[]> {
  if (isCluster(redis)) return Promise.all(keys.map((key) => newestPosition(redis, key, upTo)));
  const batches: Array<Promise<string[]>> = [];
  for (let i = 0; i < keys.length; i += NEWEST_BATCH) {
    const batch = keys.slice(i, i + NEWEST_BATCH);
    batches.push(redis.cimNewestPositions(batch.length, ...batch, upTo));
  }
  return (await Promise.all(batches)).flat().map((id) => (id ? entryNumber(id) : "0"));
}
