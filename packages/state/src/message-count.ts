// The count of messages accepted (admin stats): one INCRBY per event-loop turn, applied once even when re-sent.
import { randomUUID } from "node:crypto";
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { keys } from "./keys.js";

/** How long a counter's mark outlives its last batch: far longer than a command may be re-sent (its timeout and retries). */
const MARK_TTL_SECONDS = 3_600;

// KEYS: the count, this counter's mark (one slot: the mark's hash tag is the count's name). ARGV: the batch's number,
// how many messages, the mark's lifetime. Adds a batch numbered above the mark only: ioredis re-sends unanswered
// commands after a reconnect, and one that Redis had applied would count twice (PITFALLS). A counter's batches go out
// in order on one connection, so those applied are the first ones; a re-sent one that was not applied still counts.
const COUNT_BATCH = `
if tonumber(ARGV[1]) <= tonumber(redis.call('GET', KEYS[2]) or '0') then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
redis.call('INCRBY', KEYS[1], ARGV[2])
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See COUNT_BATCH. */
    cimCountMessages(count: string, mark: string, batch: string, n: string, ttlSeconds: string): Result<number, Context>;
  }
}

export class MessageCounter {
  /** This counter's own mark: batches of other processes are numbered apart. */
  private readonly mark = keys.messageCountMark(randomUUID());
  private batches = 0;
  private uncounted = 0;
  private counting: Promise<void> | null = null;

  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimCountMessages", { numberOfKeys: 2, lua: COUNT_BATCH });
  }

  /**
   * Counts a stored message: one call per turn for all of them, never awaited by a send (the count is a statistic;
   * a failed call loses those counts, not messages).
   */
  add(): void {
    this.uncounted++;
    this.counting ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const n = this.uncounted;
      this.uncounted = 0;
      this.counting = null;
      await this.redis.cimCountMessages(keys.messageCount, this.mark, String(++this.batches), String(n), String(MARK_TTL_SECONDS)).catch(() => undefined);
    });
  }

  /** Total messages accepted since the store began (after this counter's pending batch). */
  async total(): Promise<number> {
    await this.counting;
    return Number((await this.redis.get(keys.messageCount)) ?? 0);
  }
}
