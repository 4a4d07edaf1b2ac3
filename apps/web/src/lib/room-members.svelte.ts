// The member list shown for one room: loaded from route a page at a time, reloaded on membership events, online
// state from presence. A room of thousands (and Everyone, whose members are every user: its list is a page of the
// users online) is never asked for whole, which is megabytes: the first page, then more on request, and a mention
// being typed asks for the members whose names start with what is typed.
import type { Presence, UserEntry } from "@cim/client";
import { EVERYONE_ROOM } from "./conversations.js";

/** Members asked for per page (route's default); Everyone's online users likewise. */
export const MEMBERS_PAGE = 50;
/** Everyone's online users listed at first, by name; the others are found by the start of their names. */
export const EVERYONE_SHOWN = MEMBERS_PAGE;
/** The most one request asks for (route's bound): a list reloaded after a change asks for what it showed, up to this. */
const MOST_PER_REQUEST = 200;

/** One page of a room's members: `count` members in all (Everyone: users online), `nextCursor` "" at the end. */
export interface MembersPage {
  members: UserEntry[];
  count: number;
  nextCursor: string;
}

/** Members by page as loaded, each page's online members first, then by name: a page shown more adds below. */
export function pageOrder(list: readonly UserEntry[], pageOf: ReadonlyMap<string, number>): UserEntry[] {
  return [...list].sort((a, b) => (pageOf.get(a.userId) ?? 0) - (pageOf.get(b.userId) ?? 0) || Number(b.online) - Number(a.online) || a.userName.localeCompare(b.userName));
}

/** The members in the order of their places (`RoomMembers.rank`). */
function inRankOrder(list: readonly UserEntry[], rank: ReadonlyMap<string, number>): UserEntry[] {
  return [...list].sort((a, b) => (rank.get(a.userId) ?? 0) - (rank.get(b.userId) ?? 0));
}

/** A place between two others (either may be missing: before the first, after the last, the first of all). */
function between(before: number | undefined, after: number | undefined): number {
  if (before === undefined) return after === undefined ? 0 : after - 1;
  return after === undefined ? before + 1 : (before + after) / 2;
}

export class RoomMembers {
  /** The room whose members are shown; "" when the list is closed. */
  roomId = $state("");
  list = $state<UserEntry[]>([]);
  /** How many members the room has (Everyone: users online when the list was loaded); with a prefix, those matching. */
  count = $state(0);
  /** Continues the list ("" when every member matching is loaded). */
  nextCursor = $state("");
  loading = $state(false);
  error = $state("");
  /**
   * The members whose rows the dialog shows on screen (their presence is asked for); null while nothing says (the
   * mention list: the members listed, a page of those whose names start with what is typed).
   */
  shown = $state<string[] | null>(null);
  /**
   * Where each member's row stands (set with `list`): a page's rows are placed as `pageOrder` says when they come,
   * then never moved, so a list asked for again (Everyone's every 10 s, a room's at each membership change) or a
   * member's presence changing does not reorder the rows under a user scrolling them.
   */
  private rank = new Map<string, number>();
  /** The rows in their places: each page's online members first, then by name, page by page, as they came. */
  sorted = $derived(inRankOrder(this.list, this.rank));
  /** Every member matching is listed. */
  complete = $derived(this.nextCursor === "");

  /** The start of the names listed ("" all of them). */
  private prefix = "";
  private requests = 0;

  constructor(
    private readonly load: (roomId: string, prefix: string, cursor: string, limit: number) => Promise<MembersPage>,
    private readonly describe: (error: unknown) => string,
  ) {}

  show(roomId: string): void {
    this.roomId = roomId;
    this.shown = null;
    this.prefix = "";
    this.list = [];
    void this.reload();
  }

  /**
   * A mention is being typed in `roomId`: the members whose names start with what is typed (`query`) are asked for,
   * again as it changes (each "@" started asks again). The list shown meanwhile stays.
   */
  mention(roomId: string, query: string): void {
    if (roomId !== this.roomId) {
      this.list = [];
      this.shown = null;
    }
    this.roomId = roomId;
    this.prefix = query;
    void this.reload();
  }

  hide(): void {
    this.roomId = "";
    this.shown = null;
    this.list = [];
    this.nextCursor = "";
    this.error = "";
    this.requests++;
  }

  /**
   * Someone joined, left or was invited to `roomId` (or, for Everyone, the online panel's 10 s refresh): the list is
   * asked for again when it shows that room, quietly: "Show more" stays as it is (it said "Loading…", disabled, at
   * every refresh, under the finger of a user about to press it), and a page being loaded is not dropped (a refresh
   * waits for it, then asks).
   */
  changed(roomId: string): void {
    if (roomId !== this.roomId) return;
    if (this.loading || this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    void this.refresh();
  }

  private refreshing = false;
  /** A change came while a load or refresh was in flight: asked for again once it ends. */
  private refreshAgain = false;

  private async refresh(): Promise<void> {
    const { roomId, prefix } = this;
    const request = this.requests; // a show, mention or more started meanwhile (each counts) takes precedence
    this.refreshing = true;
    try {
      const page = await this.load(roomId, prefix, "", Math.min(MOST_PER_REQUEST, Math.max(MEMBERS_PAGE, this.list.length)));
      if (request !== this.requests || roomId !== this.roomId) {
        this.refreshAgain ||= roomId === this.roomId;
        return;
      }
      this.merge(page);
      this.count = page.count;
      this.nextCursor = page.nextCursor;
      this.error = "";
    } catch (error) {
      if (request === this.requests) this.error = this.describe(error);
    } finally {
      this.refreshing = false;
      this.again();
    }
  }

  /** Runs the refresh a change asked for while something was loading. */
  private again(): void {
    if (!this.refreshAgain || this.loading || this.refreshing) return;
    this.refreshAgain = false;
    this.changed(this.roomId);
  }

  /** The next page, added below the members shown. */
  async more(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const { roomId, prefix, nextCursor } = this;
    const request = ++this.requests;
    await this.run(request, () => this.load(roomId, prefix, nextCursor, MEMBERS_PAGE), (page) => {
      const added = page.members.filter((m) => !this.rank.has(m.userId));
      const last = Math.max(-1, ...this.rank.values());
      pageOrder(added, new Map()).forEach((member, i) => this.rank.set(member.userId, last + 1 + i));
      this.list = [...this.list, ...added];
    });
  }

  /** Keeps the online marks current; Everyone's list (its online members) gains and loses users. */
  presence(presence: Presence): void {
    if (!this.roomId) return;
    const member = this.list.find((m) => m.userId === presence.userId);
    if (member) member.online = presence.online;
    if (this.roomId !== EVERYONE_ROOM) return;
    if (!presence.online) this.list = this.list.filter((m) => m.userId !== presence.userId);
    else if (!member && this.list.length < EVERYONE_SHOWN && presence.userName.toLowerCase().startsWith(this.prefix.toLowerCase())) {
      const rows = inRankOrder(this.list, this.rank);
      const next = rows.find((m) => m.userName.localeCompare(presence.userName) > 0);
      const before = next ? rows[rows.indexOf(next) - 1] : rows.at(-1);
      this.rank.set(presence.userId, between(before && this.rank.get(before.userId), next && this.rank.get(next.userId)));
      this.list.push({ userId: presence.userId, userName: presence.userName, online: true });
    }
  }

  /** The first page of the members matching, in place of the list shown. */
  private async reload(): Promise<void> {
    const { roomId, prefix } = this;
    const request = ++this.requests;
    await this.run(request, () => this.load(roomId, prefix, "", MEMBERS_PAGE), (page) => {
      this.rank = new Map(pageOrder(page.members, new Map()).map((m, i) => [m.userId, i]));
      this.list = page.members;
    });
  }

  /**
   * The first page again, merged into the rows shown: those listed keep their places (and take the page's online
   * state), those the page covers but no longer lists leave, newcomers go in after the member route lists before
   * them. Rows below the page's last (the list was longer than a request may ask for, or newcomers pushed some past
   * its end) are not covered: they stay.
   */
  private merge(page: MembersPage): void {
    const answered = new Map(page.members.map((m) => [m.userId, m]));
    const covered = page.nextCursor === "" ? Infinity : Math.max(-Infinity, ...page.members.map((m) => this.rank.get(m.userId) ?? -Infinity));
    const kept = this.list.filter((m) => answered.has(m.userId) || (this.rank.get(m.userId) ?? 0) > covered);
    for (const member of kept) {
      const fresh = answered.get(member.userId);
      if (fresh) Object.assign(member, fresh);
    }
    for (const member of this.list) if (!kept.includes(member)) this.rank.delete(member.userId);
    let previous: number | undefined;
    const added: UserEntry[] = [];
    for (const member of page.members) {
      if (!this.rank.has(member.userId)) {
        const after = previous ?? -Infinity;
        const next = Math.min(Infinity, ...[...this.rank.values()].filter((r) => r > after));
        this.rank.set(member.userId, between(previous ?? (next === Infinity ? undefined : next - 1), next === Infinity ? undefined : next));
        added.push(member);
      }
      previous = this.rank.get(member.userId);
    }
    this.list = [...kept, ...added];
  }

  /** Runs one request; its answer is taken (`take`, then the count and cursor) only if no newer one went out. */
  private async run(request: number, ask: () => Promise<MembersPage>, take: (page: MembersPage) => void): Promise<void> {
    this.loading = true;
    this.error = "";
    try {
      const page = await ask();
      if (request !== this.requests) return;
      take(page);
      this.count = page.count;
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (request === this.requests) this.error = this.describe(error);
    } finally {
      if (request === this.requests) this.loading = false;
      this.again();
    }
  }
}
