// The chat features beyond sending: typing indicators, reply, edit and delete of own messages, reactions, search and jumping
// to a message in its conversation. Owned by ChatStore; components call these methods and read this state.
import { CimApiError, TypingState, typingText, SendError, type ChatMessage, type CimClient, type SearchResult, type StoredLogin, type Typing } from "@cim/client";
import { isolate } from "./bidi.js";
import { compareIds, ErrorCode } from "@cim/protocol";
import type { ConversationList } from "./conversation-list.svelte.js";
import { kindOf, lastEditable, type Conversation, type UiMessage } from "./conversations.js";
import { describeError, describeSendError } from "./errors.js";
import type { HistoryLoader } from "./history-loader.js";
import { applyEvent, quoteExcerpt } from "./message-events.js";
import type { MessageHooks } from "./message-hook.js";
import { myReaction } from "./reactions.js";

/** History pages (of JUMP_PAGE_SIZE) loaded at most to find a message to jump to: as deep as search looks. */
const JUMP_MAX_PAGES = 10;
const JUMP_PAGE_SIZE = 200;

export interface ChatFeaturesDeps {
  client: () => CimClient | null;
  me: () => StoredLogin | null;
  conversations: ConversationList;
  hooks: MessageHooks;
  history: HistoryLoader;
  open: (key: string) => void;
  /** A private chat not in the list yet: route's list has its name. */
  refresh: () => void;
}

export interface Quote {
  msgId: string;
  fromName: string;
  /** The quoted message is this user's own: shown as "You", as chat apps do. */
  own: boolean;
  text: string;
}

/** Search results per page (route allows 50). */
export const SEARCH_PAGE = 30;

/**
 * Why a jump (a quote or a search result) shows nothing, in words: older history that could not be loaded (`error`,
 * the connection or route), a message further back than a jump loads, or one no longer kept.
 */
export function missedJumpWords(conversation: Conversation | undefined, error?: unknown): string {
  if (error !== undefined) {
    return error instanceof CimApiError && error.code === ErrorCode.RateLimited
      ? "Too many requests just now. Wait a moment, then try again."
      : "Could not load older messages. Check your connection, then try again.";
  }
  return conversation?.hasOlder ? "That message is too far back to show here." : "That message is no longer in the conversation's history.";
}

export class ChatFeatures {
  /** The message the next send replies to, in the open conversation; null when none. */
  replyingTo = $state<(Quote & { conversation: string }) | null>(null);
  /** Bumped on every typing change and lapse, so `typingIn` is read again. */
  private typingVersion = $state(0);
  private readonly typists = new TypingState();
  private lapseTimer: ReturnType<typeof setTimeout> | undefined;
  /** The own message being edited inline (its UiMessage id); "" when none. */
  editing = $state("");
  /** The message just jumped to, highlighted for a moment. */
  highlighted = $state("");
  /** Edits, deletions and reactions sent and not acknowledged yet (offline they wait): a logout now drops them. */
  unsentChanges = $state(0);
  searchQuery = $state("");
  searchResults = $state<SearchResult[]>([]);
  searchError = $state("");
  searching = $state(false);
  /** Where the search's results go on (route's next page, asked by "More results"); "" when all of them are shown. */
  searchMore = $state("");

  constructor(private readonly deps: ChatFeaturesDeps) {}

  /** "ann is typing…" for conversation `key` (the names isolated: lib/bidi.ts), or "". */
  typingIn(key: string): string {
    void this.typingVersion;
    return typingText(this.typists.who(key, Date.now()).map((typist) => ({ ...typist, userName: isolate(typist.userName) })));
  }

  /** The user typed in the open conversation (the SDK sends at most one Typing per 3 s). */
  typed(): void {
    this.deps.client()?.typing(this.deps.conversations.activeKey);
  }

  typingReceived(typing: Typing): void {
    this.typists.typing(typing, Date.now());
    this.typingChanged();
  }

  /** A message from someone ends their indicator there. */
  messageReceived(message: ChatMessage, key: string): void {
    if (this.typists.who(key, Date.now()).some((t) => t.userId === message.from)) {
      this.typists.stopped(key, message.from);
      this.typingChanged();
    }
  }

  /** The next send in `conversation` quotes `message`. */
  replyTo(conversation: Conversation, message: UiMessage): void {
    if (!message.msgId || message.deleted) return;
    this.replyingTo = { conversation: conversation.key, msgId: message.msgId, fromName: message.fromName, own: message.own, text: quoteExcerpt(message.text) };
  }

  cancelReply(): void {
    this.replyingTo = null;
  }

  /** The msgId the next send in `key` replies to (and the reply is then used up). */
  takeReply(key: string): string {
    const reply = this.replyingTo;
    this.replyingTo = null;
    return reply && reply.conversation === key ? reply.msgId : "";
  }

  /** Opens the inline editor of an own message (one at a time). */
  startEdit(message: UiMessage): void {
    if (message.own && message.msgId && !message.deleted) this.editing = message.id;
  }

  stopEdit(): void {
    this.editing = "";
  }

  /** The Up arrow in an empty composer: edits the newest own message of `conversation`; false when there is none. */
  editLast(conversation: Conversation): boolean {
    const message = lastEditable(conversation.messages);
    if (message) this.startEdit(message);
    return !!message;
  }

  /** The quoted message as loaded in `conversation`, or null when it is not loaded (or deleted). */
  quoteOf(conversation: Conversation, msgId: string): Quote | null {
    const message = conversation.messages.find((m) => m.msgId === msgId);
    if (!message) return null;
    return { msgId, fromName: message.fromName, own: message.own, text: message.deleted ? "" : quoteExcerpt(message.text) };
  }

  /** Edits an own message: the new text shows on SendAck, here and on every device. Rejects with a readable error. */
  edit(conversation: Conversation, message: UiMessage, text: string): Promise<void> {
    const body = text.trim();
    if (!body || body === message.text) return Promise.resolve();
    return this.event(conversation, message, { text: body });
  }

  /** Deletes an own message everywhere. */
  remove(conversation: Conversation, message: UiMessage): Promise<void> {
    return this.event(conversation, message, { text: "", delete: true });
  }

  /**
   * Reacts to any message with `emoji`, replacing the user's reaction there, or takes it back when it is that emoji
   * already: shown on SendAck, here and on every device. Rejects with a readable error.
   */
  toggleReaction(conversation: Conversation, message: UiMessage, emoji: string): Promise<void> {
    const me = this.deps.me();
    if (!me || !message.msgId || message.deleted) return Promise.resolve();
    return this.event(conversation, message, { text: "", reaction: myReaction(message, me.userId) === emoji ? "" : emoji });
  }

  /** Searches the user's conversations; results are newest first. */
  async search(query: string): Promise<void> {
    const client = this.deps.client();
    this.searchQuery = query;
    this.searchMore = "";
    if (!client || !query.trim()) {
      this.searchResults = [];
      this.searchError = "";
      return;
    }
    this.searching = true;
    try {
      // A route before pages answers every result it has (up to the limit), without nextCursor.
      const page = await client.searchPage(query.trim(), { limit: SEARCH_PAGE });
      if (this.searchQuery === query) {
        this.searchResults = page.results;
        this.searchMore = page.nextCursor ?? "";
        this.searchError = "";
      }
    } catch (error) {
      if (this.searchQuery === query) this.searchError = describeError(error);
    } finally {
      if (this.searchQuery === query) this.searching = false;
    }
  }

  /** The search's next page of results, after those shown (older ones). */
  async moreResults(): Promise<void> {
    const client = this.deps.client();
    const query = this.searchQuery;
    const cursor = this.searchMore;
    if (!client || !cursor || this.searching) return;
    this.searching = true;
    const current = () => this.searchQuery === query && this.searchMore === cursor;
    try {
      const page = await client.searchPage(query.trim(), { limit: SEARCH_PAGE, cursor });
      if (current()) {
        this.searchResults = [...this.searchResults, ...page.results];
        this.searchMore = page.nextCursor ?? "";
      }
    } catch (error) {
      if (current()) this.searchError = describeError(error);
    } finally {
      if (this.searchQuery === query) this.searching = false;
    }
  }

  clearSearch(): void {
    this.searchMore = "";
    this.searchQuery = "";
    this.searchResults = [];
    this.searchError = "";
  }

  /**
   * Opens conversation `key` and loads older history until `msgId` is there (up to the depth search covers);
   * true when it is shown. The caller scrolls to it.
   */
  async jumpTo(key: string, msgId: string, peerName = ""): Promise<boolean> {
    const { conversations } = this.deps;
    if (kindOf(key) === "private" && !conversations.get(key)) {
      conversations.ensure(key, peerName);
      this.deps.refresh();
    }
    this.deps.open(key);
    const conversation = conversations.get(key);
    if (!conversation) return false;
    if (!conversation.historyLoaded) await this.deps.history.latest(conversation);
    for (let page = 0; page < JUMP_MAX_PAGES && !this.has(conversation, msgId); page++) {
      const oldest = conversation.messages.find((m) => m.msgId)?.msgId;
      if (!conversation.hasOlder || (oldest && compareIds(oldest, msgId) < 0)) break;
      if ((await this.deps.history.page(conversation, oldest, JUMP_PAGE_SIZE)) === 0) break;
    }
    if (!this.has(conversation, msgId)) return false;
    this.highlighted = msgId;
    setTimeout(() => {
      if (this.highlighted === msgId) this.highlighted = "";
    }, 2_500);
    return true;
  }

  stop(): void {
    clearTimeout(this.lapseTimer);
  }

  private has(conversation: Conversation, msgId: string): boolean {
    return conversation.messages.some((m) => m.msgId === msgId);
  }

  /** Sends an edit or deletion of an own message, or (with `reaction`) a reaction to any message, and applies it. */
  private async event(conversation: Conversation, message: UiMessage, change: { text: string; delete?: boolean; reaction?: string }): Promise<void> {
    const client = this.deps.client();
    const me = this.deps.me();
    const reacting = change.reaction !== undefined;
    if (!client || !me || !message.msgId || (!reacting && !message.own)) return;
    const target = conversation.kind === "private" ? { to: conversation.peerId } : conversation.kind === "room" ? { room: conversation.key } : {};
    const fields = reacting ? { reactTo: message.msgId, reaction: change.reaction } : { editOf: message.msgId };
    this.unsentChanges++;
    try {
      const ack = await client.send({ ...target, text: change.text, ...fields, delete: change.delete });
      // This device gets no echo of its own send: apply it here, and let the hook (the cache) see it.
      const event: ChatMessage = { msgId: ack.msgId, from: me.userId, fromName: me.userName, to: conversation.peerId, room: conversation.kind === "room" ? conversation.key : "", text: change.text, ts: ack.ts, ...fields, deleted: change.delete === true };
      applyEvent(conversation, event);
      this.deps.hooks.emit(event, { me, source: "sent", peerName: conversation.kind === "private" ? conversation.title : "" });
    } catch (error) {
      throw new Error(error instanceof SendError ? `Not changed. ${describeSendError(error)}` : describeError(error));
    } finally {
      this.unsentChanges--;
    }
  }

  private typingChanged(): void {
    this.typingVersion++;
    clearTimeout(this.lapseTimer);
    const next = this.typists.nextLapse(Date.now());
    if (next !== null) this.lapseTimer = setTimeout(() => this.typingChanged(), Math.max(0, next - Date.now()) + 50);
  }
}
