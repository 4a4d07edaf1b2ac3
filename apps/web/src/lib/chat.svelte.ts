// ChatStore: owns this tab's CimClient (through SignIn) and the reactive state of the chat; components only call its
// methods. Its parts each do one job; this file puts them together and offers what components call.
import { untrack } from "svelte";
import type { CimClient, ConnectionState, StoredLogin } from "@cim/client";
import { AccountActions } from "./account-actions.js";
import { Attention } from "./attention.svelte.js";
import { config } from "./config.js";
import { ChatFeatures } from "./chat-features.svelte.js";
import { ConversationList } from "./conversation-list.svelte.js";
import { EVERYONE_ROOM, type Conversation, type UiMessage } from "./conversations.js";
import { DeliveryWatch } from "./delivery-watch.svelte.js";
import { Drafts } from "./drafts.svelte.js";
import { focusLost } from "./focus-lost.js";
import { describeError } from "./errors.js";
import { HistoryLoader } from "./history-loader.js";
import { RouteWatch } from "./route-watch.svelte.js";
import { Incoming } from "./incoming.js";
import { persistMessage } from "./message-db.js";
import { MessageHooks, type MessageHandler } from "./message-hook.js";
import { unreadMentions } from "./mentions.js";
import { Mutes } from "./mutes.svelte.js";
import { PendingLogouts } from "./pending-logouts.svelte.js";
import { RoomArrivals } from "./room-arrivals.js";
import { Blocks } from "./blocks.svelte.js";
import { onBlockedGateway } from "./policy-watch.js";
import { Preferences } from "./preferences.svelte.js";
import { ReadSync } from "./read-sync.js";
import { RoomActions } from "./room-actions.js";
import { RoomMembers } from "./room-members.svelte.js";
import { enterConversationScreen, leaveConversationScreen, narrowScreen, onScreenHistory } from "./screen-history.js";
import { Sender } from "./sender.js";
import { loadKeepMessages } from "./session.js";
import { SignIn, type Phase } from "./sign-in.svelte.js";
import { OnlinePanel } from "./online-panel.svelte.js";
import { watchedUsers } from "./watched-users.js";
import { saveList, saveOpen } from "./view-memory.js";

export type { Phase } from "./sign-in.svelte.js";

export class ChatStore {
  /** Messages the SDK dropped as not newer than the last of their stream, over this tab's life (should stay 0). */
  duplicatesDropped = $state(0);
  /** The browser says it has a network (navigator.onLine): without one the badge says so rather than blaming route. */
  network = $state(typeof navigator === "undefined" || navigator.onLine);
  /** Bumped when the message box should take the focus: signed in, a conversation chosen. */
  composerFocus = $state(0);
  /**
   * Bumped when the user means to type at once (Reply): the message box takes the focus on a touch screen too, where
   * composerFocus leaves it (the keyboard would cover the conversation), as a phone's chat app opens its keyboard.
   */
  composerWrite = $state(0);
  /** Narrow screens show either the list or the open conversation: true for the conversation. */
  showingConversation = $state(false);
  /** The open conversation's list is scrolled up from its newest message (MessageList tells): what comes stays unread. */
  private readingOlder = false;
  /** The open conversation is on screen: the tab is visible and, on a narrow screen, shows it rather than the list. */
  private conversationOnScreen = $state(false);
  /** "You were removed from <room>" after a room's owner removed this user, and the rooms it names; dismissed by the user. */
  private removal = $state({ text: "", rooms: [] as string[] });
  /**
   * "ann added you to …" ("" none), until the user opens that room (here, or on another device: route's list then
   * gives its `eventsSeen` at `seenFrom` or later) or dismisses it; a removal notice comes first.
   */
  private addition = $state({ text: "", room: "", seenFrom: 0 });
  /** The user was looking at this tab at the last `watch` (coming back to it asks whether the room was opened elsewhere). */
  private looking = false;
  /** Theme, notifications and sound on this device. */
  readonly prefs = new Preferences();
  /** Announcements, desktop notifications and sound for messages from others. */
  readonly attention = new Attention(this.prefs, (key) => this.openConversation(key));
  /** Own sends waiting for their SendAck: "connected, but messages are delayed". */
  readonly delivery = new DeliveryWatch(config.sendDelayedAfterMs);
  readonly conversations = new ConversationList(() => this.me?.userId ?? "", (userId) => this.blocks.has(userId));
  readonly hooks = new MessageHooks();
  /** Unsent text per conversation, kept across switching and reloads. */
  readonly drafts = new Drafts();
  /** Conversations muted on this device: no notification, sound or title count. */
  readonly mutes = new Mutes();
  /** Unread messages that ask for attention (title and tab icon): those of conversations not muted, and a muted room's mentions of the user. */
  readonly alertingUnread = $derived(this.conversations.items.reduce((sum, c) => sum + (this.mutes.has(c.key) ? this.mutedMentions(c) : c.unread), 0));
  /** Rooms and users: create, browse, join, leave, invite, search (route calls with this tab's session). */
  readonly rooms = new RoomActions({ client: () => this.client, conversations: this.conversations, open: (key) => this.openConversation(key), refresh: () => this.refreshConversations() });
  /** Logouts route has not heard yet (made without a network): sent when it answers, from any tab of this device. */
  readonly logouts = new PendingLogouts();
  /** The password and the other devices' logins (settings). */
  readonly account = new AccountActions({ client: () => this.client });
  /** Whom this user blocks: read at sign-in and reconnect, changed from the conversation header and the settings, and live from its other devices. */
  readonly blocks = new Blocks({ client: () => this.client });
  readonly members = new RoomMembers((roomId, prefix, cursor, limit) => this.rooms.members(roomId, prefix, cursor, limit), describeError);
  /** The open room's members offered when an `@` is typed in the composer (loaded at the first one). */
  readonly mentionable = new RoomMembers((roomId, prefix, cursor, limit) => this.rooms.members(roomId, prefix, cursor, limit), describeError);
  /** Who is online: route's paged list and the presence of the users on screen. */
  // Everyone's members dialog lists users online: asked again with the panel, its rows follow newcomers as its count does.
  readonly online = new OnlinePanel({ client: () => this.client, me: () => this.me?.userId ?? "", routeDown: (): boolean => this.route.unreachable, refreshed: () => this.members.changed(EVERYONE_ROOM) });
  /** Whether route answers; when it is back after an outage, what failed meanwhile is asked again. */
  readonly route = new RouteWatch({ back: () => void this.signIn.catchUp(), probe: (): Promise<void> => this.online.refresh(), timing: config.routeRetry, slowMs: config.routeSlowMs });
  /** History pages and the IndexedDB cache; a loaded page of the open conversation is marked read. */
  private readonly history = new HistoryLoader({ client: () => this.client, me: () => this.me, conversations: this.conversations, hooks: this.hooks, loaded: () => this.sync.markActiveRead() });
  /** Own messages: shown at once, sent (or kept until signed in), marked on SendAck; not a member: ask route again. */
  private readonly sender = new Sender({ client: () => this.client, ready: () => this.phase === "signedIn", me: () => this.me, conversations: this.conversations, hooks: this.hooks, notMember: () => void this.refreshConversations(), watch: this.delivery });
  /** Typing indicators, reply, edit and delete, search and jumping to a message. */
  readonly features = new ChatFeatures({
    client: () => this.client, me: () => this.me, conversations: this.conversations, hooks: this.hooks, history: this.history,
    open: (key) => this.openConversation(key), refresh: () => void this.refreshConversations(),
  });
  /** Unread counts and read marks: route's list, markRead of the open conversation, Read frames. */
  private readonly sync = new ReadSync({ client: () => this.client, me: () => (this.phase === "signedIn" ? (this.me?.userId ?? "") : ""), conversations: this.conversations, listed: (dropped) => this.signIn.listed(dropped) });
  /** Rooms the user was added to while no tab of theirs heard it: "ann added you to …" once route lists them here. */
  private readonly arrivals = new RoomArrivals({ client: () => this.client, me: () => this.me, rooms: () => this.conversations.items, tell: (text, roomId) => this.tellAdded(text, roomId) });
  /** What the gateway pushes: messages, presence, receipts, room events, typing, blocks made elsewhere. */
  private readonly incoming = new Incoming({
    me: () => this.me, conversations: this.conversations, sync: this.sync, features: this.features, attention: this.attention, mutes: this.mutes,
    blocks: this.blocks, hooks: this.hooks, members: this.members, mentionable: this.mentionable, online: this.online, delivery: this.delivery,
    refresh: () => void this.refreshConversations(), notice: (text, roomId) => this.tellRoomsGone(text, [roomId]), added: (text, roomId) => this.tellAdded(text, roomId), heardRoom: (roomId) => this.arrivals.heard(roomId), readElsewhere: (key) => this.readElsewhere(key), duplicate: () => void this.duplicatesDropped++,
  });

  /** The users on screen whose presence matters: the open chat's peer, the members shown, the chats, the panel. */
  private readonly watched = $derived(watchedUsers({
    me: this.me?.userId ?? "",
    activePeer: this.conversations.active.peerId,
    members: this.members.roomId ? (this.members.shown ?? this.members.list.map((m) => m.userId)) : [],
    chatPeers: this.conversations.chats.map((c) => c.peerId),
    panel: this.online.users.map((u) => u.userId),
  }));
  /** The conversations whose typing this tab shows (the gateway sends no other): the open one, while on screen. */
  private readonly typingShown = $derived(this.conversationOnScreen ? [this.conversations.activeKey] : []);
  /** The login: restored, signed in, resumed, signed out; the client and its lifecycle. */
  private readonly signIn: SignIn = new SignIn({ store: this, history: this.history, sender: this.sender, incoming: this.incoming, arrivals: this.arrivals, watched: () => this.watched, typingShown: () => this.typingShown });

  constructor(options: { persist?: boolean } = {}) {
    if (options.persist !== false) this.hooks.onMessage(persistMessage);
    // The gateway tells presence only of the users a session names: name what is on screen, whenever it changes.
    $effect.root(() => {
      $effect(() => {
        const userIds = this.watched;
        untrack(() => this.client?.subscribePresence(userIds));
      });
      $effect(() => {
        const conversations = this.typingShown;
        untrack(() => this.client?.subscribeTyping(conversations));
      });
    });
  }

  /** The removal notice ("" none), until a room it names is listed again (invited back, joined): then it is no longer true. */
  get roomNotice(): string {
    const removal = this.removal.rooms.some((key) => this.conversations.get(key)) ? "" : this.removal.text;
    const added = this.conversations.get(this.addition.room);
    // Opened on another device since (an empty room has no message whose Read would say so): seen there.
    return removal || (added && (added.eventsSeen ?? 0) < this.addition.seenFrom ? this.addition.text : "");
  }

  /** The room the notice shown is about, when it is "… added you to" one ("" otherwise): the notice offers to open it. */
  get roomNoticeRoom(): string {
    return this.roomNotice && this.roomNotice === this.addition.text ? this.addition.room : "";
  }

  /** This user read conversation `key` on another device: an "… added you to" notice of that room has been seen. */
  readElsewhere(key: string): void {
    if (this.addition.room === key) this.addition = { text: "", room: "", seenFrom: 0 };
  }

  set roomNotice(text: string) {
    this.removal = { text, rooms: [] };
    this.addition = { text: "", room: "", seenFrom: 0 };
  }

  /** "ann added you to …" (with Open) for room `roomId`, until the user opens it, reads it elsewhere or dismisses it. */
  tellAdded(text: string, roomId: string): void {
    this.addition = { text, room: roomId, seenFrom: (this.conversations.get(roomId)?.eventsSeen ?? 0) + 1 };
  }

  /** Says that this user is no longer in `rooms`. */
  tellRoomsGone(text: string, rooms: string[]): void {
    this.removal = { text, rooms };
  }

  get phase(): Phase {
    return this.signIn.phase;
  }
  get connection(): ConnectionState {
    return this.signIn.connection;
  }
  get me(): StoredLogin | null {
    return this.signIn.me;
  }
  get gatewayId(): string {
    return this.signIn.gatewayId;
  }
  /** Why the last register, login or resume failed; shown on the login screen (which clears it). */
  get error(): string {
    return this.signIn.error;
  }
  set error(error: string) {
    this.signIn.error = error;
  }
  /** The user name of a login that ended without the user asking: the login screen offers it again. */
  get signedOutAs(): string {
    return this.signIn.signedOutAs;
  }
  get busy(): boolean {
    return this.signIn.busy;
  }
  /** While busy: why it takes long (route not answering, asked again); "" otherwise. */
  get waiting(): string {
    return this.signIn.waiting;
  }
  private get client(): CimClient | null {
    return this.signIn.client;
  }

  /** The message hook: `handler` sees every message that reaches this tab; returns an unsubscribe function. */
  onMessage(handler: MessageHandler): () => void {
    return this.hooks.onMessage(handler);
  }

  /**
   * What arrives in the open conversation is read only while the user sees it: the tab is visible and its window
   * has the focus (a window beside the one the user works in is visible, not read: as chat apps, it is read when they
   * come to it, up to what is in view then), a narrow screen shows the conversation rather than the list, and its
   * list is at the newest message rather than scrolled up to older ones (else its count, "@" and a peer's "seen"
   * would lie).
   */
  private watch(): void {
    // Typing shows in a visible window, focused or not; reading needs the focus too.
    this.conversationOnScreen = document.visibilityState === "visible" && (this.showingConversation || !narrowScreen());
    const looking = this.conversationOnScreen && document.hasFocus();
    this.conversations.watching = looking && !this.readingOlder;
    this.conversations.onScreen = looking;
    this.sync.markActiveRead();
    // Back at this tab with "… added you to" shown: the user may have opened that room on another device meanwhile
    // (no frame says so), and route's list tells; one read per return, only while such a notice is up.
    if (looking && !this.looking && this.roomNoticeRoom && this.phase === "signedIn") void this.refreshConversations();
    this.looking = looking;
  }

  /** A muted room's unread messages that mention the user: they count in the title and icon, as they are notified. */
  private mutedMentions(conversation: Conversation): number {
    if (conversation.kind === "private" || conversation.unread <= 0) return 0;
    return unreadMentions(conversation, this.me?.userName ?? "", (userId) => this.blocks.has(userId)).length;
  }

  /** Every conversation with unread messages read up to its newest one (the list's "Mark all read", Shift+Escape). */
  markAllRead(): number {
    return this.sync.markAllRead();
  }

  /** The newest message of conversation `key` on screen now (MessageList): it is read up to there, when seen. */
  messagesShown(key: string, msgId: string): void {
    if (key !== this.conversations.activeKey || msgId === this.conversations.shownUpTo) return;
    this.conversations.shownUpTo = msgId;
    this.sync.markActiveRead();
  }

  /** The open conversation's list left its newest message (`away`) or came back to it (MessageList). */
  scrolledAway(away: boolean): void {
    if (this.readingOlder === away) return;
    this.readingOlder = away;
    this.watch();
  }

  /** Follows the page (visibility, screen history, network) and resumes this tab's stored login, if any (a reload). */
  start(): void {
    onBlockedGateway(() => this.signIn.gatewayBlocked());
    // Back (the phone's or the browser's) from a conversation shows the list; Forward shows it again.
    onScreenHistory((conversation) => {
      if (this.phase !== "signedOut") this.showingConversation = conversation;
      this.watch();
    });
    document.addEventListener("visibilitychange", () => this.watch());
    // The window's own focus and blur (an element's do not bubble to it): the user went to another window and back.
    window.addEventListener("focus", () => this.watch());
    window.addEventListener("blur", () => this.watch());
    // The list as the tab leaves it (a reload, or a phone's browser putting the page away) shows at once next time.
    window.addEventListener("pagehide", () => {
      if (this.me && this.phase === "signedIn") saveList(this.me.userId, this.conversations.listedNow());
    });
    narrowScreen(() => this.watch());
    this.watch();
    window.addEventListener("online", () => (this.network = true));
    window.addEventListener("offline", () => (this.network = false));
    this.network = navigator.onLine;
    // Logouts made here without a network (this tab before a reload, or another tab): route ends those logins now.
    this.logouts.start();
    this.signIn.restore();
  }

  /** Registers and logs in; `keepMessages`: the user's choice to keep their messages on this device after logout. */
  register(userName: string, password: string, keepMessages = false): Promise<void> {
    return this.signIn.register(userName, password, keepMessages);
  }

  logIn(userName: string, password: string, keepMessages = false): Promise<void> {
    return this.signIn.logIn(userName, password, keepMessages);
  }

  /** Whether `userName` chose last time to keep messages on this device (the login screen's default). */
  keepsMessages(userName: string): boolean {
    return loadKeepMessages(userName);
  }

  /** Own messages written but not sent yet (offline, reconnecting): a logout now would drop them (the Log out button asks). */
  unsentCount(): number {
    let count = 0;
    for (const conversation of this.conversations.items) for (const message of conversation.messages) if (message.own && message.status === "sending") count++;
    return count;
  }

  /** Logs out; this device's message cache of the user is deleted unless they chose to keep it. */
  logout(): Promise<void> {
    return this.signIn.logout();
  }

  /** Deletes the user's account (its password asked again) and signs this tab out; see SignIn.deleteAccount. */
  deleteAccount(password: string): Promise<void> {
    return this.signIn.deleteAccount(password);
  }

  /**
   * Shows conversation `key`: its newest history page is loaded once, and it is marked read; the message box takes
   * the focus. `chosen`: the user picked it (a narrow screen then shows the conversation rather than the list).
   */
  openConversation(key: string, chosen = true): void {
    // Another conversation's list starts at its newest message (the one scrolled up goes).
    if (key !== this.conversations.activeKey) this.readingOlder = false;
    const conversation = this.conversations.open(key);
    // Looked at: "… added you to" it has said what it had to (here, and on the user's other devices).
    if (this.addition.room === conversation.key) this.addition = { text: "", room: "", seenFrom: 0 };
    if (conversation.kind === "room") this.arrivals.opened(conversation.key);
    // Where its unread messages begin, and how many (from before it is marked read): its history is loaded up to there.
    const unread = this.conversations.unreadFrom?.key === conversation.key ? this.conversations.unreadFrom : null;
    // The user's pick takes the keyboard to the message box; the app's own opening (the end of a sign-in) only when
    // the focus is nowhere: a sign-in ending late (a slow route) took it from the search or filter being typed in.
    if (chosen || typeof document === "undefined" || focusLost()) this.composerFocus++;
    if (chosen) {
      this.showingConversation = true;
      enterConversationScreen();
    }
    if (this.me) saveOpen(this.me.userId, conversation.key, conversation.title);
    if (this.members.roomId && this.members.roomId !== conversation.key) this.members.hide();
    this.watch();
    if (!conversation.historyLoaded) void this.history.latest(conversation, unread?.count, unread?.after);
  }

  /** Narrow screens: back from the conversation to the list (through the browser's history when it has an entry). */
  showList(): void {
    if (!leaveConversationScreen()) {
      this.showingConversation = false;
      this.watch();
    }
  }

  /** Opens (creating it if needed) the private conversation with any user, online or not. */
  openPrivate(user: { userId: string; userName: string }): void {
    if (user.userId === this.me?.userId) return;
    this.conversations.ensure(user.userId, user.userName);
    this.openConversation(user.userId);
  }

  isOnline(userId: string): boolean {
    return this.online.isOnline(userId);
  }

  /** When offline `userId` was last online (0: online, or not known yet: see `askLastSeen`). */
  lastSeen(userId: string): number {
    return this.online.lastSeen(userId);
  }

  /**
   * Asks route when offline `userId` was last online (once per presence change). An account route no longer knows
   * (its user deleted it, and went offline with it) makes the chat with it say so at once.
   */
  async askLastSeen(userId: string): Promise<void> {
    if (!(await this.online.askLastSeen(userId))) this.conversations.peerGone(userId);
  }

  /** Sends `text` to the visible conversation; it shows at once as "sending". */
  send(text: string): void {
    // A user's action: the moment browsers allow the one question about notifications (and sound).
    this.attention.askOnce();
    this.sender.send(text, this.features.takeReply(this.conversations.activeKey));
  }

  /** Sends an own message that failed ("not sent") again, with the same clientMsgId (so at most once). */
  retry(conversation: Conversation, message: UiMessage): void {
    this.sender.retry(conversation.key, message);
  }

  /** Removes an own message that was not sent from this page. */
  discard(conversation: Conversation, message: UiMessage): void {
    this.sender.discard(conversation.key, message.clientMsgId);
  }

  /** The list shows `conversation` without any loaded message: its newest one is fetched for the preview (a few at a
   * time); `shown` false: scrolled out again, it is not fetched unless its turn came already. */
  preview(conversation: Conversation, shown = true): void {
    if (this.phase === "signedIn" || !shown) this.history.preview(conversation, shown);
  }

  /** Loads the page of history before the oldest message shown; false when there is nothing older. */
  loadOlder(conversation: Conversation): Promise<boolean> {
    return this.phase === "signedIn" ? this.history.older(conversation) : Promise.resolve(false);
  }

  /** Asks route for the user's conversations with their unread counts. */
  refreshConversations(): Promise<void> {
    return this.sync.refresh();
  }

  /** The conversation list was scrolled to its end: route's next page of it; true when one came. */
  loadMoreConversations(): Promise<boolean> {
    return this.sync.loadMore();
  }


}
