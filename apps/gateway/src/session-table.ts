// The sessions of this gateway: every socket, and each user's logged-in sockets (its devices here).
import type { WebSocket } from "ws";
import type { Session } from "./session.js";

const NONE: ReadonlySet<Session> = new Set();

export class SessionTable {
  /** Keyed by socket: the gateway's ws listeners are shared functions that find their session here. */
  private readonly sockets = new Map<WebSocket, Session>();
  private readonly byUser = new Map<string, Set<Session>>();
  private loggedIn = 0;

  add(session: Session): void {
    this.sockets.set(session.socket, session);
  }

  /** Adds a logged-in session to its user's sessions. */
  bind(userId: string, session: Session): void {
    let sessions = this.byUser.get(userId);
    if (!sessions) this.byUser.set(userId, (sessions = new Set()));
    if (!sessions.has(session)) this.loggedIn++;
    sessions.add(session);
  }

  /** Forgets a closed session; true when it was logged in. */
  remove(session: Session): boolean {
    if (this.sockets.get(session.socket) === session) this.sockets.delete(session.socket);
    const userId = session.user?.userId;
    const sessions = userId === undefined ? undefined : this.byUser.get(userId);
    if (!sessions?.delete(session)) return false;
    this.loggedIn--;
    if (sessions.size === 0) this.byUser.delete(userId!);
    return true;
  }

  /** The user's logged-in sockets here (its devices, and sockets closing but not closed yet). */
  sessionsOf(userId: string): ReadonlySet<Session> {
    return this.byUser.get(userId) ?? NONE;
  }

  /** Every logged-in session. */
  *users(): IterableIterator<Session> {
    for (const sessions of this.byUser.values()) yield* sessions;
  }

  /** The ids of the users with a logged-in session here. */
  userIds(): IterableIterator<string> {
    return this.byUser.keys();
  }

  /** The session of an open socket (until it is removed). */
  sessionOf(socket: WebSocket): Session | undefined {
    return this.sockets.get(socket);
  }

  all(): IterableIterator<Session> {
    return this.sockets.values();
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  /** Logged-in sessions. */
  get sessionCount(): number {
    return this.loggedIn;
  }

  /** Users with at least one logged-in session. */
  get userCount(): number {
    return this.byUser.size;
  }
}
