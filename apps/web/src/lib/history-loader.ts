// History for the conversations: the newest page when one is opened, older pages on scroll, the IndexedDB cache at start.
import { CimApiError, type CimClient, type StoredLogin } from "@cim/client";
import { config } from "./config.js";
import type { ConversationList } from "./conversation-list.svelte.js";
import { lastActivity, oldestMsgId, UNNAMED_PEER_TITLE, unreadStartLoaded, type Conversation } from "./conversations.js";
import { recentMessages } from "./message-db.js";
import type { MessageHooks } from "./message-hook.js";
import { PreviewQueue } from "./preview-queue.js";
import { storedNotice, withStored } from "./room-notices.js";

export interface HistoryLoaderDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
  me: () => StoredLogin | null;
  conversations: ConversationList;
  hooks: MessageHooks;
  /** The newest page of a conversation was merged (the store marks the open one read). */
  loaded: (conversation: Conversation) => void;
}

export class HistoryLoader {
  /** The previews asked with one client (a sign-in asks again). */
  private previewQueue: PreviewQueue | null = null;
  private previewsFor: CimClient | null = null;

  constructor(private readonly deps: HistoryLoaderDeps) {}

  /**
   * The newest page, once; a failure (not online yet) leaves it for the next open or reconnect. With `unread` messages
   * after `readUpTo`, the page is large enough to hold them all and a few read ones before them, and older pages
   * follow while the first unread one is not in (up to `config.unreadLoadMax` messages), so the list can open there,
   * below its "New messages" line.
   */
  async latest(conversation: Conversation, unread = 0, readUpTo = ""): Promise<void> {
    conversation.loadingLatest = true;
    try {
      await this.page(conversation, undefined, latestPageSize(unread));
      while (unread > 0 && conversation.messages.length < config.unreadLoadMax && !unreadStartLoaded(conversation, readUpTo)) {
        const before = oldestMsgId(conversation.messages);
        if (!before || (await this.page(conversation, before, config.unreadPageMax)) === 0) break;
      }
      conversation.historyLoaded = true;
      this.deps.loaded(conversation);
    } catch {
      // Not online yet: the next open or reconnect loads it.
    } finally {
      conversation.loadingLatest = false;
    }
  }

  /** The page before the oldest message shown; false when there is nothing older. */
  async older(conversation: Conversation): Promise<boolean> {
    if (!conversation.hasOlder || conversation.loadingOlder || !this.deps.client()) return false;
    const before = oldestMsgId(conversation.messages);
    if (!before) return false;
    conversation.loadingOlder = true;
    try {
      return (await this.page(conversation, before)) > 0;
    } finally {
      conversation.loadingOlder = false;
    }
  }

  /** Merges one page of history (the newest, or the one before `before`); returns how many messages came. */
  async page(conversation: Conversation, before?: string, limit: number = config.historyPageSize): Promise<number> {
    return (await this.pageOf(conversation, before, limit)).count;
  }

  /** `page`, and the msgId of the page's oldest entry (a message or an event; "" for none). */
  private async pageOf(conversation: Conversation, before: string | undefined, limit: number): Promise<{ count: number; oldest: string }> {
    const none = { count: 0, oldest: "" };
    const client = this.deps.client();
    const me = this.deps.me();
    if (!client || !me) return none;
    const target = conversation.kind === "private" ? { withUser: conversation.peerId } : conversation.kind === "room" ? { room: conversation.key } : {};
    const { messages: page, events, peerGone } = await client.historyPage({ ...target, before, limit });
    if (this.deps.client() !== client) return none;
    // The peer deleted its account: the chat says so in place of the message box, before a send is refused.
    if (peerGone) this.deps.conversations.peerGone(conversation.key);
    // What happened to the room on this page (renames, members coming and going): their lines, after a reload or on
    // another device too.
    const notices = events.map((event) => storedNotice(event, me.userId)).filter((notice) => notice !== null);
    if (notices.length > 0) conversation.notices = withStored(conversation.notices ?? [], notices);
    // No name yet ("Private chat"): none is handed on (the message hook keeps it with each message in the cache).
    const peerName = conversation.kind === "private" && conversation.title !== UNNAMED_PEER_TITLE ? conversation.title : "";
    this.deps.conversations.addStored(page, () => peerName);
    for (const message of page) this.deps.hooks.emit(message, { me, source: "history", peerName });
    if (page.length < limit && (before || !conversation.historyLoaded)) conversation.hasOlder = false;
    return { count: page.length, oldest: page[0]?.msgId ?? "" };
  }

  /**
   * A preview's pages: the newest, then older ones while they held only events (reactions, edits, deletions of
   * older messages) and left nothing to show, up to `config.previewPages`.
   */
  private async previewPages(conversation: Conversation, client: CimClient): Promise<void> {
    let before: string | undefined;
    for (let i = 0; i < config.previewPages; i++) {
      if (this.deps.client() !== client || conversation.historyLoaded) return;
      const { count, oldest } = await this.pageOf(conversation, before, config.previewPageSize);
      if (conversation.messages.length > 0 || count < config.previewPageSize || !oldest) return;
      before = oldest;
    }
  }

  /**
   * The newest message of each listed conversation this device has none of (a new device, an emptied cache), so
   * the list previews it; the newest `config.previewLimit` such conversations, one message each. Route's list
   * previews each conversation's newest message itself: only those it could not (none among its newest 20 entries,
   * or a route before it) are asked here.
   */
  previews(): void {
    const bare = this.deps.conversations.items.filter((c) => c.lastMsgId && unloaded(c));
    bare.sort((a, b) => lastActivity(b) - lastActivity(a));
    for (const conversation of bare.slice(0, config.previewLimit)) this.preview(conversation, true, true);
  }

  /**
   * The newest message of one conversation that has none loaded, for the list's preview (with the reactions and edits
   * after it, which may be the newest entries): asked once per sign-in, a few
   * at a time (`PreviewQueue`). `shown` false: the list no longer shows it, and it is not asked unless `pinned` (one of
   * the newest, asked at sign-in).
   */
  preview(conversation: Conversation, shown = true, pinned = false): void {
    const client = this.deps.client();
    if (!client) return;
    const queue = this.previewsOf(client);
    if (!shown) return queue.drop(conversation.key);
    if (!conversation.lastMsgId || !unloaded(conversation)) return;
    queue.add(conversation.key, async () => {
      // Opened, or signed out, before its turn.
      if (this.deps.client() === client && unloaded(conversation)) await this.previewPages(conversation, client);
    }, pinned);
  }

  private previewsOf(client: CimClient): PreviewQueue {
    if (this.previewsFor !== client || !this.previewQueue) {
      this.previewQueue?.close();
      this.previewQueue = new PreviewQueue({ inFlight: config.previewsInFlight, retryAfterMs: rateLimitedRetryMs });
      this.previewsFor = client;
    }
    return this.previewQueue;
  }

  /** The newest messages kept in this device's IndexedDB, shown before the session is live. */
  async cached(userId: string): Promise<void> {
    try {
      const cached = await recentMessages(userId, config.cachedMessagesLimit);
      if (this.deps.me()?.userId !== userId) return;
      this.deps.conversations.addStored(cached, (message) => message.peerName);
    } catch (error) {
      console.warn("message cache unavailable", error);
    }
  }
}

/** The newest page's size for a conversation with `unread` messages: a few more than that, at least the usual page. */
function latestPageSize(unread: number): number {
  return Math.min(config.unreadPageMax, Math.max(config.historyPageSize, unread + UNREAD_CONTEXT));
}

/** Read messages above the first unread one in the newest page: what the conversation was about. */
const UNREAD_CONTEXT = 10;

/** No message of it is here yet, nor route's preview of its newest (the list's answer carries it). */
function unloaded(conversation: Conversation): boolean {
  return conversation.messages.length === 0 && !conversation.historyLoaded && !conversation.preview;
}

/** A preview refused as too many (route's per-user limit) is asked again after route's Retry-After; others are not. */
function rateLimitedRetryMs(error: unknown): number | undefined {
  if (!(error instanceof CimApiError) || error.status !== 429) return undefined;
  return error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : config.previewRetryMs;
}
