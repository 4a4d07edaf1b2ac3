// The online panel: route's paged list of online users (GET /api/online, by name, filtered by the start of a
// name), asked again every few seconds, and the presence the gateway sends for the users the page watches.
import type { CimClient, OnlineUser, Presence } from "@cim/client";
import { deviceOnline } from "./network-wait.js";
import { withOnlineUser } from "./online-list.js";

/** Users per page of the panel. */
export const ONLINE_PAGE_SIZE = 50;
/** How often the panel asks route again (presence keeps only the users on screen current in between). */
const ONLINE_REFRESH_MS = 10_000;

export class OnlinePanel {
  /** The users shown (this user included), in route's order, a page or more. */
  users = $state<OnlineUser[]>([]);
  /** How many users are online in all. */
  count = $state(0);
  /** The filter: names starting with it (route compares canonical names). */
  prefix = $state("");
  /** Continues the list (route's nextCursor); "" when it holds every match. */
  more = $state("");
  /** Presence of the watched users, from the gateway: the last word on whether someone is online. */
  presenceOf = $state<Record<string, boolean>>({});
  /** When offline users were last online (ms since the epoch), as route said; dropped at their next presence change. */
  lastSeenOf = $state<Record<string, number>>({});
  /** Users whose "last seen" route was asked since their last presence change. */
  private askedLastSeen = new Set<string>();

  private timer: ReturnType<typeof setInterval> | undefined;
  /** Counts requests, so an older answer does not replace a newer one. */
  private requests = 0;

  /**
   * `refreshed`: called at each refresh of the timer's, so that what else lists the users online (Everyone's members
   * dialog) asks route again with it; presence comes only for watched users, never for a newcomer.
   */
  constructor(private readonly deps: { client: () => CimClient | null; me: () => string; routeDown?: () => boolean; refreshed?: () => void }) {}

  isOnline(userId: string): boolean {
    return this.presenceOf[userId] ?? this.users.some((u) => u.userId === userId);
  }

  /** When `userId` was last online, while offline (0: online, or not known). */
  lastSeen(userId: string): number {
    return this.isOnline(userId) ? 0 : (this.lastSeenOf[userId] ?? 0);
  }

  /**
   * Asks route when offline `userId` was last online: once per presence change (route hides it across a block).
   * Resolves false when route knows no such account (deleted), else true (also when not asked, or not answered).
   */
  async askLastSeen(userId: string): Promise<boolean> {
    const client = this.deps.client();
    if (!client || this.askedLastSeen.has(userId)) return true;
    this.askedLastSeen.add(userId);
    try {
      const [entry] = await client.lastSeen([userId]);
      if (this.deps.client() !== client || !this.askedLastSeen.has(userId)) return true; // signed out, or it changed meanwhile
      if (entry && !entry.online && entry.lastSeen) this.lastSeenOf = { ...this.lastSeenOf, [userId]: entry.lastSeen };
      return !!entry;
    } catch {
      this.askedLastSeen.delete(userId); // route unreachable: asked again when next shown
      return true;
    }
  }

  /** Loads the list and asks again every ONLINE_REFRESH_MS while the page is visible. */
  async start(): Promise<void> {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      // Not while the device has no network (it would only fail), nor while route is unreachable (its probe asks).
      if ((typeof document === "undefined" || document.visibilityState === "visible") && deviceOnline() && !this.deps.routeDown?.()) {
        void this.refresh();
        this.deps.refreshed?.();
      }
    }, ONLINE_REFRESH_MS);
    await this.refresh();
  }

  /** Stops asking and forgets everything (signed out). */
  reset(): void {
    clearInterval(this.timer);
    this.requests++;
    this.users = [];
    this.count = 0;
    this.prefix = "";
    this.more = "";
    this.presenceOf = {};
    this.lastSeenOf = {};
    this.askedLastSeen.clear();
  }

  /** Shows the online users whose name starts with `prefix` ("" for everyone). */
  search(prefix: string): void {
    this.prefix = prefix.trim();
    void this.refresh();
  }

  /** Adds the next page. */
  async loadMore(): Promise<void> {
    const client = this.deps.client();
    const cursor = this.more;
    if (!client || !cursor) return;
    const request = ++this.requests;
    try {
      const page = await client.onlinePage({ cursor, limit: ONLINE_PAGE_SIZE, prefix: this.prefix });
      if (this.deps.client() !== client || request !== this.requests) return;
      const listed = new Set(this.users.map((u) => u.userId));
      this.users = [...this.users, ...page.users.filter((u) => !listed.has(u.userId))];
      this.more = page.nextCursor;
      this.count = page.count;
    } catch {
      // The button stays: the user may try again.
    }
  }

  /** The list again from its start, as long as it is now (at least a page, at most four). */
  async refresh(): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    const request = ++this.requests;
    try {
      const limit = Math.min(4 * ONLINE_PAGE_SIZE, Math.max(ONLINE_PAGE_SIZE, this.users.length));
      const page = await client.onlinePage({ limit, prefix: this.prefix });
      if (this.deps.client() !== client || request !== this.requests) return;
      this.users = page.users;
      this.more = page.nextCursor;
      this.count = page.count;
    } catch {
      // Presence frames keep the list going; the next refresh asks again.
    }
  }

  private forgetLastSeen(userId: string): void {
    this.askedLastSeen.delete(userId);
    if (!(userId in this.lastSeenOf)) return;
    const { [userId]: _old, ...others } = this.lastSeenOf;
    this.lastSeenOf = others;
  }

  /** A watched user came online or went offline: the marks follow at once, and the list (a user who came online
   * goes in its place by name when the part shown holds it), not waiting for the next refresh. */
  presence(presence: Presence): void {
    if (this.presenceOf[presence.userId] !== presence.online) {
      this.presenceOf = { ...this.presenceOf, [presence.userId]: presence.online };
      // A change makes the time route said old: it is asked again when shown.
      this.forgetLastSeen(presence.userId);
    }
    if (!presence.online) {
      if (presence.userId !== this.deps.me() && this.users.some((u) => u.userId === presence.userId)) this.users = this.users.filter((u) => u.userId !== presence.userId);
      return;
    }
    const users = withOnlineUser(this.users, { userId: presence.userId, userName: presence.userName }, { prefix: this.prefix, complete: !this.more });
    if (users) this.users = users;
  }
}
