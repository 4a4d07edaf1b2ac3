// Durability of acknowledged messages across a Redis failover: with CIM_REDIS_WAIT_REPLICAS > 0 a message is
// acknowledged (a gateway's SendAck, route's 202 to POST /api/messages) only after WAIT says that many replicas hold
// its writes, or the timeout passed (then it is acknowledged anyway, counted and logged: the message is stored on the
// master, only less safely). A master demoted meanwhile (a replica promoted over it) has lost what no replica had:
// that send fails (ReplicaWaitError), and is resent.
import { FailureLog, type FailureLogger } from "./failure-log.js";
import { conv, user } from "./keys.js";
import type { InboxEntries } from "./private-batch.js";
import type { StoredMessage } from "./records.js";
import { entryAt } from "./stream-reads.js";
import { isCluster, waitForReplicasOf, type RedisClient } from "./redis.js";

export interface ReplicaWaitOptions {
  /** Replicas that must hold a message's writes before it is acknowledged; 0 turns waiting off. */
  replicas: number;
  timeoutMs: number;
}

/** What the wait reports to the app's metrics (prom-client's Counter and Histogram fit). */
export interface ReplicaWaitMetrics {
  replicaWaitShortfalls: { inc(): void };
  replicaWaitSeconds: { startTimer(): () => unknown };
}

/** The app's logger (pino's fits). */
export type ReplicaWaitLog = FailureLogger;

/** The message is not acknowledged: the master that stored it lost it, or may have. Resend it with its clientMsgId. */
export class ReplicaWaitError extends Error {
  override readonly name = "ReplicaWaitError";
}

export class ReplicaWait {
  /** Shortfalls are counted each and logged once per window, the next line saying how many it left out. */
  private readonly shortfalls: FailureLog;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: ReplicaWaitOptions,
    private readonly metrics: ReplicaWaitMetrics,
    log: ReplicaWaitLog,
  ) {
    this.shortfalls = new FailureLog(log);
  }

  get enabled(): boolean {
    return this.options.replicas > 0;
  }

  /**
   * Waits until the keys `message` was written to (its conversation, and both inboxes of a private one) are
   * replicated; throws ReplicaWaitError when the message is not on the master that serves its conversation now (not
   * acknowledged: the client resends it, and the resend is stored once), or the error of a WAIT that failed (Redis
   * unreachable: isRedisUnavailable). `clientMsgId` names its dedupe record. On a cluster, `inboxes` (the store's
   * answer for a private message) are checked the same way: a message whose inbox entry the master serving that inbox
   * now does not hold is not acknowledged either (its resend redoes the inbox step).
   */
  async confirm(message: StoredMessage, clientMsgId: string, inboxes?: InboxEntries): Promise<void> {
    if (!this.enabled) return;
    const convKey = conv.ofMessage(message.from, message.to, message.room);
    const written = message.to ? [conv.messages(convKey), user.inbox(message.to), user.inbox(message.from)] : [conv.messages(convKey)];
    const timer = this.metrics.replicaWaitSeconds.startTimer();
    const { replicas: reached, demoted } = await waitForReplicasOf(this.redis, written, this.options.replicas, this.options.timeoutMs);
    timer();
    if (demoted) {
      this.metrics.replicaWaitShortfalls.inc();
      throw new ReplicaWaitError(`message ${message.msgId} not acknowledged: the master that stored it was demoted before a replica had it, resend`);
    }
    // On a cluster WAIT goes to the master of the slot as ioredis knows it now, and counts that connection's writes
    // only. The store may have been answered by another node: a master paused past cluster-node-timeout takes the
    // writes queued for it when it wakes, before it learns that its replica took over, and is then demoted and
    // resynced without them. Its answer looked like any other and WAIT asked the new master: the message was lost.
    if (isCluster(this.redis)) {
      // The inbox steps went to other masters (the users' slots), each of which may have been the demoted one.
      const [record, ...inInboxes] = await Promise.all([
        this.redis.get(conv.dedupe(convKey, message.from, clientMsgId)),
        ...(message.to && inboxes ? [this.inboxHolds(message.to, inboxes.to, message.msgId), this.inboxHolds(message.from, inboxes.from, message.msgId)] : []),
      ]);
      if (record !== `${message.msgId}:${message.ts}`) {
        this.metrics.replicaWaitShortfalls.inc();
        throw new ReplicaWaitError(`message ${message.msgId} not acknowledged: the master serving its conversation now does not hold it (a master demoted since stored it), resend`);
      }
      if (inInboxes.includes(false)) {
        this.metrics.replicaWaitShortfalls.inc();
        throw new ReplicaWaitError(`message ${message.msgId} not acknowledged: the master serving an inbox it went to now does not hold it there (a master demoted since stored it), resend`);
      }
    }
    if (reached < this.options.replicas) {
      this.metrics.replicaWaitShortfalls.inc();
      // A node without its replica falls short on every Send, without waiting (waitOnNode): one line per window.
      const fields = { msgId: message.msgId, replicas: reached, wanted: this.options.replicas, timeoutMs: this.options.timeoutMs };
      this.shortfalls.throttled("replica shortfall", fields, "acknowledging a message fewer replicas hold than CIM_REDIS_WAIT_REPLICAS asks: a failover now could lose it");
    }
  }

  /** True when `userId`'s inbox holds message `msgId` at `entry` (an inbox step's answer). */
  private async inboxHolds(userId: string, entry: string, msgId: string): Promise<boolean> {
    return (await entryAt(this.redis, user.inbox(userId), entry))?.message.msgId === msgId;
  }
}
