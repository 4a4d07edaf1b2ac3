// Messages per conversation: storing in idempotent steps of one slot each, history, unread counts, and the
// reads of room streams that delivery needs (a private message's recipient checks: recipient-checks.ts). msgIds increase
// within a conversation; no global counter.
import { isCluster, publish, type RedisClient } from "./redis.js";
import { EVERYONE_ROOM } from "@cim/protocol";
import { channels, conv } from "./keys.js";
import { defineMessageScripts } from "./message-scripts.js";
import { checkTargets, isResendOf, noneForRefusedId, type TargetRefusal } from "./message-targets.js";
import { quoteFields, type QuoteFields } from "./quote-excerpt.js";
import { blankDeletedMessages, blankDeletedQuotes } from "./deleted-quotes.js";
import { deletionsKept } from "./deleted-quotes.js";
import { asReadNow, newestTexts } from "./edited-texts.js";
import { conversationKey, eventFields, parseRecord, recordFields, toEntry, type StoredMessage, type StreamEntry } from "./records.js";
import type { BlockRefusal } from "./blocks.js";
import { InboxStore, type ReadOptions } from "./inbox.js";
import { MessageCounter } from "./message-count.js";
import { PrivateBatch, type InboxEntries, type OwnInboxEntry } from "./private-batch.js";
import { newestPosition, readAfter, trimmedAfter } from "./stream-reads.js";
import { newestWithPreview, type NewestEntries } from "./previews.js";
import { defineNewestPositions, newestPositions } from "./newest-positions.js";
import { roomWakeTemplate } from "./wake-ups.js";
import { RecipientChecks } from "./recipient-checks.js";
import { countUnreadIn } from "./unread-count.js";

export type { StoredMessage, StreamEntry } from "./records.js";
export { ACCOUNT_KNOWN_MS, NO_CONVERSATION_KNOWN_MS } from "./recipient-checks.js";
export { UNREAD_SCAN } from "./unread-count.js";

/** A message of a history page: `sentHere` on the reader's own messages whose record names the device that sent it. */
export type HistoryMessage = StoredMessage & { sentHere?: boolean };

export interface MessageStoreOptions {
  /** Approximate number of messages kept per stream. */
  maxLenPerStream: number;
  /** Messages older than this are trimmed (0 keeps them until maxLen applies). */
  maxAgeSeconds: number;
  /** How long a clientMsgId is remembered for dedupe. */
  dedupeTtlSeconds: number;
  /**
   * Stores the private messages of one event-loop turn with one script call (see PrivateBatch). Such a call spans
   * slots: the default is on for a single Redis, off for an ioredis Cluster.
   */
  batchPrivate?: boolean;
  /**
   * The gateway this store serves. With batching, the wake-up of a sender's own inbox is then not published to it:
   * the result's `ownInbox` says where the message went there, and the gateway offers it to its sessions itself.
   */
  gatewayId?: string;
  /**
   * How long an account found is taken to exist without asking Redis again (ACCOUNT_KNOWN_MS). A process that hears
   * account deletions on the bus (a gateway) calls `forgetAccount`, and this is only the safety net for a lost bus
   * message; one that does not (route) sets 0 and asks at every private send.
   */
  accountKnownMs?: number;
  /**
   * Private conversations one user may start per hour with users it has no conversation with yet (neither wrote to
   * the other); more are refused `too_many_new_peers`. 0: no limit. Each new pair costs a stream (about 4.7 KB) and an
   * entry in both users' lists: without it one account could open one with every account, at its send rate.
   */
  newPeersPerHour?: number;
}

const DEFAULTS: MessageStoreOptions = { maxLenPerStream: 10_000, maxAgeSeconds: 0, dedupeTtlSeconds: 86_400 };

/** Where a message goes: a user, or a room ("everyone" is the group); neither is the group. */
export type Target = { to: string } | { room: string };

export interface StoreInput {
  clientMsgId: string;
  from: string;
  fromName: string;
  /** The sending device: its token's sessionId; "" from HTTP. It never gets its own message back. */
  fromDevice: string;
  text: string;
  /** A message of the same conversation this one quotes. */
  replyTo?: string;
  /** Set by the store from the quoted message (quote-excerpt.ts): callers leave them out. */
  replyFrom?: string;
  replyFromName?: string;
  replyText?: string;
  /** The sender's own message of the same conversation this event edits (or, with `deleted`, deletes). */
  editOf?: string;
  deleted?: boolean;
  /** A message of the same conversation (anyone's) this event reacts to, with `reaction` ("" takes it back). */
  reactTo?: string;
  reaction?: string;
}

export type StoreResult =
  | {
      message: StoredMessage;
      duplicate: boolean;
      ownInbox?: OwnInboxEntry;
      /** A private message stored on a Redis Cluster: its entries in both inboxes, which ReplicaWait.confirm checks. */
      inboxes?: InboxEntries;
    }
  | { error: "unknown_recipient" | "not_member" | "sender_gone" | "too_many_new_peers" | TargetRefusal | BlockRefusal };

export class MessageStore {
  private readonly options: MessageStoreOptions;
  private readonly inboxes: InboxStore;
  private readonly privateBatch: PrivateBatch;
  /** The recipient's account and the pair's conversation, checked before a private message is stored. */
  private readonly recipients: RecipientChecks;
  /** Per sender, the end of its stores queued behind a reply's or an event's target check. */
  private readonly checking = new Map<string, Promise<void>>();
  /** Messages stored, added to the count once per event-loop turn. */
  private readonly counter: MessageCounter;

  constructor(private readonly redis: RedisClient, options: Partial<MessageStoreOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.inboxes = new InboxStore(redis, this.options);
    this.recipients = new RecipientChecks(redis, this.options);
    const batch = this.options.batchPrivate ?? !isCluster(redis);
    this.privateBatch = new PrivateBatch(redis, this.options, this.inboxes, batch, this.options.gatewayId);
    defineMessageScripts(redis);
    defineNewestPositions(redis);
    this.counter = new MessageCounter(redis);
  }

  /**
   * Stores a message once per (conversation, from, clientMsgId) and wakes its readers. A resend gets the first
   * answer (`duplicate`) and finishes any step the first attempt did not reach. Throws when both `to` and `room`
   * are set (the caller validates). A reply or an event (edit, deletion) is refused with `not_found` when its
   * target is not a message of the conversation (a reaction also when it was deleted), an edit or deletion with
   * `forbidden` when the target is someone else's. A private message between users who block each other is refused
   * (`blocking`: the sender blocks the recipient; `blocked`: the other way) before anything is stored. A private
   * message whose recipient or sender was deleted meanwhile is refused (`unknown_recipient`, `sender_gone`) without
   * writing that user's keys.
   */
  async store(input: StoreInput & Partial<Target>): Promise<StoreResult> {
    const { to = "", room = "" } = input as { to?: string; room?: string };
    if (to && room) throw new Error("a message goes to a user or to a room, not both");
    // The quote is the store's to set, from the message quoted (below), never the caller's.
    const message = { ...input, text: wellFormed(input.text), replyFrom: undefined, replyFromName: undefined, replyText: undefined };
    const write = (stored: StoreInput = message) => (to ? this.storePrivate(stored, to) : this.storeRoom(stored, room || EVERYONE_ROOM));
    const before = this.checking.get(input.from);
    if (!input.replyTo && !input.editOf && !input.reactTo && !before) return write();
    // A check costs a round trip: the sender's later stores wait for this one, so they keep the order they came in.
    const run = (before ?? Promise.resolve()).then(async (): Promise<StoreResult> => {
      const convKey = conv.ofMessage(input.from, to, room);
      const members = room && room !== EVERYONE_ROOM ? conv.roomMembers(room) : undefined;
      let quote: QuoteFields | undefined;
      const quoted = (target: StoredMessage) => (quote = quoteFields(target));
      const refusal = await checkTargets(this.redis, { convKey, from: input.from, replyTo: input.replyTo, editOf: input.editOf, reactTo: input.reactTo, members, quoted });
      // A resend of one stored before its target changed (a reaction's message deleted since, a target trimmed) gets
      // its first answer, as any resend: the store's script finds its dedupe record and stores nothing again. Only a
      // resend of the same content: another send under that clientMsgId keeps its refusal (it was acknowledged).
      const resent = refusal && refusal !== "not_member" && (await isResendOf(this.redis, convKey, conv.dedupe(convKey, input.from, input.clientMsgId), message));
      if (refusal && !resent) return { error: refusal };
      return write(quote ? { ...message, ...quote } : message);
    });
    const tail = run.then(() => undefined, () => undefined);
    this.checking.set(input.from, tail);
    void tail.then(() => this.checking.get(input.from) === tail && this.checking.delete(input.from));
    return run;
  }

  /**
   * The `limit` messages before `before` (or the newest), oldest first. The caller checked membership. With `device`
   * (the caller's token sessionId), each of the caller's own messages whose record names its device (`dev`) carries
   * `sentHere`: true when that login sent it, false when another did; computed here, nothing more is stored.
   */
  async history(query: { userId: string; peer?: string; room?: string; before?: string; limit: number; device?: string }): Promise<HistoryMessage[]> {
    const end = query.before ? `(${query.before}-0` : "+";
    const convKey = conversationKey(query.userId, query.peer || query.room || "");
    const entries = await this.redis.xrevrange(conv.messages(convKey), end, "-", "COUNT", query.limit);
    const messages = entries.reverse().map(([id, fields]): HistoryMessage => {
      const { message, dev } = toEntry(id, fields);
      return query.device !== undefined && dev && message.from === query.userId ? { ...message, sentHere: dev === query.device } : message;
    });
    // The newest page (no `before`) reaches the stream's end: it holds every edit of its messages.
    const [, , applyEdits] = await Promise.all([
      blankDeletedQuotes(this.redis, messages),
      blankDeletedMessages(this.redis, convKey, messages),
      newestTexts(this.redis, messages, { complete: !query.before }),
    ]);
    applyEdits();
    return messages;
  }

  /**
   * Messages from others after `after` in a conversation (as the client names it), among its newest UNREAD_SCAN
   * entries after it, counted up to `cap`; events (edits, deletions, reactions) and messages from `uncounted` senders
   * (those a user blocks, in a room) are not, nor is a message deleted since (unread-count.ts).
   */
  countUnread(query: { userId: string; conversation: string; after: string; cap: number; uncounted?: ReadonlySet<string> }): Promise<number> {
    return countUnreadIn(this.redis, conv.messages(conversationKey(query.userId, query.conversation)), query);
  }

  /**
   * The newest msgId of a conversation (as the client names it), "0" when it is empty; with `upTo`, the newest at or
   * before that msgId ("0" when none).
   */
  newest(query: { userId: string; conversation: string; upTo?: string }): Promise<string> {
    return newestPosition(this.redis, conv.messages(conversationKey(query.userId, query.conversation)), query.upTo);
  }

  /** `newest` of many conversations of `userId` (as the client names them), in their order, with far fewer round trips. */
  newestOf(userId: string, conversations: readonly string[], upTo?: string): Promise<string[]> {
    return newestPositions(this.redis, conversations.map((conversation) => conv.messages(conversationKey(userId, conversation))), upTo);
  }

  /** The newest msgId of a conversation (as the client names it; "0" when empty) and its newest message's preview. */
  latest(query: { userId: string; conversation: string }): Promise<NewestEntries> {
    return newestWithPreview(this.redis, query.userId, query.conversation);
  }

  /** True when the conversation (as the client names it) holds `msgId`: a read position must name one. */
  async holds(query: { userId: string; conversation: string; msgId: string }): Promise<boolean> {
    const id = `${query.msgId}-0`;
    const entries = await this.redis.xrange(conv.messages(conversationKey(query.userId, query.conversation)), id, id).catch(noneForRefusedId);
    return entries.length === 1;
  }

  /**
   * Messages of a room ("everyone" = the group) after `after` ("" or "0": from the start), oldest first, those deleted
   * by then blanked and edited ones with their newest text, as `InboxStore.read` does; with `asStored`, as stored.
   */
  async readRoom(room: string, after: string, count: number, options: ReadOptions = {}): Promise<StreamEntry[]> {
    const entries = await readAfter(this.redis, conv.messages(conv.ofRoom(room)), after, count);
    if (!options.asStored) await asReadNow(this.redis, entries, entries.length < count);
    return entries;
  }

  /** True when messages of a room after `after` may have been trimmed away, so reading from it would skip some. */
  trimmedAfter(room: string, after: string): Promise<boolean> {
    return trimmedAfter(this.redis, conv.messages(conv.ofRoom(room)), after);
  }

  /** Total messages accepted since the store began. */
  count(): Promise<number> {
    return this.counter.total();
  }

  /**
   * What a store script is told of the notes (note_event in message-scripts.ts): for an edit or a deletion how many
   * notes its conversation's set keeps, noted in the script that stores it; "" for any other message.
   */
  private notesKept(input: Pick<StoreInput, "editOf">): string {
    return input.editOf ? String(deletionsKept(this.options.maxLenPerStream)) : "";
  }

  private countStored(): void {
    this.counter.add();
  }

  private async storeRoom(input: StoreInput, room: string): Promise<StoreResult> {
    const { clientMsgId, from, fromName, fromDevice, text } = input;
    const everyone = room === EVERYONE_ROOM;
    const record = { from, fromName, to: "", room: everyone ? "" : room, text, ...eventFields(input) };
    const key = conv.ofRoom(room);
    const { maxLenPerStream, maxAgeSeconds, dedupeTtlSeconds } = this.options;
    const [stored, status, wake] = await this.redis.cimStoreRoom(
      conv.messages(key), conv.dedupe(key, from, clientMsgId), conv.roomMembers(room), conv.deletions(key), conv.edits(key),
      from, everyone ? "0" : "1", String(maxLenPerStream), String(maxAgeSeconds * 1_000_000), String(dedupeTtlSeconds),
      roomWakeTemplate(room, record, fromDevice), this.notesKept(input), ...recordFields(record, fromDevice),
    );
    if (status === -1) return { error: "not_member" };
    await publish(this.redis, everyone ? channels.all : channels.room(room), wake!);
    if (status === 0) this.countStored();
    return { message: { ...record, ...parseRecord(stored) }, duplicate: status === 1 };
  }

  private async storePrivate(input: StoreInput, to: string): Promise<StoreResult> {
    const { clientMsgId, from, fromName, fromDevice, text } = input;
    if (!(await this.hasAccount(to))) return { error: "unknown_recipient" };
    if (!(await this.recipients.mayWrite(from, to))) return { error: "too_many_new_peers" };
    const record = { from, fromName, to, room: "", text, ...eventFields(input) };
    const key = conv.ofPair(from, to);
    // The conversation and both inboxes (the recipient's devices, and the sender's other devices): see PrivateBatch.
    const notes = { deletions: conv.deletions(key), edits: conv.edits(key) };
    const stored = await this.privateBatch.store({ stream: conv.messages(key), dedupe: conv.dedupe(key, from, clientMsgId), message: record, dev: fromDevice, notes });
    // The recipient's account was deleted after hasAccount found it (a send in flight, or one held for a resend).
    if ("refused" in stored) return { error: stored.refused === "gone" ? "unknown_recipient" : stored.refused };
    const message: StoredMessage = stored.message ?? { ...record, ...parseRecord(stored.record) };
    if (!stored.duplicate && !stored.counted) this.countStored();
    // A conversation now, both ways (hasConversation: the recipient's Typing back is not taken for a stranger's).
    this.recipients.conversationStarted(from, to);
    const result: StoreResult = { message, duplicate: stored.duplicate };
    if (stored.own) result.ownInbox = stored.own;
    if (stored.inboxes) result.inboxes = stored.inboxes;
    return result;
  }

  /**
   * True when `from` and `to` have a private conversation (either wrote to the other). The gateway relays a private
   * Typing only between such users (see RecipientChecks.hasConversation).
   */
  hasConversation(from: string, to: string): Promise<boolean> {
    return this.recipients.hasConversation(from, to);
  }

  /** This process asks Redis again at the next send to the user (its account was just deleted, here or elsewhere). */
  forgetAccount(userId: string): void {
    this.recipients.forgetAccount(userId);
  }

  /**
   * True when the user has an account: remembered for accountKnownMs once found (until `forgetAccount`), so most
   * checks cost no round trip. Private sends check their recipient with it; receipts their peer.
   */
  hasAccount(userId: string): Promise<boolean> {
    return this.recipients.hasAccount(userId);
  }
}

/**
 * The text with each lone UTF-16 surrogate replaced by U+FFFD, as Redis will store it (UTF-8 has no lone
 * surrogates): what the store answers and wakes readers with is then exactly what it stored.
 */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
