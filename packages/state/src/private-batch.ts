// Storing private messages. On a single Redis, every private message that arrived in one event-loop turn is
// stored by one script call: its conversation step, then its recipient's and its sender's inbox appends, each
// wake-up published from the script. One round trip per turn, and each message is still stored (conversation and
// both inboxes) before its caller hears back. On a Redis Cluster a script may touch one slot only: there each
// message takes its own calls, the conversation step and then both inbox steps, each idempotent.
import type { RedisClient } from "./redis.js";
import type { InboxStore } from "./inbox.js";
import { BlockStore, blockRefusal, type BlockRefusal } from "./blocks.js";
import { deletionsKept } from "./deleted-quotes.js";
import { channels, keys as redisKeys, user } from "./keys.js";
import { parseRecord, recordFields, toEntry, type StoredMessage, type StreamEntry } from "./records.js";
import { PRIVATE_WAKE_HEAD, privateWakeTail } from "./wake-ups.js";
import { entryAt } from "./stream-reads.js";

/** STORE_PRIVATE's status for a resend whose message has left its conversation (trimmed). */
const RESENT_TRIMMED = 2;
/** Messages per script call: bounds one call's time in Redis and its argument count. */
const MAX_BATCH = 100;

export interface BatchRetention {
  maxLenPerStream: number;
  maxAgeSeconds: number;
  dedupeTtlSeconds: number;
}

/** Where a stored private message went in its sender's inbox: the entry, and the entry before it ('' unknown). */
export interface OwnInboxEntry {
  entry: string;
  prev: string;
}

/** Where a private message went in both inboxes (entry ids), as the inbox steps were answered. */
export interface InboxEntries {
  /** The recipient's inbox. */
  to: string;
  /** The sender's inbox. */
  from: string;
}

/** A private message stored: its dedupe record `<msgId>:<ts>`, whether it was stored before (a resend), and `own`. */
export interface PrivateStored {
  record: string;
  duplicate: boolean;
  /**
   * Set when the wake-up of the sender's own inbox was not published to the calling gateway (`origin`): the caller
   * offers it to its sessions of the sender itself.
   */
  own?: OwnInboxEntry;
  /**
   * A resend on the unbatched path (a Redis Cluster): the message as its conversation holds it (its text, not the
   * resend's), which its inbox steps noted.
   */
  message?: StoredMessage;
  /** Already added to the admin count of messages by the call that stored it (the batch); else the caller counts it. */
  counted?: boolean;
  /**
   * Set by the unbatched path (a Redis Cluster), whose inbox steps are calls of their own: where each inbox step put
   * the message, for the caller to confirm on the masters serving the inboxes (ReplicaWait).
   */
  inboxes?: InboxEntries;
}

/**
 * Why a private message was refused: the two users block each other (either way), or the recipient's (`gone`) or
 * the sender's (`sender_gone`) account was deleted after the caller checked it.
 */
export type PrivateRefusal = BlockRefusal | "gone" | "sender_gone";

/** A private message refused: nothing was stored (on a Redis Cluster, see `PrivateBatch.store`). */
export interface PrivateRefused {
  refused: PrivateRefusal;
}

/** The refusal of a batch script's status (negative: refused), undefined for a message stored. */
function refusalOf(status: number): PrivateRefusal | undefined {
  return status === -3 ? "gone" : status === -4 ? "sender_gone" : blockRefusal(-status);
}

/** One private message to store: its conversation keys and its record (no msgId, no ts yet). */
export interface PrivateRecord {
  stream: string;
  dedupe: string;
  message: Omit<StoredMessage, "msgId" | "ts">;
  dev: string;
  /** The conversation's note sets, which an edit or a deletion is noted in by the step that stores it (note_event). */
  notes: { deletions: string; edits: string };
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
      const keys: string[] = [];
      const args: string[] = [];
      for (const item of items) {
        for (const key of item.keys) keys.push(key);
        for (const arg of item.args) args.push(arg);
      }
      this.call(keys, args).then(
        (results) => items.forEach((p, j) => p.resolve(results[j]!)),
        (error: unknown) => items.forEach((p) => p.reject(error)),
      );
    }
  }
}

export class PrivateBatch {
  /** Null when not batching (on a Redis Cluster). */
  private readonly turn: TurnQueue<PrivateStored | PrivateRefused> | null = null;
  private readonly blocks: BlockStore;
  /** How many notes an edit's or a deletion's set keeps (deletionsKept). */
  private readonly notesKept: string;

  /** `origin`: the id of the gateway storing, whose own sessions it wakes itself (`own`); "" for none (route). */
  constructor(
    private readonly redis: RedisClient,
    private readonly retention: BatchRetention,
    private readonly inboxes: InboxStore,
    batch: boolean,
    origin = "",
  ) {
    this.blocks = new BlockStore(redis);
    this.notesKept = String(deletionsKept(retention.maxLenPerStream));
    if (!batch) return;
    const common = [String(retention.maxLenPerStream), String(retention.maxAgeSeconds * 1_000_000), String(retention.dedupeTtlSeconds), channels.gateway(""), origin, this.notesKept, ...PRIVATE_WAKE_HEAD];
    this.turn = new TurnQueue(async (keys, args) => {
      const flat = await redis.cimStorePrivateAllBatch(keys.length + 1, redisKeys.messageCount, ...keys, ...common, ...args);
      const stored: Array<PrivateStored | PrivateRefused> = [];
      for (let i = 0; i < flat.length; i += 4) {
        const refused = refusalOf(Number(flat[i + 1]));
        if (refused) {
          stored.push({ refused });
          continue;
        }
        const result: PrivateStored = { record: String(flat[i]), duplicate: Number(flat[i + 1]) === 1, counted: true };
        // None for a resend whose conversation lost it: nothing was noted.
        if (origin && flat[i + 2] !== "") result.own = { entry: String(flat[i + 2]), prev: String(flat[i + 3]) };
        stored.push(result);
      }
      return stored;
    });
  }

  /**
   * Stores a private message in its conversation and in both inboxes, and wakes their readers (a resend redoes the
   * inbox steps, idempotent). Refused, with nothing stored, between users who block each other: the batch checks
   * inside its script, the unbatched path with one read on the sender's tag before the conversation step. Refused too
   * when either account is gone (its deletion mark, `user.gone`): the batch checks both in its script, the unbatched
   * path before the conversation step (the recipient's mark) and again in each inbox step, so no key of a deleted user
   * is written again; there a deletion between the two leaves the message in the conversation and the other inbox.
   */
  async store(record: PrivateRecord): Promise<PrivateStored | PrivateRefused> {
    const { stream, dedupe, message, dev, notes } = record;
    const fields = recordFields(message, dev);
    const noted = Boolean(message.editOf);
    if (this.turn) {
      const { from, to } = message;
      const keys = [stream, dedupe, user.inbox(to), user.inboxLast(to), user.peers(to), user.gateways(to), user.inbox(from), user.inboxLast(from), user.peers(from), user.gateways(from), user.blocks(from), user.blockedBy(from), user.gone(to), user.gone(from), user.inboxLate(to), user.inboxLate(from)];
      // An edit or a deletion: its note sets follow its keys, which its negative field count says.
      if (noted) keys.push(notes.deletions, notes.edits);
      return this.turn.push(keys, [from, to, privateWakeTail(message, dev), String(noted ? -fields.length : fields.length), ...fields]);
    }
    // The recipient's deletion mark is read beside the block check (another slot, in parallel): a message to a user
    // deleted by now is refused before the conversation step, as the batch does. Deleted after this read, the
    // inbox step still refuses to write the user's keys, and the conversation and the sender's inbox keep it.
    const [refused, gone] = await Promise.all([this.blocks.refusal(message.from, message.to), this.redis.exists(user.gone(message.to))]);
    if (gone === 1) return { refused: "gone" };
    if (refused) return { refused };
    const { maxLenPerStream, maxAgeSeconds, dedupeTtlSeconds } = this.retention;
    const [stored, status, ...kept] = await this.redis.cimStorePrivate(
      stream, dedupe, notes.deletions, notes.edits,
      String(maxLenPerStream), String(maxAgeSeconds * 1_000_000), String(dedupeTtlSeconds), noted ? this.notesKept : "", ...fields,
    );
    // A resend whose message has left its conversation (trimmed): nothing is left to note in the inboxes.
    if (status === RESENT_TRIMMED) return { record: stored, duplicate: true };
    // A resend notes the message as its conversation holds it, whatever text the resend carries.
    const full: StreamEntry = status === 1 ? toEntry(`${parseRecord(stored).msgId}-0`, kept) : { position: "", message: { ...message, ...parseRecord(stored) }, dev };
    // An edit, deletion or reaction: its message is noted first in an inbox that lacks it (APPEND_INBOX, `needs`).
    const target = full.message.editOf || full.message.reactTo;
    const names = target ? { msgId: target, read: () => entryAt(this.redis, stream, target) } : undefined;
    // The recipient's devices, and the sender's other devices. Each step is idempotent: a resend redoes them.
    const [theirs, own] = await Promise.all([
      this.inboxes.append(message.to, message.from, full.message, full.dev, names),
      this.inboxes.append(message.from, message.to, full.message, full.dev, names),
    ]);
    if (!theirs) return { refused: "gone" };
    if (!own) return { refused: "sender_gone" };
    const result: PrivateStored = { record: stored, duplicate: status === 1, inboxes: { to: theirs, from: own } };
    if (status === 1) result.message = full.message;
    return result;
  }
}
