// The route HTTP API as typed calls; failures throw CimApiError with the server's code and message.
import { LOGINS_ENDED_HEADER, type RoomHistoryEvent } from "@cim/protocol";
import { CimApiError, parseRetryAfter } from "./api-error.js";
import { requestRoute } from "./route-request.js";
import type { AdminStats, BlockedUser, ConversationPage, ConversationSummary, HistoryMessage, HistoryQuery, Invitation, LastSeenEntry, LoginAnswer, MemberPage, MyRoom, OnlinePage, OnlineUser, PublicRoom, Room, RoomPage, RoomVisibility, SearchPage, SearchResult, UserEntry } from "./route-types.js";

export { CimApiError, parseRetryAfter } from "./api-error.js";
// The answers' shapes, and those written once in @cim/protocol (route builds them too): the SDK's users import them
// from here as before.
export type * from "./route-types.js";
export type { MessagePreview, RoomHistoryEvent } from "@cim/protocol";

/** `?a=1&b=x` of the parameters that are set ("" when none is). */
function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "" && value !== 0) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** How long a route call may take, answer included, before it fails as `unreachable` (a frozen or half-dead route). */
export const ROUTE_TIMEOUT_MS = 30_000;
/**
 * A login unanswered this long is asked once more on a fresh request, the first one left open, within
 * ROUTE_TIMEOUT_MS (a user waits at the form; a second login only issues another token, the first one unused).
 * Other calls are not repeated: reconnects and reads come in storms, and a second request each would double the load
 * of a route that is only slow; their callers retry with backoff after ROUTE_TIMEOUT_MS.
 */
export const ROUTE_ATTEMPT_TIMEOUT_MS = 8_000;
const HEDGED_PATHS = new Set(["/api/login"]);
/** Requests of a hedged call at most: one more, so a route slow under a login storm gets at most twice the logins. */
const HEDGED_ATTEMPTS = 2;

/** A call asked again because route had not answered: `attempt` is the one starting (2 and on). */
export interface RouteRetryInfo {
  path: string;
  attempt: number;
  waitedMs: number;
}

export interface RouteRetry {
  /** A login starts one more attempt after this long without an answer (default ROUTE_ATTEMPT_TIMEOUT_MS). */
  attemptTimeoutMs?: number;
  onRetry?: (info: RouteRetryInfo) => void;
}

export class RouteApi {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
    private readonly timeoutMs = ROUTE_TIMEOUT_MS,
    private readonly retry: RouteRetry = {},
  ) {}

  register(userName: string, password: string): Promise<{ userId: string; userName: string }> {
    return this.call("POST", "/api/register", { body: { userName, password } });
  }

  login(userName: string, password: string): Promise<LoginAnswer> {
    return this.call("POST", "/api/login", { body: { userName, password } });
  }

  /** A fresh token and a live gateway for a token holder; `avoid` is the gateway that just failed. */
  reconnect(token: string, avoid?: string): Promise<LoginAnswer> {
    return this.call("POST", "/api/reconnect", { token, body: avoid ? { avoid } : {} });
  }

  logout(token: string): Promise<void> {
    return this.call("POST", "/api/logout", { token });
  }

  /**
   * Ends every other login of the user ("sign out other devices"); this one stays. Resolves to how many logins began
   * since the last time (0: no other device was signed in; logins that expired unused count too), undefined from a
   * route that does not say.
   */
  logoutOthers(token: string): Promise<number | undefined> {
    return this.call("POST", "/api/logout/others", { token, empty: (headers) => {
      const ended = headers.get(LOGINS_ENDED_HEADER);
      return ended !== null && /^\d+$/.test(ended) ? Number(ended) : undefined;
    } });
  }

  /**
   * Changes the password; every other login of the user ends, this one stays. `401` for a wrong current password
   * (`429` after repeated ones), `400 weak_password` for a new one the policy refuses (its message says why).
   */
  changePassword(token: string, currentPassword: string, newPassword: string): Promise<void> {
    return this.call("POST", "/api/password", { token, body: { currentPassword, newPassword } });
  }

  /**
   * Deletes the user's account: every login ends, its rooms see it leave, it is found no more; its messages stay
   * with those it wrote to, and its name stays taken. `401` for a wrong password (`429` after repeated ones).
   */
  deleteAccount(token: string, password: string): Promise<void> {
    return this.call("DELETE", "/api/account", { token, body: { password } });
  }

  /** Every online user (the call of old clients; large on a large system: prefer `onlinePage`). */
  online(token: string): Promise<{ users: OnlineUser[] }> {
    return this.call("GET", "/api/online", { token });
  }

  /**
   * Online users whose name starts with `prefix`, in name order, `limit` (1-200, default 50) at most; a page may
   * be shorter while `nextCursor` is not "": pass it as `cursor` for the next one.
   */
  onlinePage(token: string, query: { cursor?: string; limit?: number; prefix?: string } = {}): Promise<OnlinePage> {
    return this.call("GET", `/api/online${queryString({ cursor: query.cursor || undefined, limit: query.limit ?? 50, prefix: query.prefix || undefined })}`, { token });
  }

  /** One page of a conversation, oldest first; `403 not_member` for a room the user is not in. */
  /** One page of history; `events` (added, absent from older routes): the room's events placed on this page. */
  history(token: string, query: HistoryQuery = {}): Promise<{ messages: HistoryMessage[]; events?: RoomHistoryEvent[]; peerGone?: boolean }> {
    return this.call("GET", `/api/history${queryString({ with: query.with, room: query.room, before: query.before, limit: query.limit, events: query.events })}`, { token });
  }

  /** A message through route (`202`): to a user (`to`), a room (`room`, `403` when not a member) or the group. */
  sendMessage(token: string, message: { to?: string; room?: string; text: string; clientMsgId?: string; replyTo?: string; editOf?: string; delete?: boolean; reactTo?: string; reaction?: string }): Promise<{ msgId: string }> {
    return this.call("POST", "/api/messages", { token, body: message });
  }

  /** Creates a room owned by the caller, who is its first member. */
  createRoom(token: string, room: { name: string; visibility: RoomVisibility }): Promise<Room> {
    return this.call("POST", "/api/rooms", { token, body: room });
  }

  /** The caller's rooms with their unread counts (all at once, everyone first, then by name: prefer `roomPage`). */
  rooms(token: string): Promise<{ rooms: MyRoom[] }> {
    return this.call("GET", "/api/rooms", { token });
  }

  /**
   * One page of the caller's rooms (`limit` 1-100, 30 unless told), newest activity first: the first with no `cursor`,
   * then each with the previous page's `nextCursor` ("" after the last). Each room is listed once over the pages, at
   * its place when the first page was read. An older route answers every room and no `nextCursor` (undefined).
   */
  roomPage(token: string, query: { cursor?: string; limit?: number } = {}): Promise<RoomPage> {
    return this.call("GET", `/api/rooms${queryString({ cursor: query.cursor || undefined, limit: query.limit ?? 30 })}`, { token });
  }

  /** The public rooms whose name starts with `prefix` (case-insensitive). */
  publicRooms(token: string, query: { prefix?: string; limit?: number } = {}): Promise<{ rooms: PublicRoom[] }> {
    return this.call("GET", `/api/rooms/public${queryString({ prefix: query.prefix, limit: query.limit })}`, { token });
  }

  /** Joins a public room (`403` for a private one: only an invitation lets one in); answers the room. */
  joinRoom(token: string, roomId: string): Promise<Room> {
    return this.call("POST", `/api/rooms/${encodeURIComponent(roomId)}/join`, { token });
  }

  /** Leaves a room (`403` for `everyone`, which nobody can leave; `404` when not in it). */
  async leaveRoom(token: string, roomId: string): Promise<void> {
    await this.call("POST", `/api/rooms/${encodeURIComponent(roomId)}/leave`, { token });
  }

  /**
   * The caller opened room `roomId` (204): its newest event is kept as seen (`eventsSeen` in `conversations`), so the
   * caller's other devices tell no invitation up to it as news. `403` for a non-member.
   */
  async roomOpened(token: string, roomId: string): Promise<void> {
    await this.call("PUT", `/api/rooms/${encodeURIComponent(roomId)}/opened`, { token });
  }

  /** Adds user `userId` to a room the caller is a member of (`403` otherwise, `404` for an unknown user). */
  invite(token: string, roomId: string, userId: string): Promise<Invitation> {
    return this.call("POST", `/api/rooms/${encodeURIComponent(roomId)}/members`, { token, body: { userId } });
  }

  /**
   * The owner removes member `userId` from a room, as if it left (`403` for others and for `everyone`, `404` for a
   * user not in it, `400` for the owner itself: it leaves instead).
   */
  async removeMember(token: string, roomId: string, userId: string): Promise<void> {
    await this.call("DELETE", `/api/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`, { token });
  }

  /** The owner renames a room (`403` for others and for `everyone`); answers the room. */
  renameRoom(token: string, roomId: string, name: string): Promise<Room> {
    return this.call("PATCH", `/api/rooms/${encodeURIComponent(roomId)}`, { token, body: { name } });
  }

  /** A room's members, every one (`403` for outsiders of a private room; large for a large room: prefer `memberPage`). */
  members(token: string, roomId: string): Promise<{ members: UserEntry[] }> {
    return this.call("GET", `/api/rooms/${encodeURIComponent(roomId)}/members`, { token });
  }

  /**
   * A room's members whose name starts with `prefix`, in name order, `limit` (1-200, default 50) at most; a page may
   * be shorter while `nextCursor` is not "": pass it as `cursor` for the next one. Everyone's are its users online.
   */
  memberPage(token: string, roomId: string, query: { cursor?: string; limit?: number; prefix?: string } = {}): Promise<MemberPage> {
    return this.call("GET", `/api/rooms/${encodeURIComponent(roomId)}/members${queryString({ cursor: query.cursor || undefined, limit: query.limit ?? 50, prefix: query.prefix || undefined })}`, { token });
  }

  /** Users whose name starts with `prefix`, online or not: anyone can be written to. */
  users(token: string, query: { prefix?: string; limit?: number } = {}): Promise<{ users: UserEntry[] }> {
    return this.call("GET", `/api/users${queryString({ prefix: query.prefix, limit: query.limit })}`, { token });
  }

  /** Whether each user named (at most 100) is online, and when an offline one was last online. */
  lastSeen(token: string, userIds: readonly string[]): Promise<{ users: LastSeenEntry[] }> {
    return this.call("GET", `/api/users/last-seen${queryString({ userIds: userIds.join(",") })}`, { token });
  }

  /** Messages of the caller's conversations (or one) whose current text contains `q`, newest first. */
  search(token: string, query: { q: string; conversation?: string; limit?: number }): Promise<{ results: SearchResult[] }> {
    return this.call("GET", `/api/search${queryString({ q: query.q, conversation: query.conversation, limit: query.limit })}`, { token });
  }

  /** The caller's conversations (rooms, and the 200 most recent private chats), newest first, with unread counts. */
  conversations(token: string): Promise<{ conversations: ConversationSummary[] }> {
    return this.call("GET", "/api/conversations", { token });
  }

  /**
   * One page of `conversations`, `limit` (1-100, default 30) of them; pass `nextCursor` as `cursor` for the next
   * page. Each conversation is listed once over the pages, at its place when the first page was read.
   */
  conversationPage(token: string, query: { cursor?: string; limit?: number } = {}): Promise<ConversationPage> {
    return this.call("GET", `/api/conversations${queryString({ cursor: query.cursor || undefined, limit: query.limit ?? 30 })}`, { token });
  }

  /** One page of `search`: the first with no `cursor`, then each with the previous page's `nextCursor`. */
  searchPage(token: string, query: { q: string; conversation?: string; limit?: number; cursor?: string }): Promise<SearchPage> {
    // An empty cursor asks for the first page, and queryString leaves empty values out: it is added by hand.
    const cursor = query.cursor ? `&cursor=${encodeURIComponent(query.cursor)}` : "&cursor=";
    return this.call("GET", `/api/search${queryString({ q: query.q, conversation: query.conversation, limit: query.limit })}${cursor}`, { token });
  }

  /**
   * Blocks user `userId` (idempotent): private messages between the two are refused both ways (`Error{blocked}`), and
   * typing, receipts and presence between them stop. `400` for oneself, `404` for no such user, `409
   * too_many_blocks` past the limit.
   */
  async block(token: string, userId: string): Promise<void> {
    await this.call("PUT", `/api/blocks/${encodeURIComponent(userId)}`, { token });
  }

  /** Unblocks user `userId` (idempotent). */
  async unblock(token: string, userId: string): Promise<void> {
    await this.call("DELETE", `/api/blocks/${encodeURIComponent(userId)}`, { token });
  }

  /**
   * The users the caller blocks, in userId order, and the list's order among the caller's BlockEvents (absent from
   * routes before it): an event with a lower order is older than the list.
   */
  blocks(token: string): Promise<{ blocks: BlockedUser[]; order?: number }> {
    return this.call("GET", "/api/blocks", { token });
  }

  adminStats(adminToken: string): Promise<AdminStats> {
    return this.call("GET", "/api/admin/stats", { token: adminToken });
  }

  /** `empty`: what a `204` resolves to, from its headers (undefined without it). */
  private async call<T>(method: string, path: string, options: { token?: string; body?: unknown; empty?: (headers: Headers) => T }): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const init: RequestInit = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) };
    // A route that accepted the connection and never answers (frozen, or its host gone without a reset) would hold
    // the caller, a reconnect among them, for good: the call is given up after timeoutMs, the answer's body included.
    // A login is also asked once more meanwhile, and the wait is reported, so an app can say that route is not
    // answering (ROUTE_ATTEMPT_TIMEOUT_MS says why only a login).
    const hedged = method === "POST" && HEDGED_PATHS.has(path);
    const answer = await requestRoute({
      fetchImpl: this.fetchImpl, url: `${this.baseUrl}${path}`, init, timeoutMs: this.timeoutMs,
      attemptMs: hedged ? (this.retry.attemptTimeoutMs ?? ROUTE_ATTEMPT_TIMEOUT_MS) : undefined,
      maxAttempts: HEDGED_ATTEMPTS,
      onRetry: (attempt, waitedMs) => this.retry.onRetry?.({ path: path.split("?")[0]!, attempt, waitedMs }),
    });
    const { response, text } = answer;
    if (response.status === 204) return options.empty ? options.empty(response.headers) : (undefined as T);
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; clientMsgId?: string } } | undefined)?.error;
      // Too many requests, or a part of the system unavailable (503): both may say when to come back.
      const retryAfter = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
      throw new CimApiError(response.status, error?.code ?? "http_error", error?.message ?? `HTTP ${response.status}`, retryAfter, typeof error?.clientMsgId === "string" ? error.clientMsgId : undefined);
    }
    return json as T;
  }
}
