// Retention by age (CIM_STREAM_MAX_AGE_SECONDS) of conversations and inboxes that have gone quiet: a store trims the
// stream it writes, and only then, so a conversation nobody writes to kept its old messages for ever (history,
// search and catch-up handed them out). The sweep trims every message stream to none older than the limit.
import type { RedisClient } from "./redis.js";
import { conv, user } from "./keys.js";
import { dataNodes } from "./redis.js";

/** The message streams of every conversation and every inbox (SCAN patterns; braces are literal in them). */
export const RETAINED_STREAMS = [conv.messages("*"), user.inbox("*")] as const;

/** Keys asked of each SCAN call, and trimmed per pipeline. */
const SCAN_COUNT = 500;

export interface SweepResult {
  /** Message streams looked at. */
  streams: number;
  /** Entries trimmed, over all of them. */
  trimmed: number;
}

/**
 * Trims every conversation's and inbox's stream to its entries at most `maxAgeSeconds` old at `nowMs` (exactly: an
 * entry's id is its msgId, microseconds since the epoch). SCANs each master of a cluster, one batch of keys at a
 * time (memory stays flat however many there are), and trims through `redis` (each key on its slot's master).
 */
export async function sweepOldMessages(redis: RedisClient, maxAgeSeconds: number, nowMs = Date.now()): Promise<SweepResult> {
  if (maxAgeSeconds <= 0) return { streams: 0, trimmed: 0 };
  const cutoff = `${Math.floor(nowMs - maxAgeSeconds * 1000)}000-0`;
  const result: SweepResult = { streams: 0, trimmed: 0 };
  for (const node of dataNodes(redis)) {
    for (const pattern of RETAINED_STREAMS) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT, "TYPE", "stream");
        cursor = next;
        if (keys.length === 0) continue;
        const trimmed = await Promise.all(keys.map((key) => redis.xtrim(key, "MINID", cutoff)));
        result.streams += keys.length;
        result.trimmed += trimmed.reduce((sum, count) => sum + Number(count), 0);
      } while (cursor !== "0");
    }
  }
  return result;
}
