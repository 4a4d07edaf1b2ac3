// A login's lifecycle for ChatStore: a reload's stored login restored, register and log in, resumes retried while
// route or gateways are unreachable, the client and its lifecycle events, the catch-up after a reconnect, sign-out.
// It owns the login's state (phase, me, connection, errors) and fills and empties the store's parts with it.
import { CimClient, CloseError, isAccountDeleted, type ConnectionState, type StoredLogin } from "@cim/client";
import { SessionClose } from "@cim/protocol";
import type { ChatStore } from "./chat.svelte.js";
import { config } from "./config.js";
import { kindOf } from "./conversations.js";
import { describeError, isAuthFailure, LOGIN_ENDED } from "./errors.js";
import type { HistoryLoader } from "./history-loader.js";
import type { Incoming } from "./incoming.js";
import { forgetKnownRooms, type RoomArrivals } from "./room-arrivals.js";
import { deleteMessages } from "./message-db.js";
import { reloadForFreshPolicy } from "./policy-watch.js";
import { narrowScreen, onConversationScreen } from "./screen-history.js";
import type { Sender } from "./sender.js";
import { clearLogin, forgetSignedInName, loadKeepMessages, loadLogin, saveKeepMessages, saveLogin } from "./session.js";
import { clearView, savedList, savedOpen, savedReceipts } from "./view-memory.js";
import { forgetDeviceDrafts } from "./drafts.svelte.js";
import { isolate } from "./bidi.js";
import { deviceOnline, onNetworkChance, pauseUnlessOnline, retryDelay } from "./network-wait.js";

/** signedOut: login screen; restoring: a stored login is being resumed (cached messages shown); signedIn. */
export type Phase = "signedOut" | "restoring" | "signedIn";

const ACCOUNT_DELETED = "Your account was deleted. Your messages stay with those you wrote to.";
const OUTDATED_PAGE = "The chat servers changed since this page was loaded. Reload the page, then log in again.";
const ROUTE_NOT_ANSWERING = "The server is not answering. Still trying…";

export interface SignInDeps {
  /** The store whose parts a login fills and a sign-out empties. */
  store: ChatStore;
  history: HistoryLoader;
  sender: Sender;
  incoming: Incoming;
  /** Rooms added while no tab heard it, looked for at each list route gives. */
  arrivals: RoomArrivals;
  /** The users on screen whose presence matters, named to every new client. */
  watched: () => string[];
  /** The conversations whose typing is shown, named to every new client. */
  typingShown: () => string[];
}

export class SignIn {
  phase = $state<Phase>("signedOut");
  connection = $state<ConnectionState>("idle");
  me = $state<StoredLogin | null>(null);
  gatewayId = $state("");
  /** Why the last register, login or resume failed; shown on the login screen. */
  error = $state("");
  /** The user name of the login that ended (logged out, or without the user asking: password changed elsewhere, expired, replaced): the login screen offers it again. */
  signedOutAs = $state("");
  busy = $state(false);
  /**
   * While busy: route has not answered the login for an attempt's time and it is being asked again (the SDK's
   * onRouteRetry), so the form says so rather than only "Please wait…" for up to the SDK's whole timeout.
   */
  waiting = $state("");
  /** The live client (null while signed out); the store's parts borrow it through a getter. */
  client: CimClient | null = null;

  /** Route's list came at least once since sign-in: rooms it drops after that are ones this tab was showing. */
  private listedSinceSignIn = false;
  private stops: Array<() => void> = [];
  /** The page's policy refused a gateway: only a reload (a fresh policy) can reach it. */
  private gatewaysOutdated = false;

  constructor(private readonly deps: SignInDeps) {}

  private get store(): ChatStore {
    return this.deps.store;
  }

  /** Resumes this tab's stored login, if any (a reload): cached messages first, then the live session. */
  restore(): void {
    const stored = loadLogin();
    if (!stored) return;
    this.me = stored;
    this.store.drafts.load(stored.userId);
    this.store.mutes.load(stored.userId);
    for (const chat of this.store.drafts.privateChats()) this.store.conversations.ensure(chat.userId, chat.title);
    this.store.conversations.restoreListed(savedList(stored.userId));
    // Own messages the gateway had not confirmed (written offline): shown as sending, sent once signed in.
    this.deps.sender.restore();
    this.phase = "restoring";
    // A reload shows what the tab showed: its open conversation (scroll positions: MessageList), and own
    // messages marked as far as the peers' receipts went (the gateway tells them again at login).
    for (const [peer, receipts] of Object.entries(savedReceipts(stored.userId))) {
      this.store.conversations.receipt(peer, "delivered", receipts.delivered);
      this.store.conversations.receipt(peer, "seen", receipts.seen);
    }
    if (this.reopenSaved(stored.userId)) {
      // A narrow screen shows what it showed: the list reloaded stays the list (the conversation behind it unread).
      this.store.showingConversation = !narrowScreen() || onConversationScreen();
    }
    void this.deps.history.cached(stored.userId);
    void this.resume(stored);
  }

  /** Makes the conversation this tab showed for `userId` (view-memory) the open one; false when there is none. */
  private reopenSaved(userId: string): boolean {
    const open = savedOpen(userId);
    if (!open.key) return false;
    // A private chat opened but empty (route will not list it) is kept on screen under its name.
    if (kindOf(open.key) === "private") this.store.conversations.ensure(open.key, open.title);
    this.store.conversations.activeKey = open.key;
    return true;
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

  /** Logs out; this device's message cache of the user is deleted unless they chose to keep it. */
  async logout(): Promise<void> {
    const me = this.me;
    // The newest token (renewed at each reconnect, saved then); the login it names is what route ends.
    const stored = loadLogin();
    // The login's logout token ends it and opens nothing else: that is what this device may keep until route answers.
    // Only a login stored before route gave one ends with its session token.
    const token = stored?.logoutToken ?? me?.logoutToken ?? stored?.token ?? me?.token;
    this.signOut("");
    // Without a network route does not hear it: the logout token is kept on this device and sent when it answers (a
    // reload or the next tab of this origin too), and the login screen says so meanwhile.
    if (token && me) await this.store.logouts.end(token, me.userName);
    if (me && !loadKeepMessages(me.userName)) await deleteMessages(me.userId).catch((error: unknown) => console.warn("could not delete the message cache", error));
  }

  /**
   * Deletes the user's account (route checks `password`; a wrong one rejects, and nothing changes): this tab signs
   * out and says so, and this device's message cache of the user is deleted whatever they chose to keep.
   */
  async deleteAccount(password: string): Promise<void> {
    const client = this.client;
    const me = this.me;
    if (!client || !me) throw new Error("You are signed out.");
    await client.deleteAccount(password);
    // The gateway may have closed this session already (4401, "account deleted"), which signed it out the same way.
    await this.accountDeleted(me.userId);
  }

  /**
   * The account was deleted, from this tab or another device: this tab signs out and says so, keeps nothing of the
   * user's view, and this device's message cache of the user is deleted whatever they chose to keep.
   */
  private async accountDeleted(userId: string): Promise<void> {
    // A sign-out with no reason forgets the view; a tab signed out already forgets it here.
    if (this.phase !== "signedOut") this.signOut("");
    else {
      clearView();
      forgetSignedInName();
    }
    this.signedOutAs = "";
    this.error = ACCOUNT_DELETED;
    forgetDeviceDrafts(userId);
    forgetKnownRooms(userId);
    await deleteMessages(userId).catch((error: unknown) => console.warn("could not delete the message cache", error));
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
      this.waiting = "";
    }
  }

  /** A signed-in tab reloads itself (its login resumes from sessionStorage); the login screen says to reload. */
  gatewayBlocked(): void {
    this.gatewaysOutdated = true;
    if (this.phase !== "signedOut" && reloadForFreshPolicy()) return;
    if (this.phase === "signedOut" && !this.busy) this.error = OUTDATED_PAGE;
  }

  private async resume(stored: StoredLogin): Promise<void> {
    for (let attempt = 0; this.phase === "restoring"; attempt++) {
      if (attempt === 0 && !deviceOnline()) {
        // A page opened without a network (a reload offline, the cached shell) would only fail its resume and log a
        // failed request: it waits for the network, or the pause of an offline device (the browser may be wrong). The
        // tab being shown is no reason to try: a page just opened is often shown as it loads.
        this.connection = "reconnecting";
        await pauseUnlessOnline(retryDelay(attempt, config.resumeRetry), false);
        if (this.phase !== "restoring") return;
      }
      const client = this.connect();
      try {
        const login = await client.resume(stored);
        if (this.phase !== "restoring") return this.disconnect(client);
        await this.signedIn(client, login);
        return;
      } catch (error) {
        this.disconnect(client);
        if (isAccountDeleted(error)) return void this.accountDeleted(stored.userId);
        if (isAuthFailure(error)) return this.signOut(LOGIN_ENDED);
        this.connection = "reconnecting";
        this.error = describeError(error);
        // Longer pauses while route stays away, none wasted while offline; the network's return resumes at once.
        await pauseUnlessOnline(retryDelay(attempt, config.resumeRetry));
      }
    }
  }

  private async signedIn(client: CimClient, login: StoredLogin): Promise<void> {
    saveLogin(login);
    if (this.me?.userId !== login.userId) {
      this.store.conversations.reset();
      // A login after a sign-out the user did not ask for (the view is kept for this user: a logout forgot it) shows
      // the conversation shown before, with its draft; it opened Everyone.
      this.reopenSaved(login.userId);
    }
    this.me = login;
    this.store.drafts.load(login.userId);
    // A private chat that has only a draft (kept on this device since an earlier login) is listed under its name.
    for (const chat of this.store.drafts.privateChats()) this.store.conversations.ensure(chat.userId, chat.title);
    this.store.mutes.load(login.userId);
    this.phase = "signedIn";
    this.listedSinceSignIn = false;
    this.error = "";
    const cached = this.deps.history.cached(login.userId);
    // The block list is a view aid (the servers refuse messages either way): a failed read leaves it as it was.
    await Promise.all([this.store.online.start(), this.store.refreshConversations(), this.store.blocks.load().catch(() => undefined)]);
    await cached;
    this.store.openConversation(this.store.conversations.activeKey, false);
    this.deps.sender.flush();
  }

  /** `reason` "": the user logged out (this tab forgets its view); else why the login ended, and the view (drafts,
   * open conversation) stays for this user's next login here (view-memory keeps it per userId). */
  private signOut(reason: string): void {
    const client = this.client;
    if (client) this.disconnect(client);
    clearLogin();
    // Asked for (a logout): new tabs of this device no longer offer the name.
    if (!reason) {
      clearView();
      forgetSignedInName();
    }
    if (!reason && this.me) forgetDeviceDrafts(this.me.userId);
    // The login screen offers the name again after any sign-out, a logout too (chat apps keep it); never the password.
    this.signedOutAs = this.me?.userName ?? "";
    this.deps.sender.failWaiting();
    this.store.delivery.reset();
    this.store.showingConversation = false;
    this.phase = "signedOut";
    this.connection = "idle";
    this.me = null;
    this.store.online.reset();
    this.store.route.reset();
    this.gatewayId = "";
    this.store.conversations.reset();
    this.store.roomNotice = "";
    this.store.members.hide();
    this.store.mentionable.hide();
    this.store.features.cancelReply();
    this.store.features.stopEdit();
    this.store.features.clearSearch();
    this.store.drafts.reset();
    this.store.mutes.reset();
    this.store.blocks.reset();
    this.error = reason;
  }

  /** A fresh client with every listener wired to this store. */
  private connect(): CimClient {
    const client = new CimClient({ routeUrl: config.routeUrl, fetch: this.store.route.fetch });
    this.client = client;
    // Made while the device says it has no network: its route calls (a history page of the open conversation) fail
    // at once rather than as requests, as they do once it hears the network go.
    if (!deviceOnline()) client.network(false);
    client.subscribePresence(this.deps.watched());
    client.subscribeTyping(this.deps.typingShown());
    this.stops = [
      client.onState((state) => this.onState(client, state)),
      // A new session or a renewed token: keep the newest for a reload.
      client.onSession((login) => {
        if (this.client === client && this.phase === "signedIn") saveLogin(login);
      }),
      ...this.deps.incoming.listen(client),
      // The browser knows at once when the network goes or comes back; the socket itself may take a heartbeat.
      listen("offline", () => client.network(false)),
      // Back, or the tab looked at again while reconnecting: try at once rather than at the end of a long pause.
      onNetworkChance(() => {
        if (deviceOnline()) client.network(true);
      }),
      // The gateway could not replay all that was missed (retention trimmed it): fill in from history.
      client.onGap(() => void this.catchUp()),
      client.onRouteRetry(() => {
        if (this.client === client && this.busy) this.waiting = ROUTE_NOT_ANSWERING;
      }),
      client.onError((error) => {
        if (error instanceof CloseError && error.code === SessionClose.Replaced) this.signOut("You logged in somewhere else, so this window was signed out.");
        else if (isAccountDeleted(error) && this.me) void this.accountDeleted(this.me.userId);
        else if (isAuthFailure(error)) this.signOut(LOGIN_ENDED);
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

  /** Route's conversation list applied. A room it dropped that this tab was showing (not one only cached here):
   * the user was removed, or left elsewhere, while this tab did not hear of it (offline); say so, as a live removal does. */
  listed(dropped: Array<{ key: string; title: string }>): void {
    this.deps.history.previews();
    this.deps.arrivals.listed(dropped);
    if (this.listedSinceSignIn && dropped.length > 0) this.store.tellRoomsGone(`You are no longer a member of ${dropped.map((room) => isolate(room.title)).join(", ")}`, dropped.map((room) => room.key));
    this.listedSinceSignIn = true;
  }

  /** After a reconnect, or route back after an outage: the online list, the unread counts, the blocks (changes told while
   * away were lost), the newest page of each loaded conversation. */
  async catchUp(): Promise<void> {
    await Promise.all([this.store.online.refresh(), this.store.refreshConversations(), this.store.blocks.load().catch(() => undefined)]);
    for (const conversation of this.store.conversations.items) if (conversation.historyLoaded) void this.deps.history.page(conversation).catch(() => undefined);
    // Opened while route was unreachable: its history never came.
    const active = this.store.conversations.active;
    if (this.phase === "signedIn" && !active.historyLoaded) void this.deps.history.latest(active);
  }
}

/** Adds a window listener (none outside a browser); returns its removal. */
function listen(type: "offline", handler: () => void): () => void {
  if (typeof window === "undefined") return () => undefined;
  window.addEventListener(type, handler);
  return () => window.removeEventListener(type, handler);
}
