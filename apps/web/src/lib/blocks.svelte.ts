// The users this user blocks (route's GET /api/blocks), read at sign-in and changed through route: their private
// chat shows a line instead of the composer, and their room messages are collapsed.
import type { BlockedUser, CimClient } from "@cim/client";

export interface BlocksDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
}

/** Each change rejects with the SDK's error (CimApiError with route's code and message); describeError words it. */
export class Blocks {
  private entries = $state<BlockedUser[]>([]);

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
    await this.client().unblock(userId);
    this.entries = this.entries.filter((entry) => entry.userId !== userId);
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
