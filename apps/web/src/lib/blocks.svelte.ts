// The users this user blocks (route's GET /api/blocks), read at sign-in and after a reconnect, changed through route
// and kept live by the gateway's BlockEvents (a change made on another device): their private chat shows a line
// instead of the composer, and their room messages are collapsed.
import type { BlockedUser, CimClient } from "@cim/client";
import { describeError } from "./errors.js";
import type { BlockEvent } from "@cim/protocol";

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
    try {
      const read = await client.blocks();
      // Signed out (and maybe in as someone else) meanwhile: the list is not this login's.
      if (this.deps.client() !== client) return;
      this.entries = read;
      for (const event of heard) this.apply(event);
    } finally {
      this.reads.delete(heard);
    }
  }

  async block(userId: string, name: string): Promise<void> {
    await this.client().block(userId);
    this.changed({ userId, userName: name, blocked: true });
  }

  async unblock(userId: string): Promise<void> {
    this.failures = { ...this.failures, [userId]: "" };
    try {
      await this.client().unblock(userId);
    } catch (error) {
      this.failures = { ...this.failures, [userId]: describeError(error) };
      throw error;
    }
    this.changed({ userId, userName: "", blocked: false });
  }

  /** A block or unblock by this user, here or on another device (the gateway tells every device, this one too). */
  changed(event: BlockEvent): void {
    for (const heard of this.reads) heard.push(event);
    this.apply(event);
    // A failed Unblock's reason ends with any change (another device's too): a later block must not show it again.
    if (this.failures[event.userId]) this.failures = { ...this.failures, [event.userId]: "" };
    // An older route does not name the user: route's list does.
    if (event.blocked && !event.userName && !this.nameOf(event.userId)) void this.load().catch(() => undefined);
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
