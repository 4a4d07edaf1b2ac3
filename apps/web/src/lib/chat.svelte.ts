// ChatStore: owns this tab's CimClient and the reactive state of the chat; components only call its methods.
import { CimClient, CloseError, SendError, type ChatMessage, type ConnectionState, type OnlineUser, type Presence, type StoredLogin } from "@cim/client";
import { SessionClose } from "@cim/protocol";
import { config } from "./config.js";
import { ConversationList } from "./conversation-list.svelte.js";
import { GROUP_KEY, oldestMsgId, type Conversation, type UiMessage } from "./conversations.js";
import { describeError, isAuthFailure } from "./errors.js";
import { deleteMessages, persistMessage, recentMessages } from "./message-db.js";
import { MessageHooks, type MessageHandler, type MessageSource } from "./message-hook.js";
import { onBlockedGateway, reloadForFreshPolicy } from "./policy-watch.js";
import { clearLogin, loadKeepMessages, loadLogin, saveKeepMessages, saveLogin } from "./session.js";

/** signedOut: login screen; restoring: a stored login is being resumed (cached messages shown); signedIn. */
export type Phase = "signedOut" | "restoring" | "signedIn";

const OUTDATED_PAGE = "The chat servers changed since this page was loaded. Reload the page, then log in again.";

interface Outgoing {
  conversationKey: string;
  clientMsgId: string;
  to: string;
  text: string;
}

export class ChatStore {
  phase = $state<Phase>("signedOut");
  connection = $state<ConnectionState>("idle");
  me = $state<StoredLogin | null>(null);
  gatewayId = $state("");
  /** Messages the SDK dropped as not newer than the last of their stream, over this tab's life (should stay 0). */
  duplicatesDropped = $state(0);
  /** Users online now, this user included. */
  online = $state<OnlineUser[]>([]);
  /** Why the last register, login or resume failed; shown on the login screen. */
  error = $state("");
  busy = $state(false);
  readonly conversations = new ConversationList(() => this.me?.userId ?? "");
  readonly hooks = new MessageHooks();

  private client: CimClient | null = null;
  private stops: Array<() => void> = [];
  /** Sends typed before a client was online (a reloaded tab still resuming). */
  private outbox: Outgoing[] = [];
  /** The page's policy refused a gateway: only a reload (a fresh policy) can reach it. */
  private gatewaysOutdated = false;

  constructor(options: { persist?: boolean } = {}) {
    if (options.persist !== false) this.hooks.onMessage(persistMessage);
  }

  /** The message hook: `handler` sees every message that reaches this tab; returns an unsubscribe function. */
  onMessage(handler: MessageHandler): () => void {
    return this.hooks.onMessage(handler);
  }

  /** Resumes this tab's stored login, if any (a reload): cached messages first, then the live session. */
  start(): void {
    onBlockedGateway(() => this.gatewayBlocked());
    const stored = loadLogin();
    if (!stored) return;
    this.me = stored;
    this.phase = "restoring";
    void this.showCached(stored.userId);
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

  openConversation(key: string): void {
    const conversation = this.conversations.open(key);
    if (!conversation.historyLoaded) void this.loadLatest(conversation);
  }

  /** Opens (creating it if needed) the private conversation with an online user. */
  openPrivate(user: OnlineUser): void {
    if (user.userId === this.me?.userId) return;
    this.conversations.ensurePrivate(user.userId, user.userName);
    this.openConversation(`u:${user.userId}`);
  }

  /** Sends `text` to the visible conversation; it shows at once as "sending". */
  send(text: string): void {
    const me = this.me;
    const body = text.trim();
    if (!me || !body) return;
    const conversation = this.conversations.active;
    const clientMsgId = crypto.randomUUID();
    const message: UiMessage = { id: clientMsgId, msgId: "", clientMsgId, from: me.userId, fromName: me.userName, to: conversation.peerId, text: body, ts: Date.now(), own: true, status: "sending" };
    this.conversations.addOwn(conversation, message);
    this.dispatch({ conversationKey: conversation.key, clientMsgId, to: conversation.peerId, text: body });
  }

  /** Loads the page of history before the oldest message shown; false when there is nothing older. */
  async loadOlder(conversation: Conversation): Promise<boolean> {
    if (!conversation.hasOlder || conversation.loadingOlder || !this.client || this.phase !== "signedIn") return false;
    const before = oldestMsgId(conversation.messages);
    if (!before) return false;
    conversation.loadingOlder = true;
    try {
      return (await this.loadPage(conversation, before)) > 0;
    } finally {
      conversation.loadingOlder = false;
    }
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
        if (isAuthFailure(error)) return this.signOut("Your session has expired. Please log in again.");
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
    this.phase = "signedIn";
    this.error = "";
    const cached = this.showCached(login.userId);
    await this.refreshOnline();
    await cached;
    this.openConversation(this.conversations.activeKey);
    for (const outgoing of this.outbox.splice(0)) this.dispatch(outgoing);
  }

  private signOut(reason: string): void {
    const client = this.client;
    if (client) this.disconnect(client);
    clearLogin();
    for (const outgoing of this.outbox.splice(0)) this.conversations.failed(outgoing.conversationKey, outgoing.clientMsgId);
    this.phase = "signedOut";
    this.connection = "idle";
    this.me = null;
    this.online = [];
    this.gatewayId = "";
    this.conversations.reset();
    this.error = reason;
  }

  /** A fresh client with every listener wired to this store. */
  private connect(): CimClient {
    const client = new CimClient({ routeUrl: config.routeUrl });
    this.client = client;
    this.stops = [
      client.onState((state) => this.onState(client, state)),
      // A new session or a renewed token: keep the newest for a reload.
      client.onSession((login) => {
        if (this.client === client && this.phase === "signedIn") saveLogin(login);
      }),
      client.onMessage((message) => this.receive(message)),
      client.onPresence((presence) => this.presence(presence)),
      client.onDelivered((receipt) => this.conversations.delivered(receipt.msgId)),
      // The gateway could not replay all that was missed (retention trimmed it): fill in from history.
      client.onGap(() => void this.catchUp()),
      client.onDuplicate(() => void this.duplicatesDropped++),
      client.onError((error) => {
        if (error instanceof CloseError && error.code === SessionClose.Replaced) this.signOut("You logged in somewhere else, so this window was signed out.");
        else if (isAuthFailure(error)) this.signOut("Your session has expired. Please log in again.");
      }),
    ];
    return client;
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

  /** After a reconnect: the online list and the newest page of each loaded conversation may have changed. */
  private async catchUp(): Promise<void> {
    await this.refreshOnline();
    for (const conversation of this.conversations.items) if (conversation.historyLoaded) void this.loadPage(conversation).catch(() => undefined);
  }

  private dispatch(outgoing: Outgoing): void {
    const client = this.client;
    if (!client || this.phase !== "signedIn") {
      this.outbox.push(outgoing);
      return;
    }
    client.send({ clientMsgId: outgoing.clientMsgId, to: outgoing.to || undefined, text: outgoing.text }).then(
      (ack) => {
        const acked = this.conversations.acknowledged(outgoing.conversationKey, ack.clientMsgId, ack.msgId, ack.ts);
        if (acked && this.me) this.emit(acked, "sent");
      },
      (error: unknown) => {
        if (error instanceof SendError || this.client === client) this.conversations.failed(outgoing.conversationKey, outgoing.clientMsgId);
      },
    );
  }

  private receive(message: ChatMessage): void {
    const peerName = message.to ? (message.from === this.me?.userId ? this.nameOf(message.to) : message.fromName) : "";
    this.conversations.add(message, peerName, true);
    if (this.me) this.hooks.emit(message, { me: this.me, source: "received", peerName });
  }

  private presence(presence: Presence): void {
    const others = this.online.filter((u) => u.userId !== presence.userId);
    this.online = presence.online ? [...others, { userId: presence.userId, userName: presence.userName }] : presence.userId === this.me?.userId ? this.online : others;
    this.conversations.rename(presence.userId, presence.userName);
  }

  private async refreshOnline(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const users = await client.online();
      if (this.client === client) this.online = users;
    } catch {
      // Presence frames keep the list going; the next reconnect asks again.
    }
  }

  private async loadLatest(conversation: Conversation): Promise<void> {
    try {
      await this.loadPage(conversation);
      conversation.historyLoaded = true;
    } catch {
      // Not online yet: the next open or reconnect loads it.
    }
  }

  /** Merges one page of history (the newest, or the one before `before`); returns how many messages came. */
  private async loadPage(conversation: Conversation, before?: string): Promise<number> {
    const client = this.client;
    if (!client || !this.me) return 0;
    const page = await client.history({ withUser: conversation.peerId || undefined, before, limit: config.historyPageSize });
    if (this.client !== client) return 0;
    for (const message of page) {
      this.conversations.add(message, conversation.title, false);
      this.hooks.emit(message, { me: this.me, source: "history", peerName: conversation.peerId ? conversation.title : "" });
    }
    if (page.length < config.historyPageSize && (before || !conversation.historyLoaded)) conversation.hasOlder = false;
    return page.length;
  }

  private async showCached(userId: string): Promise<void> {
    try {
      const cached = await recentMessages(userId, config.cachedMessagesLimit);
      if (this.me?.userId !== userId) return;
      for (const message of cached) this.conversations.add(message, message.peerName, false);
    } catch (error) {
      console.warn("message cache unavailable", error);
    }
  }

  private emit(message: UiMessage, source: MessageSource): void {
    const me = this.me!;
    const conversation = this.conversations.get(message.to ? `u:${message.to}` : GROUP_KEY);
    this.hooks.emit({ msgId: message.msgId, from: message.from, fromName: message.fromName, to: message.to, text: message.text, ts: message.ts, room: "" }, { me, source, peerName: conversation?.peerId ? conversation.title : "" });
  }

  private nameOf(userId: string): string {
    return this.online.find((u) => u.userId === userId)?.userName ?? this.conversations.get(`u:${userId}`)?.title ?? userId;
  }
}
