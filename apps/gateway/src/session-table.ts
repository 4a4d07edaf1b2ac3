// The sessions of this gateway: every socket, and the logged-in one of each user.
import type { Session } from "./session.js";

export class SessionTable {
  private readonly sockets = new Set<Session>();
  private readonly byUser = new Map<string, Session>();

  add(session: Session): void {
    this.sockets.add(session);
  }

  /** Makes `session` the user's current one; returns the one it replaces, if any. */
  bind(userId: string, session: Session): Session | undefined {
    const previous = this.byUser.get(userId);
    this.byUser.set(userId, session);
    return previous === session ? undefined : previous;
  }

  /** Forgets a closed session; true when it was its user's current one. */
  remove(session: Session): boolean {
    this.sockets.delete(session);
    const userId = session.user?.userId;
    if (userId && this.byUser.get(userId) === session) {
      this.byUser.delete(userId);
      return true;
    }
    return false;
  }

  user(userId: string): Session | undefined {
    return this.byUser.get(userId);
  }

  /** Logged-in sessions. */
  users(): IterableIterator<Session> {
    return this.byUser.values();
  }

  all(): IterableIterator<Session> {
    return this.sockets.values();
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  get userCount(): number {
    return this.byUser.size;
  }
}
