// The two steps of storing private messages, batched per event-loop turn on a single Redis: the conversation
// stores of every message that arrived in one turn go to Redis as one script call, and so do their inbox appends.
// Each message is still stored before its caller hears back; the scripts run the same per-message steps, in
// arrival order. On a Redis Cluster a script may touch one slot only: there each message keeps its own calls.
import type { RedisClient } from "./redis.js";
import type { InboxStore } from "./inbox.js";
import { channels, user } from "./keys.js";
import { recordFields, type StoredMessage } from "./records.js";
import { inboxWakeTemplate } from "./wake-ups.js";

/** Messages per script call: bounds one call's time in Redis and its argument count. */
const MAX_BATCH = 100;

export interface BatchRetention {
  maxLenPerStream: number;
  maxAgeSeconds: number;
  dedupeTtlSeconds: number;
}

interface Pending<T> {
  keys: string[];
  args: string[];
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Calls queued in one turn, sent at its end (setImmediate: after this turn's socket reads) in calls of MAX_BATCH. */
class TurnQueue<T> {
  private queue: Array<Pending<T>> = [];

  constructor(private readonly call: (keys: string[], args: string[]) => Promise<T[]>) {}

  push(keys: string[], args: string[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ keys, args, resolve, reject });
    });
  }

  private flush(): void {
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const items = all.slice(i, i + MAX_BATCH);
      this.call(items.flatMap((p) => p.keys), items.flatMap((p) => p.args)).then(
        (results) => items.forEach((p, j) => p.resolve(results[j]!)),
        (error: unknown) => items.forEach((p) => p.reject(error)),
      );
    }
  }
}

export class PrivateBatch {
  /** Null when not batching (on a Redis Cluster). */
  private readonly stores: TurnQueue<[string, number]> | null = null;
  private readonly appends: TurnQueue<string> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly retention: BatchRetention,
    private readonly inboxes: InboxStore,
    batch: boolean,
  ) {
    if (!batch) return;
    const common = [String(retention.maxLenPerStream), String(retention.maxAgeSeconds * 1_000_000)];
    this.stores = new TurnQueue(async (keys, args) => {
      const flat = await redis.cimStorePrivateBatch(keys.length, ...keys, ...common, String(retention.dedupeTtlSeconds), ...args);
      const records: Array<[string, number]> = [];
      for (let i = 0; i < flat.length; i += 2) records.push([String(flat[i]), Number(flat[i + 1])]);
      return records;
    });
    this.appends = new TurnQueue((keys, args) => redis.cimAppendInboxBatch(keys.length, ...keys, ...common, channels.gateway(""), ...args));
  }

  /** STORE_PRIVATE for one message: its dedupe record `<msgId>:<ts>`, and 1 when it was stored before. */
  store(stream: string, dedupe: string, fields: string[]): Promise<[string, number]> {
    if (this.stores) return this.stores.push([stream, dedupe], [String(fields.length), ...fields]);
    const { maxLenPerStream, maxAgeSeconds, dedupeTtlSeconds } = this.retention;
    return this.redis.cimStorePrivate(stream, dedupe, String(maxLenPerStream), String(maxAgeSeconds * 1_000_000), String(dedupeTtlSeconds), ...fields);
  }

  /** APPEND_INBOX for one message in `userId`'s inbox (`peer` is the other user of the chat): its inbox position. */
  append(userId: string, peer: string, message: StoredMessage, dev: string): Promise<string> {
    if (!this.appends) return this.inboxes.append(userId, peer, message, dev);
    const fields = recordFields(message, dev);
    return this.appends.push(
      [user.inbox(userId), user.peers(userId), user.gateways(userId)],
      [message.msgId, peer, inboxWakeTemplate(userId, message, dev), String(fields.length), ...fields],
    );
  }
}
