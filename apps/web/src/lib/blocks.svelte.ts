// The users this user blocks (route's GET /api/blocks), read at sign-in and after a reconnect, changed through route
// and kept live by the gateway's BlockEvents (a change made on another device): their private chat shows a line
// instead of the composer, and their room messages are collapsed. A BlockEvent older than a change this device
// already applied is dropped, so a quick Block then Unblock does not show "blocked" again for a moment, and so is
// one whose order is lower than the state shown (two route processes may announce two changes in the other order).
import type { BlockedUser, CimClient } from "@cim/client";
import { describeError } from "./errors.js";
import type { BlockEvent } from "@cim/protocol";

/**
 * How long an answered change of this device waits for its BlockEvent before it is owed no more. Events come within
 * a bus hop of the answer; one lost (a gateway's bus dropped while the page stayed connected) must not make the
 * changes of other devices about that user look older than it until the next sign-in or reconnect.
 */
const OWED_FOR_MS = 10_000;

/** A change this device asked route for, whose BlockEvent has not come back yet. */
interface OwnChange {
  blocked: boolean;
  /** Route answered and the change is applied here. */
  answered: boolean;
  /** When route answered (Date.now()), once it did. */
  answeredAt: number;
}

export interface BlocksDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
}

/** Each change rejects with the SDK's error (CimApiError with route's code and message); describeError words it. */
export class Blocks {
  private entries = $state<BlockedUser[]>([]);
  /** Why the last Unblock of a user failed, in words, by userId: the chat's blocked line says it, whichever button asked. */
  private failures = $state<Record<string, string>>({});
  /** The changes heard during each read in flight: the list read may predate them, so they are applied again after it. */
  private readonly reads = new Set<BlockEvent[]>();
  /** By userId, this device's changes in the order they were asked, until their BlockEvents come back. */
  private readonly owed = new Map<string, OwnChange[]>();
  /** By userId, the highest order of the BlockEvents heard about it: the state shown is at least that new. */
  private readonly orders = new Map<string, number>();
  /** The order of the list last read: every event with a lower one is older than it. */
  private listOrder = 0;

  constructor(private readonly deps: BlocksDeps) {}

  /** The blocked users, in the order route lists them (those blocked since, after them). */
  get list(): readonly BlockedUser[] {
    return this.entries;
  }

  has(userId: string): boolean {
    return this.entries.some((entry) => entry.userId === userId);
  }

  /** Reads the list again (signed in, or back after a reconnect: changes told meanwhile were lost); a failure keeps what was known. */
  async load(): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    const heard: BlockEvent[] = [];
    this.reads.add(heard);
    // The list read is newer than every change answered so far: their BlockEvents are owed no more (after a
    // reconnect they were lost), and a change of another device heard from now on is newer than them.
    for (const [userId, owed] of this.owed) this.owe(userId, owed.filter((change) => !change.answered));
    try {
      const { blocks: read, order } = await client.blockList();
      // Signed out (and maybe in as someone else) meanwhile: the list is not this login's.
      if (this.deps.client() !== client) return;
      this.entries = read;
      this.listOrder = Math.max(this.listOrder, order);
      // An event heard meanwhile is applied again unless the list is newer than it (this device's own carry no order).
      for (const event of heard) if (!event.order || event.order > order) this.apply(event);
    } finally {
      this.reads.delete(heard);
    }
  }

  async block(userId: string, name: string): Promise<void> {
    const client = this.client();
    await this.ask(userId, true, () => client.block(userId));
    this.record({ userId, userName: name, blocked: true });
  }

  async unblock(userId: string): Promise<void> {
    this.failures = { ...this.failures, [userId]: "" };
    try {
      const client = this.client();
      await this.ask(userId, false, () => client.unblock(userId));
    } catch (error) {
      this.failures = { ...this.failures, [userId]: describeError(error) };
      throw error;
    }
    this.record({ userId, userName: "", blocked: false });
  }

  /** A BlockEvent: a block or unblock by this user, here or on another device (the gateway tells every device, this one
   * too); dropped when it is older than a change this device already applied, or than the state shown (its order). */
  changed(event: BlockEvent): void {
    // Both checks run: outdated() also takes this device's own change off the owed list when its event is back.
    const owedOlder = this.outdated(event);
    const older = this.older(event);
    if (!owedOlder && !older) this.record(event);
    // Dropped or applied, what is shown is at least as new as this event.
    if (event.order) this.orders.set(event.userId, Math.max(event.order, this.orders.get(event.userId) ?? 0));
  }

  /** Why the last Unblock of `userId` failed ("" when it did not). */
  unblockFailure(userId: string): string {
    return this.failures[userId] ?? "";
  }

  /** Signed out. */
  reset(): void {
    this.entries = [];
    this.failures = {};
    this.reads.clear();
    this.owed.clear();
    this.orders.clear();
    this.listOrder = 0;
  }

  /** Sends one change of this device to route; its BlockEvent is owed from now until it comes back. */
  private async ask(userId: string, blocked: boolean, send: () => Promise<void>): Promise<void> {
    const change: OwnChange = { blocked, answered: false, answeredAt: 0 };
    this.owe(userId, [...(this.owed.get(userId) ?? []), change]);
    try {
      await send();
      change.answered = true;
      change.answeredAt = Date.now();
    } catch (error) {
      // Refused or not answered: no BlockEvent is expected (one that comes anyway is applied as another device's).
      this.owe(userId, (this.owed.get(userId) ?? []).filter((owed) => owed !== change));
      throw error;
    }
  }

  /**
   * Route makes the changes of a user one after the other and publishes each before it answers, and events come in
   * that order; each change of this device comes back as one. So while an answered change of this device still waits
   * for its event, what comes first is older than it: the event of an earlier change (a quick Block, then Unblock)
   * or another device's change made before it. An event that states the first owed change is taken for its event.
   */
  private outdated({ userId, blocked }: BlockEvent): boolean {
    const lost = Date.now() - OWED_FOR_MS;
    const owed = (this.owed.get(userId) ?? []).filter((change) => !change.answered || change.answeredAt > lost);
    this.owe(userId, owed[0]?.blocked === blocked ? owed.slice(1) : owed);
    return (this.owed.get(userId) ?? []).some((change) => change.answered);
  }

  /** Whether the event's order (0: the server gave none) is lower than that of the state shown about its user. */
  private older({ userId, order }: BlockEvent): boolean {
    return !!order && order < Math.max(this.listOrder, this.orders.get(userId) ?? 0);
  }

  private owe(userId: string, changes: OwnChange[]): void {
    if (changes.length > 0) this.owed.set(userId, changes);
    else this.owed.delete(userId);
  }

  /** Applies a change heard or made here (again after a read in flight, whose list may predate it). */
  private record(event: BlockEvent): void {
    for (const heard of this.reads) heard.push(event);
    this.apply(event);
    // A failed Unblock's reason ends with any change (another device's too): a later block must not show it again.
    if (this.failures[event.userId]) this.failures = { ...this.failures, [event.userId]: "" };
    // An older route does not name the user: route's list does.
    if (event.blocked && !event.userName && !this.nameOf(event.userId)) void this.load().catch(() => undefined);
  }

  private apply({ userId, userName, blocked }: BlockEvent): void {
    if (!blocked) this.entries = this.entries.filter((entry) => entry.userId !== userId);
    else if (!this.has(userId)) this.entries = [...this.entries, { userId, name: userName }];
    else if (userName && !this.nameOf(userId)) this.entries = this.entries.map((entry) => (entry.userId === userId ? { userId, name: userName } : entry));
  }

  private nameOf(userId: string): string {
    return this.entries.find((entry) => entry.userId === userId)?.name ?? "";
  }

  private client(): CimClient {
    const client = this.deps.client();
    if (!client) throw new Error("You are signed out.");
    return client;
  }
}
