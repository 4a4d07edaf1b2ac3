// The sessions of this gateway: every socket, and each user's logged-in sockets (its devices here).
import type { WebSocket } from "ws";
import type { Session } from "./session.js";

const NONE: readonly Session[] = [];

export class SessionTable {
  /** Keyed by socket: the gateway's ws listeners are shared functions that find their session here. */
  private readonly sockets = new Map<WebSocket, Session>();
  /** Arrays, not Sets: most users have one session, and a Set costs several times a small array (issue 13). An array
   * is replaced, never changed, so a caller iterating it is not disturbed by a login or a close. */
  private readonly byUser = new Map<string, readonly Session[]>();
  private loggedIn = 0;

  add(session: Session): void {
    this.sockets.set(session.socket, session);
  }

  /** Adds a logged-in session to its user's sessions. */
  bind(userId: string, session: Session): void {
    const sessions = this.byUser.get(userId) ?? NONE;
    if (sessions.includes(session)) return;
    this.byUser.set(userId, [...sessions, session]);
    this.loggedIn++;
  }

  /** Forgets a closed session; true when it was logged in. */
  remove(session: Session): boolean {
    if (this.sockets.get(session.socket) === session) this.sockets.delete(session.socket);
    const userId = session.user?.userId;
    const sessions = userId === undefined ? undefined : this.byUser.get(userId);
    if (!sessions?.includes(session)) return false;
    this.loggedIn--;
    if (sessions.length === 1) this.byUser.delete(userId!);
    else this.byUser.set(userId!, sessions.filter((other) => other !== session));
    return true;
  }

  /** The user's logged-in sockets here (its devices, and sockets closing but not closed yet). */
  sessionsOf(userId: string): readonly Session[] {
    return this.byUser.get(userId) ?? NONE;
  }

  /** The user's logged-in sockets here by login (the token's sessionId): how many each login holds. */
  loginsOf(userId: string): Map<string, number> {
    const logins = new Map<string, number>();
    for (const session of this.sessionsOf(userId)) {
      const login = session.user?.sessionId ?? "";
      logins.set(login, (logins.get(login) ?? 0) + 1);
    }
    return logins;
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
