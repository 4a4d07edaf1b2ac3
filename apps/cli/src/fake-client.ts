// An SDK stand-in for the console's unit tests: records calls, lets the test push messages, presence, states and room events.
import { PassThrough } from "node:stream";
import { expect, vi } from "vitest";
import { CimApiError, type ChatMessage, type ConnectionState, type ConversationSummary, type HistoryMessage, type Invitation, type LastSeenEntry, type MyRoom, type Presence, type PublicRoom, type Room, type RoomEvent, type SendAck, type StoredLogin, type UserEntry } from "@cim/client";
import type { ChatClient } from "./chat-session.js";
import { runCli } from "./cli.js";

type Handlers = {
  message: Array<(m: ChatMessage) => void>;
  presence: Array<(p: Presence) => void>;
  state: Array<(s: ConnectionState) => void>;
  error: Array<(e: Error) => void>;
  roomEvent: Array<(e: RoomEvent) => void>;
};

export class FakeClient implements ChatClient {
  state: ConnectionState = "idle";
  session: StoredLogin | null = null;
  gateway = { id: "gw-a", wsUrl: "ws://127.0.0.1:1/ws" };
  sent: Array<{ to?: string; room?: string; text: string }> = [];
  history = vi.fn(async (query: { withUser?: string; room?: string }): Promise<HistoryMessage[]> =>
    this.stored.filter((m) => (query.room ? m.room === query.room : query.withUser ? m.to !== "" : m.to === "" && m.room === "")),
  );
  stored: HistoryMessage[] = [];
  loggedOut = false;
  failLogin: Error | null = null;
  sendFails = false;
  /** Every account route knows, for `users(prefix)`. */
  accounts: UserEntry[] = [
    { userId: "1", userName: "ann", online: true },
    { userId: "2", userName: "bob", online: true },
    { userId: "3", userName: "anna", online: true },
    { userId: "4", userName: "alice", online: false },
    { userId: "5", userName: "alicia", online: false },
  ];
  /** The user's rooms (`rooms()`), and the public directory. */
  myRooms: MyRoom[] = [];
  directory: PublicRoom[] = [];
  reads: string[] = [];
  invited: Array<[string, string]> = [];
  private nextRoom = 10;
  private handlers: Handlers = { message: [], presence: [], state: [], error: [], roomEvent: [] };

  register = vi.fn(async (userName: string) => ({ userId: "1", userName }));
  async logIn(userName: string): Promise<StoredLogin> {
    if (this.failLogin) throw this.failLogin;
    this.session = { userId: "1", userName, token: "t" };
    this.state = "online";
    return this.session;
  }
  async send(input: { to?: string; room?: string; text: string }): Promise<SendAck> {
    if (this.sendFails) throw new Error("no user 99");
    this.sent.push(input);
    return { clientMsgId: "c", msgId: String(this.sent.length), ts: 0 };
  }
  markRead(conversation: string, msgId: string): void {
    this.reads.push(`${conversation}:${msgId}`);
  }
  onMessage = (h: (m: ChatMessage) => void) => (this.handlers.message.push(h), () => true);
  onPresence = (h: (p: Presence) => void) => (this.handlers.presence.push(h), () => true);
  /** Every list given to subscribePresence, in order. */
  watched: string[][] = [];
  subscribePresence(userIds: readonly string[]): void {
    if (this.watched.at(-1)?.join() !== userIds.join()) this.watched.push([...userIds]);
  }
  pushPresence(presence: Presence): void {
    for (const h of this.handlers.presence) h(presence);
  }
  onState = (h: (s: ConnectionState) => void) => (this.handlers.state.push(h), () => true);
  onError = (h: (e: Error) => void) => (this.handlers.error.push(h), () => true);
  onRoomEvent = (h: (e: RoomEvent) => void) => (this.handlers.roomEvent.push(h), () => true);
  async online() {
    return [{ userId: "1", userName: "ann" }, { userId: "2", userName: "bob" }, { userId: "3", userName: "anna" }];
  }
  async users(prefix = "", limit = 20): Promise<UserEntry[]> {
    return this.accounts.filter((u) => u.userName.toLowerCase().startsWith(prefix.toLowerCase())).slice(0, limit);
  }
  /** When offline accounts were last online (`lastSeen`), by userId; unknown ones 0. */
  lastSeenAt = new Map<string, number>();
  async lastSeen(userIds: readonly string[]): Promise<LastSeenEntry[]> {
    return this.accounts.filter((u) => userIds.includes(u.userId)).map((u) => ({ ...u, lastSeen: u.online ? 0 : (this.lastSeenAt.get(u.userId) ?? 0) }));
  }
  async rooms(): Promise<MyRoom[]> {
    return this.myRooms;
  }
  async publicRooms(prefix = ""): Promise<PublicRoom[]> {
    return this.directory.filter((r) => r.name.toLowerCase().startsWith(prefix.toLowerCase()));
  }
  async createRoom(name: string, visibility: "public" | "private" = "public"): Promise<Room> {
    const room = { roomId: `r${this.nextRoom++}`, name, visibility, owner: "1" };
    this.myRooms.push({ ...room, unread: 0, lastMsgId: "" });
    return room;
  }
  async joinRoom(roomId: string): Promise<Room> {
    const room = this.directory.find((r) => r.roomId === roomId);
    if (!room) throw new CimApiError(404, "not_found", `no room ${roomId}`);
    this.myRooms.push({ roomId, name: room.name, visibility: "public", unread: 0, lastMsgId: "" });
    return { roomId, name: room.name, visibility: "public", owner: "9" };
  }
  /** Runs inside leaveRoom before it answers (a gateway event that overtakes route's answer). */
  beforeAnswer: () => void = () => undefined;
  async leaveRoom(roomId: string): Promise<void> {
    this.beforeAnswer();
    const before = this.myRooms.length;
    this.myRooms = this.myRooms.filter((r) => r.roomId !== roomId);
    if (this.myRooms.length === before) throw new CimApiError(404, "not_found", `you are not a member of ${roomId}`);
  }
  async invite(roomId: string, userId: string): Promise<Invitation> {
    if (!this.myRooms.some((r) => r.roomId === roomId)) throw new CimApiError(403, "forbidden", `only members of ${roomId} can invite`);
    this.invited.push([roomId, userId]);
    return { roomId, userId, userName: this.accounts.find((u) => u.userId === userId)?.userName ?? "" };
  }
  /** Private peers route lists in `conversations()`. */
  peers: Array<{ userId: string; userName: string }> = [];
  async conversations(): Promise<ConversationSummary[]> {
    return this.peers.map((p) => ({ conversation: p.userId, kind: "private" as const, name: p.userName, unread: 0, lastMsgId: "", readUpTo: "" }));
  }
  /** Members of every room the user is in (route's answer for any of them), and the pages asked for. */
  roomMembers: UserEntry[] | null = null;
  memberPages: Array<[string, { limit?: number; prefix?: string }]> = [];
  async memberPage(roomId: string, query: { limit?: number; prefix?: string } = {}): Promise<{ members: UserEntry[]; count: number; nextCursor: string }> {
    if (!this.myRooms.some((r) => r.roomId === roomId)) throw new CimApiError(403, "forbidden", `room ${roomId} is private`);
    this.memberPages.push([roomId, query]);
    const all = (this.roomMembers ?? this.accounts.slice(0, 2)).filter((u) => u.userName.toLowerCase().startsWith((query.prefix ?? "").toLowerCase()));
    const limit = query.limit ?? 50;
    return { members: all.slice(0, limit), count: all.length, nextCursor: all.length > limit ? "next" : "" };
  }
  async logout() {
    this.loggedOut = true;
    this.close();
  }
  close() {
    this.setState("closed");
  }
  push(message: ChatMessage) {
    for (const h of this.handlers.message) h(message);
  }
  pushRoomEvent(event: RoomEvent) {
    for (const h of this.handlers.roomEvent) h(event);
  }
  setState(state: ConnectionState) {
    this.state = state;
    for (const h of this.handlers.state) h(state);
  }
}

/** Runs the console on `client` with piped input and output; `waitFor` waits for a pattern in all output so far. */
export function startCli(client: FakeClient, options: { userName?: string; password?: string; register?: boolean; routeUrl?: string } = { userName: "ann", password: "pw" }) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exit = runCli({ client, input, output, ...options });
  const waitFor = (pattern: RegExp) => vi.waitFor(() => expect(text).toMatch(pattern), { timeout: 2_000, interval: 5 });
  return { type: (line: string) => input.write(`${line}\n`), end: () => input.end(), exit, output: () => text, waitFor };
}
