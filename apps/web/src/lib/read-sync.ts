// Unread counts and read marks with the server: route's conversation list, markRead of the open conversation,
// Read frames (this user's other devices, a peer's "seen").
import type { CimClient, ConversationSummary, MyRoom, Read } from "@cim/client";
import type { ConversationList } from "./conversation-list.svelte.js";
import { isNewer, newestMsgId } from "./conversations.js";

export interface ReadSyncDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
  /** The signed-in user's id, "" while not signed in. */
  me: () => string;
  conversations: ConversationList;
  /** Route's list was applied (the store fills in the previews this device lacks); `dropped`: the rooms it no longer names. */
  listed?: (dropped: Array<{ key: string; title: string }>) => void;
}

/** Conversations per page of route's list: the first page at sign-in and after each change, more as the list scrolls. */
export const CONVERSATION_PAGE = 30;
/**
 * Pages read after the first one without waiting for a scroll, a short pause apart: the tab's unread count and the
 * list's filter cover every conversation of a user in up to 300 of them; past that, scrolling asks for more.
 */
export const BACKGROUND_PAGES = 9;
const BACKGROUND_PAUSE_MS = 250;

/** The rooms' visibility and owner as a page tells them; null when it does not (a route before pages: ask its rooms). */
function roomsIn(summaries: readonly ConversationSummary[]): Array<Pick<MyRoom, "roomId" | "visibility" | "owner">> | null {
  const rooms = summaries.filter((summary) => summary.kind === "room");
  if (rooms.some((room) => room.visibility === undefined)) return null;
  return rooms.map((room) => ({ roomId: room.conversation, visibility: room.visibility!, owner: room.owner }));
}

export class ReadSync {
  /** One request for route's list at a time; asks made meanwhile make exactly one more. */
  private refreshing = false;
  private refreshAgain = false;
  /** The pages read since route's first page was: what they listed, and the membership mark taken before it. */
  private pass = { listed: new Set<string>(), mark: 0 };
  /** The next page's request while one is under way (the end of the list seen again meanwhile asks nothing more). */
  private loadingMore: Promise<boolean> | null = null;

  constructor(private readonly deps: ReadSyncDeps) {}

  /** Asks route for the user's conversations with their unread counts. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        await this.fetch();
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  /**
   * The open conversation is read up to the newest message that has been on screen while the user could see it
   * (its list tells, `ConversationList.shownUpTo`): scrolling down through unread messages reads them as they show;
   * a message below the screen stays unread, for every device, the counts and a peer's "seen".
   */
  markActiveRead(): void {
    const client = this.deps.client();
    const { conversations } = this.deps;
    const conversation = conversations.active;
    if (!client || !this.deps.me() || !conversations.onScreen) return;
    const newest = newestMsgId(conversation);
    const upTo = isNewer(conversations.shownUpTo, newest) ? newest : conversations.shownUpTo;
    if (!upTo || !isNewer(upTo, conversation.readUpTo)) return;
    conversations.read(conversation.key, upTo);
    try {
      client.markRead(conversation.key, upTo);
    } catch (error) {
      console.warn("could not mark read", error);
    }
  }

  /**
   * "Mark all read": every listed conversation with unread messages is read up to its newest message, here and (Read
   * frames) on every device and in route's counts; a private peer sees "seen". How many were marked.
   */
  markAllRead(): number {
    const client = this.deps.client();
    if (!client || !this.deps.me()) return 0;
    let marked = 0;
    for (const conversation of this.deps.conversations.ordered) {
      const newest = newestMsgId(conversation);
      if (conversation.unread <= 0 || !newest) continue;
      this.deps.conversations.read(conversation.key, newest);
      try {
        client.markRead(conversation.key, newest);
        marked++;
      } catch (error) {
        console.warn("could not mark read", error);
      }
    }
    return marked;
  }

  /** A read position: this user's (from any device: unread counts sync) or a private peer's ("seen"). */
  read(read: Read): void {
    const me = this.deps.me();
    if (!me) return;
    if (read.by !== me) {
      this.deps.conversations.receipt(read.conversation, "seen", read.msgId);
    } else if (this.deps.conversations.readElsewhere(read.conversation, read.msgId)) {
      // Read up to a message older than those loaded: only route can count what is left.
      void this.refresh();
    }
  }

  /**
   * Route's next page of the list (the user scrolled to its end); true when one came. Each conversation comes once
   * over the pages, at its place when the first page was read; rooms route no longer lists are dropped once the last
   * page came, as with a whole list.
   */
  loadMore(): Promise<boolean> {
    this.loadingMore ??= this.fetchMore().finally(() => (this.loadingMore = null));
    return this.loadingMore;
  }

  /** The pages after the first, up to BACKGROUND_PAGES, while `pass` is the current one (a new first page starts over). */
  private async readOn(pass: ReadSync["pass"]): Promise<void> {
    for (let page = 0; page < BACKGROUND_PAGES && this.deps.conversations.more; page++) {
      await new Promise((resolve) => setTimeout(resolve, BACKGROUND_PAUSE_MS));
      if (pass !== this.pass || !(await this.loadMore())) return;
    }
  }

  private async fetchMore(): Promise<boolean> {
    const client = this.deps.client();
    const { conversations } = this.deps;
    const cursor = conversations.more;
    if (!client || !cursor) return false;
    const pass = this.pass;
    try {
      const page = await client.conversationPage({ cursor, limit: CONVERSATION_PAGE });
      // Signed out, or the first page read again meanwhile (its own pages go on from there).
      if (this.deps.client() !== client || pass !== this.pass) return false;
      for (const summary of page.conversations) pass.listed.add(summary.conversation);
      const next = page.nextCursor ?? "";
      const dropped = conversations.applySummaries(page.conversations, roomsIn(page.conversations), pass.mark, next ? null : pass.listed);
      conversations.more = next;
      this.deps.listed?.(dropped);
      return true;
    } catch (error) {
      // The end of the list stays where it is; scrolling there again asks again.
      console.warn("more conversations unavailable", error);
      return false;
    }
  }

  private async fetch(): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    const { conversations } = this.deps;
    const mark = conversations.membershipMark;
    try {
      // The first page: a user in thousands of conversations gets the newest, and more as the list scrolls. A route
      // before pages answers the whole list, without nextCursor.
      const page = await client.conversationPage({ limit: CONVERSATION_PAGE });
      const rooms = roomsIn(page.conversations) ?? (await client.rooms().catch(() => null));
      if (this.deps.client() !== client) return;
      const next = page.nextCursor ?? "";
      this.pass = { listed: new Set(page.conversations.map((summary) => summary.conversation)), mark };
      const dropped = conversations.applySummaries(page.conversations, rooms, mark, next ? null : undefined);
      conversations.more = next;
      this.markActiveRead();
      this.deps.listed?.(dropped);
      if (next) void this.readOn(this.pass);
    } catch (error) {
      // Live messages keep the counts going; the next reconnect or membership change asks again.
      console.warn("conversation list unavailable", error);
    }
  }
}
