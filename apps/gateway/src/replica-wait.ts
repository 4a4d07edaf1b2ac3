// Durability of acknowledged messages across a Redis failover: with CIM_REDIS_WAIT_REPLICAS > 0 a Send is
// acknowledged only after WAIT says that many replicas hold its writes, or the timeout passed (then it is
// acknowledged anyway, counted and logged: the message is stored on the master, only less safely). A master
// demoted meanwhile (a replica promoted over it) has lost what no replica had: that Send fails, and is resent.
import type { Logger } from "pino";
import { ErrorCode, EVERYONE_ROOM } from "@cim/protocol";
import { conv, isCluster, user, waitForReplicasOf, type RedisClient, type StoredMessage } from "@cim/state";
import { GatewayError } from "./errors.js";
import type { GatewayMetrics } from "./metrics.js";

export interface ReplicaWaitOptions {
  /** Replicas that must hold a message's writes before its SendAck; 0 turns waiting off. */
  replicas: number;
  timeoutMs: number;
  /**
   * A private message's conversation write is confirmed by `confirmConversation` before its inbox steps (the message
   * store's beforeInboxes on a cluster): `confirm` then waits for its inboxes only.
   */
  conversationFirst?: boolean;
}

/** Inbox entries after a msgId searched for the one holding it (as the store's scripts do). */
const INBOX_LOOKAHEAD = 100;

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

  /**
   * Waits until the keys `message` was written to (its conversation, and both inboxes of a private one) are
   * replicated; throws when the message is not on the master that serves them now (not acknowledged: the client
   * resends it, and the resend is stored once). `clientMsgId` names its dedupe record.
   */
  async confirm(message: StoredMessage, clientMsgId: string): Promise<void> {
    if (!this.enabled) return;
    const convKey = message.to ? conv.ofPair(message.from, message.to) : conv.ofRoom(message.room || EVERYONE_ROOM);
    const dedupeKey = conv.dedupe(convKey, message.from, clientMsgId);
    if (!message.to) return this.check(message, [conv.messages(convKey)], { dedupeKey });
    const inboxes = [message.to, message.from];
    if (this.options.conversationFirst) return this.check(message, inboxes.map(user.inbox), { inboxes });
    return this.check(message, [conv.messages(convKey), ...inboxes.map(user.inbox)], { dedupeKey, inboxes });
  }

  /** The conversation step of a private message, before its inbox steps (see conversationFirst). */
  async confirmConversation(message: StoredMessage, dedupeKey: string): Promise<void> {
    if (!this.enabled) return;
    await this.check(message, [conv.messages(conv.ofPair(message.from, message.to))], { dedupeKey });
  }

  private async check(message: StoredMessage, written: string[], held: { dedupeKey?: string; inboxes?: string[] }): Promise<void> {
    const timer = this.metrics.replicaWaitSeconds.startTimer();
    const { replicas: reached, demoted } = await waitForReplicasOf(this.redis, written, this.options.replicas, this.options.timeoutMs);
    timer();
    if (demoted) {
      this.metrics.replicaWaitShortfalls.inc();
      throw new GatewayError(ErrorCode.Unavailable, `message ${message.msgId} not acknowledged: the master that stored it was demoted before a replica had it, resend`);
    }
    // On a cluster WAIT goes to the master of the slot as ioredis knows it now, and counts that connection's writes
    // only. The store may have been answered by another node: a master paused past cluster-node-timeout takes the
    // writes queued for it when it wakes, before it learns that its replica took over, and is then demoted and
    // resynced without them. Its answer looked like any other and WAIT asked the new master: the message was lost.
    if (isCluster(this.redis) && !(await this.held(message, held))) {
      this.metrics.replicaWaitShortfalls.inc();
      throw new GatewayError(ErrorCode.Unavailable, `message ${message.msgId} not acknowledged: the master serving it now does not hold it (a master demoted since stored it), resend`);
    }
    if (reached < this.options.replicas) {
      this.metrics.replicaWaitShortfalls.inc();
      this.log.warn({ msgId: message.msgId, replicas: reached, wanted: this.options.replicas, timeoutMs: this.options.timeoutMs }, "acknowledging a message fewer replicas hold than CIM_REDIS_WAIT_REPLICAS asks: a failover now could lose it");
    }
  }

  /** True when the masters serving them now hold the message: its dedupe record, and an entry in each inbox. */
  private async held(message: StoredMessage, { dedupeKey, inboxes = [] }: { dedupeKey?: string; inboxes?: string[] }): Promise<boolean> {
    const checks = inboxes.map(async (userId) => {
      const entries = await this.redis.xrange(user.inbox(userId), `${message.msgId}-0`, "+", "COUNT", INBOX_LOOKAHEAD);
      return entries.some(([, fields]) => fields[fields.indexOf("msgId") + 1] === message.msgId);
    });
    if (dedupeKey) checks.push(this.redis.get(dedupeKey).then((record) => record === `${message.msgId}:${message.ts}`));
    return (await Promise.all(checks)).every(Boolean);
  }
}
