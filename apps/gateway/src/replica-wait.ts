// Durability of acknowledged messages across a Redis failover: with CIM_REDIS_WAIT_REPLICAS > 0 a Send is
// acknowledged only after WAIT says that many replicas hold its writes, or the timeout passed (then it is
// acknowledged anyway, counted and logged: the message is stored on the master, only less safely).
import type { Logger } from "pino";
import { EVERYONE_ROOM } from "@cim/protocol";
import { conv, user, waitForReplicasOf, type RedisClient, type StoredMessage } from "@cim/state";
import type { GatewayMetrics } from "./metrics.js";

export interface ReplicaWaitOptions {
  /** Replicas that must hold a message's writes before its SendAck; 0 turns waiting off. */
  replicas: number;
  timeoutMs: number;
}

export class ReplicaWait {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: ReplicaWaitOptions,
    private readonly metrics: Pick<GatewayMetrics, "replicaWaitShortfalls" | "replicaWaitSeconds">,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.options.replicas > 0;
  }

  /** Waits until the keys `message` was written to (its conversation, and both inboxes of a private one) are replicated. */
  async confirm(message: StoredMessage): Promise<void> {
    if (!this.enabled) return;
    const written = message.to
      ? [conv.messages(conv.ofPair(message.from, message.to)), user.inbox(message.to), user.inbox(message.from)]
      : [conv.messages(conv.ofRoom(message.room || EVERYONE_ROOM))];
    const timer = this.metrics.replicaWaitSeconds.startTimer();
    const reached = await waitForReplicasOf(this.redis, written, this.options.replicas, this.options.timeoutMs);
    timer();
    if (reached < this.options.replicas) {
      this.metrics.replicaWaitShortfalls.inc();
      this.log.warn({ msgId: message.msgId, replicas: reached, wanted: this.options.replicas, timeoutMs: this.options.timeoutMs }, "acknowledging a message fewer replicas hold than CIM_REDIS_WAIT_REPLICAS asks: a failover now could lose it");
    }
  }
}
