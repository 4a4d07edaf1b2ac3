// A user's inbox: every private message to or from the user, the feed its devices read from their own
// positions (entry ids), and the position they acknowledged with Delivered.
import { isCluster, publish, type RedisClient } from "./redis.js";
import { compareIds } from "@cim/protocol";
import { channels, user } from "./keys.js";
import { defineMessageScripts } from "./message-scripts.js";
import { entryNumber, recordFields, toEntry, type StoredMessage, type StreamEntry } from "./records.js";
import { asReadNow } from "./edited-texts.js";
import { entryAt, newestPosition, readAfter, trimmedAfter } from "./stream-reads.js";
import { inboxWakeTemplate } from "./wake-ups.js";

/** APPEND_INBOX's answer for an event whose message the inbox lacks. */
const NEEDS_MESSAGE = "needs";
/** Inbox entries after a msgId searched for the one holding it (see INBOX_LOOKAHEAD in message-scripts.ts). */
const LOOKAHEAD = 100;

export interface Retention {
  /** Approximate number of entries kept per stream. */
  maxLenPerStream: number;
  /** Entries older than this are trimmed (0 keeps them until maxLen applies). */
  maxAgeSeconds: number;
}

/** How a read of a stream hands its entries out. */
export interface ReadOptions {
  /** Exactly as stored (deleted messages' text included): for checks of what the stream holds, never for clients. */
  asStored?: boolean;
}

/**
 * The message an edit, deletion or reaction names (`msgId`), and how to read it from its conversation when the inbox
 * does not hold it yet (undefined: no longer there).
 */
export interface NamedMessage {
  msgId: string;
  read: () => Promise<StreamEntry | undefined>;
}

export class InboxStore {
  constructor(private readonly redis: RedisClient, private readonly retention: Retention) {
    defineMessageScripts(redis);
  }

  /**
   * Notes a stored private message in `userId`'s inbox (`peer` is the other user of the chat) unless it holds it
   * already, and wakes the user's gateways. Returns the inbox position of the message; "" when the user's account
   * is gone (deleted since the caller checked it): nothing is written then. On a Redis Cluster the position is not
   * older than the inbox's master's clock (see APPEND_INBOX: entries a failover lost stay behind it). With `names`
   * (an event's message, on a Redis Cluster), that message is noted first when the inbox lacks it: the recipient's
   * devices never get an edit, deletion or reaction before the message it changes.
   */
  async append(userId: string, peer: string, message: StoredMessage, dev: string, names?: NamedMessage): Promise<string> {
    const { maxLenPerStream, maxAgeSeconds } = this.retention;
    const [entry, wake, ...gateways] = await this.redis.cimAppendInbox(
      user.inbox(userId), user.inboxLast(userId), user.peers(userId), user.gateways(userId), user.gone(userId), user.inboxLate(userId), user.inboxLastMsg(userId),
      message.msgId, peer, String(maxLenPerStream), String(maxAgeSeconds * 1_000_000),
      inboxWakeTemplate(userId, message, dev), isCluster(this.redis) ? "1" : "0", names?.msgId ?? "", ...recordFields(message, dev),
    );
    if (entry === "" && wake === NEEDS_MESSAGE && names) {
      // Its message's own inbox step is not done yet (on its way, or its gateway died): noted here first, as stored.
      const named = await names.read();
      if (named && (await this.append(userId, peer, named.message, named.dev)) === "") return "";
      return this.append(userId, peer, message, dev);
    }
    if (!entry || wake === undefined) return "";
    await Promise.all(gateways.map((gateway) => publish(this.redis, channels.gateway(gateway), wake)));
    return entry;
  }

  /**
   * Entries after inbox position `after` ("0": from the start), oldest first: a message deleted by then (and its
   * edits) with `text: ""`, a reply's quote of one too (blankDeletedInRead); an edited message and its earlier edits
   * with its newest edit's text, a quote of it too (asReadNow). With `asStored` (a check of what the inbox holds,
   * never handed out) as stored. A read to the inbox's end holds every edit and deletion of its messages (an entry's
   * id is never older than its msgId, and an event is newer than its message), but of a message older than `after`:
   * one put after its own event (its inbox step done late, by a resend), whose event may lie before `after`. A read
   * holding one asks the conversations' sets.
   */
  async read(userId: string, after: string, count: number, options: ReadOptions = {}): Promise<StreamEntry[]> {
    const entries = await readAfter(this.redis, user.inbox(userId), after, count);
    if (!options.asStored) await asReadNow(this.redis, entries, entries.length < count && !entries.some((entry) => compareIds(entry.message.msgId, after || "0") <= 0));
    return entries;
  }

  /** The newest inbox position, "0" when the inbox is empty. */
  newest(userId: string): Promise<string> {
    return newestPosition(this.redis, user.inbox(userId));
  }

  /** True when entries after `after` may have been trimmed away. */
  trimmedAfter(userId: string, after: string): Promise<boolean> {
    return trimmedAfter(this.redis, user.inbox(userId), after);
  }

  /**
   * The inbox position of the entry holding `msgId` (a client's last private msgId): the msgId itself, or a
   * little past it when the inbox had a newer entry. `msgId` itself when no entry holds it (trimmed, unknown).
   */
  async positionOf(userId: string, msgId: string): Promise<string> {
    if (msgId === "0") return "0";
    // The entry at msgId first, as the receipt script does: a device back from far behind would copy the 100 after it.
    for (const count of [1, LOOKAHEAD]) {
      const entries = await this.redis.xrange(user.inbox(userId), `${msgId}-0`, "+", "COUNT", count).catch(() => []);
      const found = entries.find(([id, fields]) => toEntry(id, fields).message.msgId === msgId);
      if (found) return entryNumber(found[0]);
    }
    // Put further past its msgId (see APPEND_INBOX's late index).
    const at = await this.redis.hget(user.inboxLate(userId), msgId).catch(() => null);
    if (at && (await this.msgIdAt(userId, at)) === msgId) return at;
    // Trimmed: the oldest entry left names the newest trimmed one (prev) and, where that one's id was not its msgId (a
    // Redis Cluster's inbox), its msgId (prevMsg): a device standing there lost nothing, and trimmedAfter says so.
    const oldest = (await this.redis.xrange(user.inbox(userId), "-", "+", "COUNT", 1).catch(() => []))[0]?.[1] ?? [];
    const named = (name: string) => {
      for (let i = 0; i + 1 < oldest.length; i += 2) if (oldest[i] === name) return oldest[i + 1];
      return undefined;
    };
    const newestTrimmed = named("prev");
    if (newestTrimmed && named("prevMsg") === msgId) return newestTrimmed;
    // None left after it (the sweep emptied the inbox): the newest entry's msgId, kept on a cluster beside its id.
    const [entry, newestMsgId] = ((await this.redis.get(user.inboxLastMsg(userId)).catch(() => null)) ?? "").split(":");
    if (entry && newestMsgId === msgId) return entry;
    return msgId;
  }

  /** The msgId of the entry at inbox position `position`; the position itself when there is none. */
  async msgIdAt(userId: string, position: string): Promise<string> {
    if (position === "0") return "0";
    return (await entryAt(this.redis, user.inbox(userId), position))?.message.msgId ?? position;
  }

  /**
   * The inbox position the user's devices acknowledged, "0" when none. A position past the newest entry cannot
   * come from a receipt of ours (it was forged before receipts were checked): the newest entry is used instead.
   */
  async acknowledged(userId: string): Promise<string> {
    const [acked, newest] = await Promise.all([this.redis.get(user.acked(userId)), this.newest(userId)]);
    if (!acked) return "0";
    return compareIds(acked, newest) > 0 ? newest : acked;
  }

  /**
   * Records that `userId`'s devices received private message `msgId`, and everything before it in the inbox:
   * only when the inbox holds it and, when `from` is given (a client's receipt always names it), it was sent by
   * `from`. False (nothing changed) otherwise: a forged receipt, or one for a message trimmed away since.
   */
  async acknowledge(userId: string, msgId: string, from = ""): Promise<boolean> {
    return (await this.acknowledgeFrom(userId, msgId, from)) !== null;
  }

  /** As `acknowledge`; the sender of `msgId` when it counted (a receipt of the first protocol names none), else null. */
  async acknowledgeFrom(userId: string, msgId: string, from = ""): Promise<string | null> {
    const sender = await this.redis.cimAcknowledge(user.inbox(userId), user.acked(userId), user.inboxLate(userId), msgId, from);
    return typeof sender === "string" && sender !== "" ? sender : null;
  }
}
