// What a user's private peers confirmed (delivered, read), kept on the user's tag so every device of the user can
// be told after a (re)connect: a receipt lost on the bus is not lost.
import type { RedisClient } from "./redis.js";
import { defineForwardField } from "./forward-field.js";
import { user } from "./keys.js";

/** Peers whose receipts a login is told, the most recent first. */
export const RECEIPT_PEERS_AT_LOGIN = 100;

/** A peer's confirmations of the user's messages in their chat: msgIds, "" when none. */
export interface PeerReceipts {
  peer: string;
  delivered: string;
  read: string;
}

export class ReceiptStore {
  constructor(private readonly redis: RedisClient) {
    defineForwardField(redis);
  }

  /** `peer` received `sender`'s messages up to `msgId` (forward only); true when that is news. */
  async delivered(sender: string, peer: string, msgId: string): Promise<boolean> {
    return (await this.redis.cimSetForward(user.receipts(sender), user.gone(sender), `d:${peer}`, msgId)) === 1;
  }

  /** `peer` read its chat with `sender` up to `msgId` (forward only); true when that is news. */
  async read(sender: string, peer: string, msgId: string): Promise<boolean> {
    return (await this.redis.cimSetForward(user.receipts(sender), user.gone(sender), `r:${peer}`, msgId)) === 1;
  }

  /** The receipts of the user's `limit` most recent private peers that confirmed anything. */
  async recent(userId: string, limit = RECEIPT_PEERS_AT_LOGIN): Promise<PeerReceipts[]> {
    const peers = await this.redis.zrevrange(user.peers(userId), 0, limit - 1);
    if (peers.length === 0) return [];
    const values = await this.redis.hmget(user.receipts(userId), ...peers.flatMap((peer) => [`d:${peer}`, `r:${peer}`]));
    return peers
      .map((peer, i) => ({ peer, delivered: values[2 * i] ?? "", read: values[2 * i + 1] ?? "" }))
      .filter((r) => r.delivered || r.read);
  }
}
