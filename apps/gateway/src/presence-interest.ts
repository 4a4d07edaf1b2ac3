// Who watches whom on this gateway (PresenceSubscribe): each session's list, each user's watchers, and the
// presence bucket channels subscribed for them, so the gateway hears only the changes its sessions asked for.
import type { Logger } from "pino";
import { channels, presenceBucket } from "@cim/state";
import type { Subscriptions } from "./room-delivery.js";
import type { Session } from "./session.js";

/** SUBSCRIBE commands in flight at once when re-subscribing every channel. */
const RESUBSCRIBE_BATCH = 100;
const NO_USERS: ReadonlySet<string> = new Set();
const NO_SESSIONS: ReadonlySet<Session> = new Set();

export class PresenceInterest {
  private readonly bySession = new Map<Session, Set<string>>();
  private readonly byUser = new Map<string, Set<Session>>();
  /** Watched users per bucket: its channel is subscribed while this is above 0. */
  private readonly buckets = new Map<number, number>();
  /** The last SUBSCRIBE sent per bucket; commands on one connection run in order, so awaiting it is enough. */
  private readonly subscribing = new Map<number, Promise<unknown>>();

  constructor(private readonly subscriptions: Subscriptions, private readonly log: Logger) {}

  /**
   * Replaces what `session` watches with `userIds` (an empty list: nothing). Resolves once the channels of the
   * watched users are subscribed, so a state read after it misses no change published later.
   */
  async replace(session: Session, userIds: readonly string[]): Promise<void> {
    const next = new Set(userIds);
    const previous = this.bySession.get(session) ?? NO_USERS;
    for (const userId of previous) if (!next.has(userId)) this.unwatch(session, userId);
    for (const userId of next) if (!previous.has(userId)) this.watch(session, userId);
    if (next.size > 0) this.bySession.set(session, next);
    else this.bySession.delete(session);
    const waits = new Set<Promise<unknown>>();
    for (const userId of next) {
      const pending = this.subscribing.get(presenceBucket(userId));
      if (pending) waits.add(pending);
    }
    await Promise.all(waits);
  }

  /**
   * Subscribes every bucket channel in use again (SUBSCRIBE is idempotent): after the bus reconnected, a channel
   * whose SUBSCRIBE failed while it was down would otherwise stay silent.
   */
  async resubscribe(): Promise<void> {
    const channelNames = [...this.buckets.keys()].map((bucket) => channels.presence(bucket));
    for (let i = 0; i < channelNames.length; i += RESUBSCRIBE_BATCH) {
      await Promise.all(channelNames.slice(i, i + RESUBSCRIBE_BATCH).map((channel) => this.subscriptions.subscribe(channel)));
    }
  }

  /** Forgets a closed session. */
  forget(session: Session): void {
    for (const userId of this.bySession.get(session) ?? NO_USERS) this.unwatch(session, userId);
    this.bySession.delete(session);
  }

  /** The sessions watching `userId`. */
  watchers(userId: string): ReadonlySet<Session> {
    return this.byUser.get(userId) ?? NO_SESSIONS;
  }

  /** The users `session` watches. */
  watched(session: Session): ReadonlySet<string> {
    return this.bySession.get(session) ?? NO_USERS;
  }

  watches(session: Session, userId: string): boolean {
    return this.bySession.get(session)?.has(userId) ?? false;
  }

  /** Sessions with a non-empty list. */
  sessions(): IterableIterator<Session> {
    return this.bySession.keys();
  }

  /** Users some session watches. */
  get watchedCount(): number {
    return this.byUser.size;
  }

  /** Presence channels subscribed (or being subscribed) now. */
  get channelCount(): number {
    return this.buckets.size;
  }

  private watch(session: Session, userId: string): void {
    let sessions = this.byUser.get(userId);
    if (!sessions) {
      this.byUser.set(userId, (sessions = new Set()));
      this.countBucket(presenceBucket(userId), +1);
    }
    sessions.add(session);
  }

  private unwatch(session: Session, userId: string): void {
    const sessions = this.byUser.get(userId);
    if (!sessions?.delete(session) || sessions.size > 0) return;
    this.byUser.delete(userId);
    this.countBucket(presenceBucket(userId), -1);
  }

  private countBucket(bucket: number, delta: number): void {
    const count = (this.buckets.get(bucket) ?? 0) + delta;
    const channel = channels.presence(bucket);
    if (count > 0) {
      this.buckets.set(bucket, count);
      if (count === 1 && delta > 0) {
        const subscribed = this.subscriptions.subscribe(channel).catch((error: unknown) => this.log.error({ err: error, channel }, "subscribing a presence channel failed"));
        this.subscribing.set(bucket, subscribed);
        void subscribed.finally(() => {
          if (this.subscribing.get(bucket) === subscribed) this.subscribing.delete(bucket);
        });
      }
      return;
    }
    this.buckets.delete(bucket);
    this.subscribing.delete(bucket);
    this.subscriptions.unsubscribe(channel).catch((error: unknown) => this.log.warn({ err: error, channel }, "unsubscribing a presence channel failed"));
  }
}
