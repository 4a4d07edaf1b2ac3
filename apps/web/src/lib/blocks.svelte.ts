// The users this user blocks (route's GET /api/blocks), read at sign-in and changed through route: their private
// chat shows a line instead of the composer, and their room messages are collapsed.
import type { BlockedUser, CimClient } from "@cim/client";
import { describeError } from "./errors.js";

export interface BlocksDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
}

/** Each change rejects with the SDK's error (CimApiError with route's code and message); describeError words it. */
export class Blocks {
  private entries = $state<BlockedUser[]>([]);
  /** Why the last Unblock of a user failed, in words, by userId: the chat's blocked line says it, whichever button asked. */
  private failures = $state<Record<string, string>>({});

  constructor(private readonly deps: BlocksDeps) {}

  /** The blocked users, in the order route lists them. */
  get list(): readonly BlockedUser[] {
    return this.entries;
  }

  has(userId: string): boolean {
    return this.entries.some((entry) => entry.userId === userId);
  }

  /** Reads the list again (signed in, or back after an outage); a failure keeps what was known. */
  async load(): Promise<void> {
    const client = this.deps.client();
    if (client) this.entries = await client.blocks();
  }

  async block(userId: string, name: string): Promise<void> {
    await this.client().block(userId);
    if (!this.has(userId)) this.entries = [...this.entries, { userId, name }];
  }

  async unblock(userId: string): Promise<void> {
    this.failures = { ...this.failures, [userId]: "" };
    try {
      await this.client().unblock(userId);
    } catch (error) {
      this.failures = { ...this.failures, [userId]: describeError(error) };
      throw error;
    }
    this.entries = this.entries.filter((entry) => entry.userId !== userId);
  }

  /** Why the last Unblock of `userId` failed ("" when it did not). */
  unblockFailure(userId: string): string {
    return this.failures[userId] ?? "";
  }

  /** Signed out. */
  reset(): void {
    this.entries = [];
  }

  private client(): CimClient {
    const client = this.deps.client();
    if (!client) throw new Error("You are signed out.");
    return client;
  }
}
