// Who hides from whom, for the users with a session here: everyone a user blocks or is blocked by (read once at
// its first login here, then kept current by route's `block` bus messages). Typing, receipts and presence between
// two such users stop; messages are refused by the stores, not here.
import type { Logger } from "pino";
import type { BlockStore, ClusterMessage } from "@cim/state";

type BlockMessage = Extract<ClusterMessage, { type: "block" }>;
const NONE: ReadonlySet<string> = new Set();

export class BlockList {
  private readonly hidden = new Map<string, Set<string>>();
  /** Reads in flight per user; a change heard meanwhile reads again once it is done (the read may predate it). */
  private readonly loading = new Map<string, Promise<void>>();

  /**
   * `onChanged(userId, other, hidden)`: `userId` hides from `other` here from now on (a block either way: its sessions
   * that watch `other` are told it is offline), or no longer does (they may watch it again).
   */
  constructor(private readonly store: Pick<BlockStore, "hiddenFrom">, private readonly log: Logger, private readonly onChanged: (userId: string, other: string, hidden: boolean) => void = () => {}) {}

  /** Reads the user's blocks (both ways) unless they are known here already. Call once its session counts here. */
  async load(userId: string): Promise<void> {
    if (this.hidden.has(userId)) return this.loading.get(userId);
    this.hidden.set(userId, new Set());
    await this.read(userId, false);
  }

  /** Forgets a user without sessions here. */
  forget(userId: string): void {
    this.hidden.delete(userId);
  }

  /** True when `userId` and `other` block each other (either way), as far as this gateway knows. */
  hides(userId: string, other: string): boolean {
    return (this.hidden.get(userId) ?? NONE).has(other);
  }

  /** A block or unblock from route: both users' sets here follow it. */
  apply(message: BlockMessage): void {
    for (const [user, other] of [[message.userId, message.peer], [message.peer, message.userId]] as const) {
      const known = this.hidden.get(user);
      if (!known) continue;
      if (message.blocked && !known.has(other)) {
        known.add(other);
        this.onChanged(user, other, true);
      }
      // Read again (the read tells what it changed): an unblock by one side may leave a block by the other, a read
      // in flight may predate the change, and a block may be heard after the unblock that undid it (two route
      // processes announce in either order), which would else hide the pair here until the bus reconnects.
      void (this.loading.get(user) ?? Promise.resolve()).then(() => this.read(user, true));
    }
  }

  /** Reads every known user's blocks again: changes published while the bus was down were lost (and are told now). */
  async reloadAll(): Promise<void> {
    for (const userId of [...this.hidden.keys()]) await this.read(userId, true);
  }

  /** Reads the user's blocks; `notify`: tells `onChanged` each user hidden or shown since the set known before. */
  private read(userId: string, notify: boolean): Promise<void> {
    const reading = this.store.hiddenFrom(userId).then(
      (ids) => this.replace(userId, new Set(ids), notify),
      (error: unknown) => this.log.warn({ err: (error as Error).message, userId }, "reading a user's blocks failed: typing, receipts and presence are not filtered for it"),
    ).finally(() => {
      if (this.loading.get(userId) === reading) this.loading.delete(userId);
    });
    this.loading.set(userId, reading);
    return reading;
  }

  private replace(userId: string, now: Set<string>, notify: boolean): void {
    const before = this.hidden.get(userId);
    if (!before) return; // forgotten meanwhile
    this.hidden.set(userId, now);
    if (!notify) return;
    for (const other of now) if (!before.has(other)) this.onChanged(userId, other, true);
    for (const other of before) if (!now.has(other)) this.onChanged(userId, other, false);
  }
}
