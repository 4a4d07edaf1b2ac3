// Deleted accounts, as route announces them on the bus: sends to the user are refused at once, and the keys of the
// user that its sockets here wrote between the deletion and their close are removed once the last one closed.
import type { Logger } from "pino";
import type { AccountStore, MessageStore } from "@cim/state";
import type { SessionTable } from "./session-table.js";

export interface GoneAccountsDeps {
  messages: Pick<MessageStore, "forgetAccount">;
  accounts: Pick<AccountStore, "removeLeftovers">;
  table: Pick<SessionTable, "sessionsOf">;
  log: Logger;
}

export class GoneAccounts {
  /** Deleted users with sockets here still open or closing: their keys are removed after the last one's cleanup. */
  private readonly closing = new Set<string>();

  constructor(private readonly deps: GoneAccountsDeps) {}

  /**
   * Route deleted the account (the kick closes its sockets here separately). Until the last socket's cleanup, a
   * Read, Delivered or Send already under way may write the user's keys again after route removed them.
   */
  heard(userId: string): void {
    this.deps.messages.forgetAccount(userId);
    if (this.deps.table.sessionsOf(userId).length > 0) this.closing.add(userId);
    else this.removeLeftovers(userId);
  }

  /** The user's last socket here is closed and cleaned up (its frames done, its session count written). */
  lastClosed(userId: string): void {
    if (this.closing.delete(userId)) this.removeLeftovers(userId);
  }

  private removeLeftovers(userId: string): void {
    this.deps.accounts.removeLeftovers(userId).then(
      (removed) => {
        if (!removed) this.deps.log.warn({ userId }, "an account announced as deleted still exists: its keys stay");
      },
      (error: unknown) => this.deps.log.error({ err: error, userId }, "removing a deleted account's keys failed: they stay until removed by hand"),
    );
  }
}
