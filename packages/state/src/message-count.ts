// The count of messages accepted (admin stats): one INCRBY per event-loop turn, applied once even when re-sent.
import { randomUUID } from "node:crypto";
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { keys } from "./keys.js";

/** How long a counter's mark outlives its last batch: far longer than a command may be re-sent (its timeout and retries). */
const MARK_TTL_SECONDS = 3_600;
/** A batch whose call failed (Redis away) goes again after this long, until it is answered. */
export const COUNT_RETRY_MS = 1_000;

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

interface Batch {
  number: number;
  n: number;
}

export class MessageCounter {
  /** This counter's own mark: batches of other processes are numbered apart. */
  private readonly mark = keys.messageCountMark(randomUUID());
  private batches = 0;
  private uncounted = 0;
  /** A batch whose call failed: it may or may not have been applied, so it goes again under its own number. */
  private unanswered: Batch | null = null;
  private counting: Promise<void> | null = null;

  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimCountMessages", { numberOfKeys: 2, lua: COUNT_BATCH });
  }

  /**
   * Counts a stored message: one call per turn for all of them, never awaited by a send (the count is a statistic).
   * A call that fails is made again, alone and under its number, before any later batch: if Redis had applied it,
   * the mark refuses the repeat; if not, its counts are not lost.
   */
  add(): void {
    this.uncounted++;
    this.counting ??= this.flush(nextTurn);
  }

  /** Total messages accepted since the store began (after this counter's pending batch). */
  async total(): Promise<number> {
    await this.counting;
    return Number((await this.redis.get(keys.messageCount)) ?? 0);
  }

  private async flush(wait: () => Promise<void>): Promise<void> {
    await wait();
    const batch = this.unanswered ?? { number: ++this.batches, n: this.uncounted };
    if (!this.unanswered) this.uncounted = 0;
    try {
      await this.redis.cimCountMessages(keys.messageCount, this.mark, String(batch.number), String(batch.n), String(MARK_TTL_SECONDS));
      this.unanswered = null;
    } catch {
      this.unanswered = batch;
    }
    this.counting = null;
    if (this.unanswered) this.counting = this.flush(retryLater);
    else if (this.uncounted > 0) this.counting = this.flush(nextTurn);
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const retryLater = () => new Promise<void>((resolve) => setTimeout(resolve, COUNT_RETRY_MS).unref());
