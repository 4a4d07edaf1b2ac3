// A safety net for sharded pub/sub on a Redis Cluster: ioredis re-subscribes after a failover or a slot move, and
// this checks that it did. Every interval it asks the shard that owns a canary channel (one only this subscriber
// listens to: a gateway's own) how many subscribers it has (PUBSUB SHARDNUMSUB on its master and replicas); after
// two misses in a row it subscribes every channel again and reports it, so the caller wakes its readers (what was
// published meanwhile is in the streams).
import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { isCluster, subscribe, type RedisClient } from "./redis.js";

export interface BusWatchdogOptions {
  /** Commands (PUBSUB SHARDNUMSUB goes to the canary's master). */
  redis: RedisClient;
  /** The sharded subscriber whose channels are checked. */
  subscriber: RedisClient;
  /** A channel no one else subscribes to. */
  canary: string;
  /** Every channel the subscriber should hold now (subscribed again on a miss). */
  channels: () => readonly string[];
  onResubscribed: () => void;
  onError: (error: unknown) => void;
  intervalMs?: number;
}

/** Misses in a row before re-subscribing: one may fall inside ioredis' own re-subscription. */
const MISSES = 2;

export class BusWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private misses = 0;
  private checking = false;

  constructor(private readonly options: BusWatchdogOptions) {}

  /** Starts checking; does nothing on a single node (a reconnect there re-subscribes and says "ready"). */
  start(): void {
    if (!isCluster(this.options.subscriber)) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check (exposed for tests); resolves with true when it re-subscribed. */
  async check(): Promise<boolean> {
    const { redis, subscriber, canary } = this.options;
    if (this.checking || !isCluster(redis) || redis.status !== "ready" || subscriber.status !== "ready") return false;
    this.checking = true;
    try {
      const shard = shardOf(redis, canary);
      if (shard.length === 0) return false;
      // The whole shard: a master paused past cluster-node-timeout comes back as a replica still holding the
      // subscriptions it had, and Redis sends a shard's messages to its replicas' subscribers too. Counting the
      // master alone took that for a miss and subscribed again (and woke every reader) every other check for good.
      const counts = await Promise.all(shard.map(async (node) => ((await node.call("PUBSUB", "SHARDNUMSUB", canary)) as [string, number])[1]));
      if (counts.some((count) => Number(count) > 0)) {
        this.misses = 0;
        return false;
      }
      if (++this.misses < MISSES) return false;
      this.misses = 0;
      await subscribe(subscriber, ...this.options.channels());
      this.options.onResubscribed();
      return true;
    } catch (error) {
      this.options.onError(error);
      return false;
    } finally {
      this.checking = false;
    }
  }
}

/** The connections to the master serving `key`'s slot and to its replicas (ioredis' slot map), live ones only. */
function shardOf(client: Cluster, key: string): Redis[] {
  const members = client.slots[calculateSlot(key)] ?? [];
  return client.nodes("all").filter((node) => members.includes(`${node.options.host}:${node.options.port}`) && node.status !== "end");
}
