// ChatStore: owns this tab's CimClient and the reactive state of the chat; components only call its methods.
import { untrack } from "svelte";
import { CimClient, CloseError, conversationOf, type ChatMessage, type ConnectionState, type Presence, type RoomEvent, type StoredLogin } from "@cim/client";
import { SessionClose } from "@cim/protocol";
import { AccountActions } from "./account-actions.js";
import { Attention } from "./attention.svelte.js";
import { config } from "./config.js";
import { ChatFeatures } from "./chat-features.svelte.js";
import { ConversationList } from "./conversation-list.svelte.js";
import { kindOf, type Conversation, type UiMessage } from "./conversations.js";
import { DeliveryWatch } from "./delivery-watch.svelte.js";
import { Drafts } from "./drafts.svelte.js";
import { describeError, isAuthFailure, LOGIN_ENDED } from "./errors.js";
import { HistoryLoader } from "./history-loader.js";
import { RouteWatch } from "./route-watch.svelte.js";
import { deleteMessages, persistMessage } from "./message-db.js";
import { mentionsUser } from "./mentions.js";
import { isEvent } from "./message-events.js";
import { MessageHooks, type MessageHandler } from "./message-hook.js";
import { Mutes } from "./mutes.svelte.js";
import { Blocks } from "./blocks.svelte.js";
import { onBlockedGateway, reloadForFreshPolicy } from "./policy-watch.js";
import { Preferences } from "./preferences.svelte.js";
import { ReadSync } from "./read-sync.js";
import { RoomActions } from "./room-actions.js";
import { RoomMembers } from "./room-members.svelte.js";
import { enterConversationScreen, leaveConversationScreen, narrowScreen, onConversationScreen, onScreenHistory } from "./screen-history.js";
import { Sender } from "./sender.js";
import { clearLogin, loadKeepMessages, loadLogin, saveKeepMessages, saveLogin } from "./session.js";
import { OnlinePanel } from "./online-panel.svelte.js";
import { watchedUsers } from "./watched-users.js";
import { clearView, savedOpen, saveOpen, savedReceipts, saveReceipts } from "./view-memory.js";

/** signedOut: login screen; restoring: a stored login is being resumed (cached messages shown); signedIn. */
export type Phase = "signedOut" | "restoring" | "signedIn";

const OUTDATED_PAGE = "The chat servers changed since this page was loaded. Reload the page, then log in again.";

export class ChatStore {
  phase = $state<Phase>("signedOut");
  connection = $state<ConnectionState>("idle");
  me = $state<StoredLogin | null>(null);
  gatewayId = $state("");
  /** Messages the SDK dropped as not newer than the last of their stream, over this tab's life (should stay 0). */
  duplicatesDropped = $state(0);
  /** The browser says it has a network (navigator.onLine): without one the badge says so rather than blaming route. */
  network = $state(typeof navigator === "undefined" || navigator.onLine);
  /** Why the last register, login or resume failed; shown on the login screen. */
  error = $state("");
  /** The user name of a login that ended without the user asking (password changed elsewhere, expired, replaced): the login screen offers it again. */
  signedOutAs = $state("");
  busy = $state(false);
  /** Bumped when the message box should take the focus: signed in, a conversation chosen. */
  composerFocus = $state(0);
  /** Narrow screens show either the list or the open conversation: true for the conversation. */
  showingConversation = $state(false);
  /** "You were removed from <room>" after a room's owner removed this user ("" none); dismissed by the user. */
  roomNotice = $state("");
  /** Theme, notifications and sound on this device. */
  readonly prefs = new Preferences();
  /** Announcements, desktop notifications and sound for messages from others. */
  readonly attention = new Attention(this.prefs, (key) => this.openConversation(key));
  /** Own sends waiting for their SendAck: "connected, but messages are delayed". */
  readonly delivery = new DeliveryWatch(config.sendDelayedAfterMs);
  readonly conversations = new ConversationList(() => this.me?.userId ?? "");
  readonly hooks = new MessageHooks();
  /** Unsent text per conversation, kept across switching and reloads. */
  readonly drafts = new Drafts();
  /** Conversations muted on this device: no notification, sound or title count. */
  readonly mutes = new Mutes();
  /** Unread messages that ask for attention (title and tab icon): those of conversations not muted. */
  readonly alertingUnread = $derived(this.conversations.items.reduce((sum, c) => sum + (this.mutes.has(c.key) ? 0 : c.unread), 0));
  /** Rooms and users: create, browse, join, leave, invite, search (route calls with this tab's session). */
  readonly rooms = new RoomActions({ client: () => this.client, conversations: this.conversations, open: (key) => this.openConversation(key), refresh: () => this.refreshConversations() });
  /** The password and the other devices' logins (settings). */
  readonly account = new AccountActions({ client: () => this.client });
  /** Whom this user blocks: read at sign-in and reconnect, changed from the conversation header and the settings, and live from its other devices. */
  readonly blocks = new Blocks({ client: () => this.client });
  readonly members = new RoomMembers((roomId) => this.rooms.members(roomId), describeError);
  /** The open room's members offered when an `@` is typed in the composer (loaded at the first one). */
  readonly mentionable = new RoomMembers((roomId) => this.rooms.members(roomId), describeError);
  /** Who is online: route's paged list and the presence of the users on screen. */
  readonly online = new OnlinePanel({ client: () => this.client, me: () => this.me?.userId ?? "" });
  /** Whether route answers; when it is back after an outage, what failed meanwhile is asked again. */
  readonly route = new RouteWatch({ back: () => void this.catchUp(), probe: () => this.online.refresh(), retryMs: config.routeRetryMs, slowMs: config.routeSlowMs });
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
  private readonly sync = new ReadSync({ client: () => this.client, me: () => (this.phase === "signedIn" ? (this.me?.userId ?? "") : ""), conversations: this.conversations, listed: (dropped) => this.listed(dropped) });

  /** Route's list came at least once since sign-in: rooms it drops after that are ones this tab was showing. */
  private listedSinceSignIn = false;
  private client: CimClient | null = null;
  private stops: Array<() => void> = [];
  /** The page's policy refused a gateway: only a reload (a fresh policy) can reach it. */
  private gatewaysOutdated = false;
  /** The users on screen whose presence matters: the open chat's peer, the members shown, the chats, the panel. */
  private readonly watched = $derived(watchedUsers({
    me: this.me?.userId ?? "",
    activePeer: this.conversations.active.peerId,
    members: this.members.roomId ? this.members.list.map((m) => m.userId) : [],
    chatPeers: this.conversations.chats.map((c) => c.peerId),
    panel: this.online.users.map((u) => u.userId),
  }));

  constructor(options: { persist?: boolean } = {}) {
    if (options.persist !== false) this.hooks.onMessage(persistMessage);
    // The gateway tells presence only of the users a session names: name what is on screen, whenever it changes.
    $effect.root(() => {
      $effect(() => {
        const userIds = this.watched;
        untrack(() => this.client?.subscribePresence(userIds));
      });
    });
  }

  /** The message hook: `handler` sees every message that reaches this tab; returns an unsubscribe function. */
  onMessage(handler: MessageHandler): () => void {
    return this.hooks.onMessage(handler);
  }

  /**
   * What arrives in the open conversation is read only while the user sees it: the tab is visible, and a narrow
   * screen shows the conversation rather than the list (else its count, "@" and a peer's "seen" would lie).
   */
  private watch(): void {
    this.conversations.watching = document.visibilityState === "visible" && (this.showingConversation || !narrowScreen());
    this.sync.markActiveRead();
  }

  /** Resumes this tab's stored login, if any (a reload): cached messages first, then the live session. */
  start(): void {
    onBlockedGateway(() => this.gatewayBlocked());
    // Back (the phone's or the browser's) from a conversation shows the list; Forward shows it again.
    onScreenHistory((conversation) => {
      if (this.phase !== "signedOut") this.showingConversation = conversation;
      this.watch();
    });
    document.addEventListener("visibilitychange", () => this.watch());
    narrowScreen(() => this.watch());
    this.watch();
    window.addEventListener("online", () => (this.network = true));
    window.addEventListener("offline", () => (this.network = false));
    this.network = navigator.onLine;
    const stored = loadLogin();
    if (!stored) return;
    this.me = stored;
    this.drafts.load(stored.userId);
    this.mutes.load(stored.userId);
    for (const chat of this.drafts.privateChats()) this.conversations.ensure(chat.userId, chat.title);
    this.phase = "restoring";
    // A reload shows what the tab showed: its open conversation (scroll positions: MessageList), and own
    // messages marked as far as the peers' receipts went (the gateway tells them again at login).
    for (const [peer, receipts] of Object.entries(savedReceipts(stored.userId))) {
      this.conversations.receipt(peer, "delivered", receipts.delivered);
      this.conversations.receipt(peer, "seen", receipts.seen);
    }
    const open = savedOpen(stored.userId);
    if (open.key) {
      // A private chat opened but empty (route will not list it) is kept on screen under its name.
      if (kindOf(open.key) === "private") this.conversations.ensure(open.key, open.title);
      this.conversations.activeKey = open.key;
      // A narrow screen shows what it showed: the list reloaded stays the list (the conversation behind it unread).
      this.showingConversation = !narrowScreen() || onConversationScreen();
    }
    void this.history.cached(stored.userId);
    void this.resume(stored);
  }

  /** Registers and logs in; `keepMessages`: the user's choice to keep their messages on this device after logout. */
  async register(userName: string, password: string, keepMessages = false): Promise<void> {
    await this.authenticate(keepMessages, async (client) => {
      await client.register(userName, password);
      return client.logIn(userName, password);
    });
  }

  async logIn(userName: string, password: string, keepMessages = false): Promise<void> {
    await this.authenticate(keepMessages, (client) => client.logIn(userName, password));
  }

  /** Whether `userName` chose last time to keep messages on this device (the login screen's default). */
  keepsMessages(userName: string): boolean {
    return loadKeepMessages(userName);
  }

  /** Logs out; this device's message cache of the user is deleted unless they chose to keep it. */
  async logout(): Promise<void> {
    const client = this.client;
    const me = this.me;
    this.signOut("");
    await client?.logout().catch(() => undefined);
    if (me && !loadKeepMessages(me.userName)) await deleteMessages(me.userId).catch((error: unknown) => console.warn("could not delete the message cache", error));
  }

  /**
   * Shows conversation `key`: its newest history page is loaded once, and it is marked read; the message box takes
   * the focus. `chosen`: the user picked it (a narrow screen then shows the conversation rather than the list).
   */
  openConversation(key: string, chosen = true): void {
    const conversation = this.conversations.open(key);
    this.composerFocus++;
    if (chosen) {
      this.showingConversation = true;
      enterConversationScreen();
    }
    if (this.me) saveOpen(this.me.userId, conversation.key, conversation.title);
    if (this.members.roomId && this.members.roomId !== conversation.key) this.members.hide();
    this.watch();
    if (!conversation.historyLoaded) void this.history.latest(conversation);
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
    this.conversations.discard(conversation.key, message.clientMsgId);
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

  private async authenticate(keepMessages: boolean, attempt: (client: CimClient) => Promise<StoredLogin>): Promise<void> {
    this.busy = true;
    this.error = "";
    const client = this.connect();
    try {
      const login = await attempt(client);
      saveKeepMessages(login.userName, keepMessages);
      await this.signedIn(client, login);
    } catch (error) {
      this.disconnect(client);
      this.error = this.gatewaysOutdated ? OUTDATED_PAGE : describeError(error);
    } finally {
      this.busy = false;
    }
  }

  /** A signed-in tab reloads itself (its login resumes from sessionStorage); the login screen says to reload. */
  private gatewayBlocked(): void {
    this.gatewaysOutdated = true;
    if (this.phase !== "signedOut" && reloadForFreshPolicy()) return;
    if (this.phase === "signedOut" && !this.busy) this.error = OUTDATED_PAGE;
  }

  private async resume(stored: StoredLogin): Promise<void> {
    while (this.phase === "restoring") {
      const client = this.connect();
      try {
        const login = await client.resume(stored);
        if (this.phase !== "restoring") return this.disconnect(client);
        await this.signedIn(client, login);
        return;
      } catch (error) {
        this.disconnect(client);
        if (isAuthFailure(error)) return this.signOut(LOGIN_ENDED);
        this.connection = "reconnecting";
        this.error = describeError(error);
        await new Promise((resolve) => setTimeout(resolve, config.resumeRetryMs));
      }
    }
  }

  private async signedIn(client: CimClient, login: StoredLogin): Promise<void> {
    saveLogin(login);
    if (this.me?.userId !== login.userId) this.conversations.reset();
    this.me = login;
    this.drafts.load(login.userId);
    this.mutes.load(login.userId);
    this.phase = "signedIn";
    this.listedSinceSignIn = false;
    this.error = "";
    const cached = this.history.cached(login.userId);
    // The block list is a view aid (the servers refuse messages either way): a failed read leaves it as it was.
    await Promise.all([this.online.start(), this.refreshConversations(), this.blocks.load().catch(() => undefined)]);
    await cached;
    this.openConversation(this.conversations.activeKey, false);
    this.sender.flush();
  }

  /** `reason` "": the user logged out (this tab forgets its view); else why the login ended, and the view (drafts,
   * open conversation) stays for this user's next login here (view-memory keeps it per userId). */
  private signOut(reason: string): void {
    const client = this.client;
    if (client) this.disconnect(client);
    clearLogin();
    if (!reason) clearView();
    this.signedOutAs = reason ? (this.me?.userName ?? "") : "";
    this.sender.failWaiting();
    this.delivery.reset();
    this.showingConversation = false;
    this.phase = "signedOut";
    this.connection = "idle";
    this.me = null;
    this.online.reset();
    this.route.reset();
    this.gatewayId = "";
    this.conversations.reset();
    this.roomNotice = "";
    this.members.hide();
    this.mentionable.hide();
    this.features.cancelReply();
    this.features.stopEdit();
    this.features.clearSearch();
    this.drafts.reset();
    this.mutes.reset();
    this.blocks.reset();
    this.error = reason;
  }

  /** A fresh client with every listener wired to this store. */
  private connect(): CimClient {
    const client = new CimClient({ routeUrl: config.routeUrl, fetch: this.route.fetch });
    this.client = client;
    client.subscribePresence(this.watched);
    this.stops = [
      client.onState((state) => this.onState(client, state)),
      // A new session or a renewed token: keep the newest for a reload.
      client.onSession((login) => {
        if (this.client === client && this.phase === "signedIn") saveLogin(login);
      }),
      client.onMessage((message) => this.receive(message)),
      client.onPresence((presence) => this.presence(presence)),
      client.onDelivered((receipt) => {
        this.conversations.delivered(receipt);
        this.rememberReceipts();
      }),
      client.onRead((read) => {
        this.sync.read(read);
        this.rememberReceipts();
      }),
      client.onRoomEvent((event) => this.roomEvent(event)),
      client.onTyping((typing) => this.features.typingReceived(typing)),
      // A block or unblock from another device of this user: its chat and lists follow at once.
      client.onBlock((event) => this.blocks.changed(event)),
      // The browser knows at once when the network goes or comes back; the socket itself may take a heartbeat.
      listen("offline", () => client.network(false)),
      listen("online", () => client.network(true)),
      // The gateway could not replay all that was missed (retention trimmed it): fill in from history.
      client.onGap(() => void this.catchUp()),
      client.onSendRetry((error) => this.delivery.retrying(error.message)),
      client.onDuplicate(() => void this.duplicatesDropped++),
      client.onError((error) => {
        if (error instanceof CloseError && error.code === SessionClose.Replaced) this.signOut("You logged in somewhere else, so this window was signed out.");
        else if (isAuthFailure(error)) this.signOut(LOGIN_ENDED);
      }),
    ];
    return client;
  }

  private rememberReceipts(): void {
    if (this.me) saveReceipts(this.me.userId, this.conversations.receiptPositions());
  }

  private disconnect(client: CimClient): void {
    if (this.client !== client) return client.close();
    for (const stop of this.stops.splice(0)) stop();
    this.client = null;
    client.close();
  }

  private onState(client: CimClient, state: ConnectionState): void {
    const wasReconnecting = this.connection === "reconnecting";
    this.connection = state;
    this.gatewayId = client.gateway?.id ?? "";
    if (state !== "online" || this.phase !== "signedIn") return;
    if (wasReconnecting) void this.catchUp();
  }

  /** Route's conversation list applied. A room it dropped that this tab was showing (not one only cached here):
   * the user was removed, or left elsewhere, while this tab did not hear of it (offline); say so, as a live removal does. */
  private listed(dropped: string[]): void {
    this.history.previews();
    if (this.listedSinceSignIn && dropped.length > 0) this.roomNotice = `You are no longer a member of ${dropped.join(", ")}`;
    this.listedSinceSignIn = true;
  }

  /** After a reconnect, or route back after an outage: the online list, the unread counts, the blocks (changes told while
   * away were lost), the newest page of each loaded conversation. */
  private async catchUp(): Promise<void> {
    await Promise.all([this.online.refresh(), this.refreshConversations(), this.blocks.load().catch(() => undefined)]);
    for (const conversation of this.conversations.items) if (conversation.historyLoaded) void this.history.page(conversation).catch(() => undefined);
    // Opened while route was unreachable: its history never came.
    const active = this.conversations.active;
    if (this.phase === "signedIn" && !active.historyLoaded) void this.history.latest(active);
  }

  private receive(message: ChatMessage): void {
    const me = this.me;
    if (!me) return;
    const key = conversationOf(message, me.userId);
    const known = this.conversations.get(key);
    const peerName = kindOf(key) !== "private" ? "" : message.from === me.userId ? this.nameOf(message.to) : message.fromName;
    this.conversations.add(message, peerName, true);
    this.features.messageReceived(message, key);
    // A room or a peer this tab did not know yet: route's list has its name and unread count.
    if (!known && (kindOf(key) === "room" || !peerName)) void this.refreshConversations();
    if (key === this.conversations.activeKey) this.sync.markActiveRead();
    // Edits and deletions change a message already told of: nothing to announce; a muted conversation is quiet
    // unless the message mentions this user; a blocked user's room messages are collapsed, so never read out.
    const mention = kindOf(key) !== "private" && mentionsUser(message.text, me.userName);
    const told = message.from !== me.userId && !isEvent(message) && !this.blocks.has(message.from);
    if (told && (mention || !this.mutes.has(key))) {
      const title = this.conversations.get(key)?.title ?? "";
      this.attention.incoming({ conversation: key, title, fromName: message.fromName, text: message.text, private: kindOf(key) === "private", mention });
    }
    this.hooks.emit(message, { me, source: "received", peerName });
  }

  private roomEvent(event: RoomEvent): void {
    if (event.kind === "renamed") {
      this.conversations.renameRoom(event.room, event.name);
      this.conversations.noteRename(event.room, event.userId === this.me?.userId ? "You" : event.userName, event.name);
      return;
    }
    if (event.userId === this.me?.userId) {
      if (event.kind === "left") {
        if (event.by && event.by !== event.userId) this.roomNotice = `You were removed from ${this.conversations.get(event.room)?.title ?? event.name}`;
        this.conversations.left(event.room);
        if (this.members.roomId === event.room) this.members.hide();
        if (this.mentionable.roomId === event.room) this.mentionable.hide();
        return;
      }
      this.conversations.joined(event.room, event.name);
      void this.refreshConversations();
    }
    this.members.changed(event.room);
    this.mentionable.changed(event.room);
  }

  private presence(presence: Presence): void {
    this.online.presence(presence);
    this.conversations.rename(presence.userId, presence.userName);
    this.members.presence(presence);
    this.mentionable.presence(presence);
  }

  /** A user's name from the online list or a private conversation's title; "" when unknown here. */
  private nameOf(userId: string): string {
    const conversation = this.conversations.get(userId);
    return this.online.users.find((u) => u.userId === userId)?.userName ?? (conversation && conversation.title !== userId ? conversation.title : "");
  }
}

/** Adds a window listener (none outside a browser); returns its removal. */
function listen(type: "online" | "offline", handler: () => void): () => void {
  if (typeof window === "undefined") return () => undefined;
  window.addEventListener(type, handler);
  return () => window.removeEventListener(type, handler);
}
