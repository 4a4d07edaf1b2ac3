// Typing indicators: a session's Typing frames, checked and thinned, relayed over the bus (never stored) to the
// sessions of the conversation's other members on every gateway that show it (TypingInterest). Handed out in slices
// that yield to the event loop: many members of a big room typing at once are hundreds of thousands of frames.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Logger } from "pino";
import { CONVERSATION_ID, EVERYONE_ROOM, ROOM_ID, encodeFrame, type Typing, type TypingSubscribe } from "@cim/protocol";
import { isRedisUnavailable, type BusPublisher, type ClusterMessage, type MessageStore } from "@cim/state";
import type { BlockList } from "./block-list.js";
import type { Membership } from "./membership.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";
import { SessionLogBudget } from "./session-log-budget.js";
import type { TypingInterest } from "./typing-interest.js";

type TypingMessage = Extract<ClusterMessage, { type: "typing" }>;

/** One session's Typing frames for one conversation closer together than this are dropped (clients send every ~3 s). */
export const TYPING_MIN_INTERVAL_MS = 1_000;
/** Conversations remembered per session; beyond it the memory starts over (a client naming thousands gains nothing). */
const MAX_REMEMBERED = 200;
/** Sessions handed a Typing (or members looked at) before the hand-out yields to sockets, timers and other work. */
const SLICE_WORK = 2_000;
/** A Typing from the bus that waited this long (a busy gateway) is dropped: clients show one for a few seconds. */
export const TYPING_STALE_MS = 3_000;
/** Typings from the bus waiting to be handed out; more are dropped (typing is best effort). */
const MAX_WAITING = 1_000;
/**
 * One user's Typing of one conversation (and recipient) is handed out here at most once in this time, whichever of its
 * sessions, on whichever gateway, sent it: the per-session limit alone let a user's 20 sessions reach every online
 * member 20 times a second. A little under TYPING_MIN_INTERVAL_MS, so one session's Typings a second apart that the
 * bus brings closer together still pass.
 */
export const TYPING_HAND_OUT_INTERVAL_MS = 900;

export interface TypingRelayDeps {
  table: SessionTable;
  membership: Pick<Membership, "isMember" | "membersOf">;
  /** The conversations each session shows (TypingSubscribe). */
  interest: TypingInterest;
  /** Users who block each other (either way) see nothing of each other typing, in private chats and rooms. */
  blocks: Pick<BlockList, "hides">;
  bus: Pick<BusPublisher, "toUser" | "toRoom">;
  /** Whether two users have a private conversation (either wrote to the other): a private Typing goes only so. */
  conversations: Pick<MessageStore, "hasConversation">;
  log: Logger;
  now?: () => number;
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  for (const item of items) yield f(item);
}

export class TypingRelay {
  /** When each session last relayed a Typing, per conversation. */
  private readonly last = new WeakMap<Session, Map<string, number>>();
  private waiting: Array<{ message: TypingMessage; at: number; done: () => void }> = [];
  private draining = false;
  /** Typings dropped since the last log line (too many waiting, or stale). */
  private dropped = 0;
  /** When each `<typist>\0<conversation>\0<to>` was last let through here; entries older than the interval go. */
  private readonly handedOut = new Map<string, number>();
  private sweptAt = 0;

  /** Drops are logged a few per session and window: a client may send 50 Typing frames a second. */
  private readonly dropLog: SessionLogBudget;

  constructor(private readonly deps: TypingRelayDeps) {
    this.dropLog = new SessionLogBudget(deps.now);
  }

  /** A client's Typing: relayed when it names a conversation of the user and is not too soon after the last. */
  async typing(session: Session, frame: Typing): Promise<void> {
    const { userId, userName } = session.user!;
    const { conversation } = frame;
    const room = ROOM_ID.test(conversation);
    if (!CONVERSATION_ID.test(conversation) || conversation === userId || (room && !this.deps.membership.isMember(userId, conversation))) {
      const budget = this.dropLog.take(session);
      if (budget) this.deps.log.info({ remote: session.remote, userId, conversation: conversation.slice(0, 24), leftOut: budget.leftOut }, "typing dropped: not a conversation of this user");
      return;
    }
    if (!this.admit(session, conversation)) return;
    if (room) return void (await this.deps.bus.toRoom(conversation, { type: "typing", conversation, userId, userName }));
    if (this.deps.blocks.hides(userId, conversation)) return;
    // A private Typing reached any user by id, a stranger too (receipts name a message of the conversation already).
    const known = await this.deps.conversations.hasConversation(userId, conversation).catch((error: unknown) => {
      if (!isRedisUnavailable(error)) throw error;
      return "unknown" as const;
    });
    if (known !== true) {
      const budget = this.dropLog.take(session);
      const why = known === false ? "typing dropped: no conversation with that user" : "typing dropped: Redis unavailable";
      if (budget) this.deps.log.info({ remote: session.remote, userId, conversation, leftOut: budget.leftOut }, why);
      return;
    }
    await this.deps.bus.toUser(conversation, { type: "typing", conversation: userId, userId, userName, to: conversation });
  }

  /** A client's TypingSubscribe: the conversations whose Typing its session shows from now on. */
  subscribe(session: Session, frame: TypingSubscribe): void {
    this.deps.interest.replace(session, frame);
  }

  /**
   * A Typing from the bus: to the local sessions of the other members (of `to` for a private chat), soon, in
   * slices. Resolves once handed out (or dropped).
   */
  handle(message: TypingMessage): Promise<void> {
    // The same typist again within the interval (its other sessions, or other gateways): shows nothing new.
    if (!this.firstInInterval(message)) return Promise.resolve();
    if (this.waiting.length >= MAX_WAITING) {
      this.dropped++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push({ message, at: this.now(), done: resolve });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    let work = 0;
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        if (this.now() - next.at > TYPING_STALE_MS) {
          this.dropped++;
          next.done();
          continue;
        }
        const { message } = next;
        const bytes = encodeFrame({ kind: "typing", body: { conversation: message.conversation, userId: message.userId, userName: message.userName } });
        for (const session of this.recipients(message)) {
          const reader = session.user?.userId;
          if (session.loggedIn && reader !== undefined && reader !== message.userId && !this.deps.blocks.hides(reader, message.userId)) session.sendBytes(bytes);
          if (++work % SLICE_WORK === 0) await yieldToLoop();
        }
        next.done();
      }
    } finally {
      this.draining = false;
      if (this.dropped > 0) {
        this.deps.log.warn({ dropped: this.dropped }, "typing dropped: the gateway was too busy to hand it out in time");
        this.dropped = 0;
      }
    }
  }

  /**
   * The sessions here that show the Typing: those that chose its conversation, and the members' sessions that never
   * chose (walked only while this gateway holds such a session).
   */
  private *recipients(message: TypingMessage): Iterable<Session> {
    const { table, membership, interest } = this.deps;
    const { conversation } = message;
    if (message.to) {
      for (const session of table.sessionsOf(message.to)) if (interest.shows(session, conversation)) yield session;
      return;
    }
    const everyone = conversation === EVERYONE_ROOM;
    for (const session of interest.sessionsIn(conversation)) {
      if (everyone || membership.isMember(session.user!.userId, conversation)) yield session;
    }
    if (!interest.anyUnsubscribed(table.sessionCount)) return;
    const members = everyone ? [table.users()] : map(membership.membersOf(conversation), (member) => table.sessionsOf(member));
    for (const sessions of members) for (const session of sessions) if (!interest.subscribed(session)) yield session;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private firstInInterval(message: TypingMessage): boolean {
    const now = this.now();
    if (now - this.sweptAt >= TYPING_HAND_OUT_INTERVAL_MS) {
      for (const [key, at] of this.handedOut) if (now - at >= TYPING_HAND_OUT_INTERVAL_MS) this.handedOut.delete(key);
      this.sweptAt = now;
    }
    const key = `${message.userId}\0${message.conversation}\0${message.to ?? ""}`;
    const previous = this.handedOut.get(key);
    if (previous !== undefined && now - previous < TYPING_HAND_OUT_INTERVAL_MS) return false;
    this.handedOut.set(key, now);
    return true;
  }

  private admit(session: Session, conversation: string): boolean {
    const now = this.now();
    let last = this.last.get(session);
    if (!last || last.size >= MAX_REMEMBERED) this.last.set(session, (last = new Map()));
    const previous = last.get(conversation);
    if (previous !== undefined && now - previous < TYPING_MIN_INTERVAL_MS) return false;
    last.set(conversation, now);
    return true;
  }
}
