// The sessions of this gateway: every socket, the current login of each user, and all its logged-in sockets.
import type { Session } from "./session.js";

const NONE: ReadonlySet<Session> = new Set();

export class SessionTable {
  private readonly sockets = new Set<Session>();
  private readonly byUser = new Map<string, Session>();
  /** Every logged-in socket of a user: the current one and replaced ones until they are closed. */
  private readonly logins = new Map<string, Set<Session>>();

  add(session: Session): void {
    this.sockets.add(session);
  }

  /** Makes `session` the user's current one; returns the one it replaces, if any. */
  bind(userId: string, session: Session): Session | undefined {
    let logins = this.logins.get(userId);
    if (!logins) this.logins.set(userId, (logins = new Set()));
    logins.add(session);
    const previous = this.byUser.get(userId);
    this.byUser.set(userId, session);
    return previous === session ? undefined : previous;
  }

  /** Forgets a closed session; true when it was its user's current one. */
  remove(session: Session): boolean {
    this.sockets.delete(session);
    const userId = session.user?.userId;
    if (!userId) return false;
    const logins = this.logins.get(userId);
    if (logins?.delete(session) && logins.size === 0) this.logins.delete(userId);
    if (this.byUser.get(userId) === session) {
      this.byUser.delete(userId);
      return true;
    }
    return false;
  }

  user(userId: string): Session | undefined {
    return this.byUser.get(userId);
  }

  /** The user's logged-in sockets here, replaced ones included until they are closed. */
  loginsOf(userId: string): ReadonlySet<Session> {
    return this.logins.get(userId) ?? NONE;
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
