// Runs the commands of one logged-in user: sends, delayed sends, user lists, rooms, info, history search.
import type { CimClient } from "@cim/client";
import { EVERYONE_ROOM, MAX_PRESENCE_SUBSCRIPTIONS } from "@cim/protocol";
import type { Command } from "./commands.js";
import { Directory } from "./directory.js";
import { filterByPrefix, formatError, formatHelp, formatInfo, formatSearch, formatUsers, targetLabel } from "./format.js";
import { MessagePrinter } from "./message-printer.js";
import { RoomCommands } from "./room-commands.js";
import { formatFoundUsers } from "./room-format.js";
import { searchHistory } from "./search.js";
import { lookUpUser, LOOKUP_LIMIT } from "./user-lookup.js";

/** The part of CimClient the console uses (a fake in unit tests). */
export type ChatClient = Pick<
  CimClient,
  | "register" | "logIn" | "send" | "onMessage" | "onPresence" | "subscribePresence" | "onState" | "onError" | "onRoomEvent" | "markRead" | "online" | "history" | "logout" | "close"
  | "session" | "gateway" | "state" | "users" | "lastSeen" | "rooms" | "publicRooms" | "createRoom" | "joinRoom" | "leaveRoom" | "invite" | "memberPage" | "conversations"
>;

export type Print = (lines: string | string[]) => void;

/** How long quitting waits for sends still unacknowledged. */
export const QUIT_DRAIN_MS = 5_000;

/** Where a send goes: the group (`everyone`), a room, or a user. */
type Destination = { room: string } | { to: string };

export class ChatSession {
  readonly directory: Directory;
  readonly rooms: RoomCommands;
  readonly messages: MessagePrinter;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly delays = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly client: ChatClient, private readonly print: Print) {
    this.directory = new Directory(() => client.session?.userId ?? "");
    this.rooms = new RoomCommands(client, this.directory, print);
    this.messages = new MessagePrinter(client, this.directory, print);
  }

  /** Watches the presence of the user's private partners (the first 500): the gateway tells only what is asked. */
  watchPartners(): void {
    this.client.subscribePresence([...this.directory.partners].filter((id) => id !== this.directory.me).slice(0, MAX_PRESENCE_SUBSCRIPTIONS));
  }

  /** Remembers a user's name, and a private partner when `partner` is set. */
  saw(userId: string, userName: string | undefined, partner = false): void {
    this.directory.saw(userId, userName, partner);
  }

  async run(command: Command): Promise<void> {
    switch (command.kind) {
      case "none":
      case "quit":
        return;
      case "say":
        return this.send({ room: this.rooms.target }, command.text);
      case "room":
        return this.send({ room: command.room }, command.text);
      case "private":
        this.directory.partners.add(command.to);
        return this.send({ to: command.to }, command.text);
      case "privateByName":
        return this.sendByName(command.name, command.text);
      case "online":
        return this.listOnline();
      case "prefix":
        return this.listOnline(command.prefix);
      case "users":
        return this.findUsers(command.prefix);
      case "info":
        return this.print(formatInfo(this.client.session, this.client.gateway, this.client.state));
      case "delay":
        return this.delay(command.seconds, command.text);
      case "search":
        return this.search(command.word);
      case "help":
        return this.print(formatHelp());
      case "unknown":
        return this.print(formatHelp(command.name));
      case "invalid":
        return this.print(`! ${command.message}`);
      default:
        return this.rooms.run(command);
    }
  }

  /** Cancels delayed sends and waits (bounded) for sends not yet acknowledged. */
  async finish(): Promise<void> {
    if (this.delays.size) this.print(`* ${this.delays.size} delayed message(s) not sent`);
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    await this.drain(QUIT_DRAIN_MS);
  }

  // Sends are not awaited so typing goes on; the SDK keeps their order and resends until acknowledged. The
  // group goes out as an old-style Send (no room), which every gateway understands.
  private send(destination: Destination, text: string): void {
    const input = "to" in destination ? { to: destination.to, text } : destination.room === EVERYONE_ROOM ? { text } : { room: destination.room, text };
    const where = "to" in destination ? ` to ${destination.to}` : destination.room === EVERYONE_ROOM ? "" : ` to #${destination.room}`;
    const sending = this.client.send(input).then(
      () => undefined,
      (error: unknown) => this.print(formatError(`send failed${where} ("${text}")`, error)),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /** `name;;text`: reaches the user of exactly that name, or nobody (never the group). */
  private async sendByName(name: string, text: string): Promise<void> {
    let user;
    try {
      user = await lookUpUser((prefix, limit) => this.client.users(prefix, limit), name);
    } catch (error) {
      return this.print(formatError(`could not look up ${name}, nothing sent ("${text}")`, error));
    }
    if (!user) return this.print(`! no user is named ${name}: nothing sent ("${text}")`);
    this.directory.saw(user.userId, user.userName, true);
    this.send({ to: user.userId }, text);
  }

  private delay(seconds: number, text: string): void {
    const room = this.rooms.target;
    const timer = setTimeout(() => {
      this.delays.delete(timer);
      this.send({ room }, text);
    }, seconds * 1_000);
    this.delays.add(timer);
    this.print(`* will send "${text}" to ${targetLabel(room, this.directory)} in ${seconds} s`);
  }

  private async listOnline(prefix?: string): Promise<void> {
    try {
      const users = await this.client.online();
      for (const user of users) this.saw(user.userId, user.userName);
      this.print(formatUsers(prefix === undefined ? users : filterByPrefix(users, prefix), prefix));
    } catch (error) {
      this.print(formatError("online users unavailable", error));
    }
  }

  private async findUsers(prefix: string): Promise<void> {
    try {
      const users = await this.client.users(prefix, LOOKUP_LIMIT);
      for (const user of users) this.saw(user.userId, user.userName);
      // When each offline one was last online; without it (route could not say) the list shows all the same.
      const offline = users.filter((user) => !user.online).map((user) => user.userId);
      const seen = offline.length ? await this.client.lastSeen(offline).catch(() => []) : [];
      const at = new Map(seen.map((user) => [user.userId, user.lastSeen]));
      this.print(formatFoundUsers(users.map((user) => ({ ...user, lastSeen: at.get(user.userId) ?? 0 })), prefix));
    } catch (error) {
      this.print(formatError("user search unavailable", error));
    }
  }

  private async search(word: string): Promise<void> {
    // What this user just sent must be found: wait for its acknowledgement (it is stored by then).
    await this.drain(QUIT_DRAIN_MS);
    const self = this.client.session?.userId;
    try {
      for (const user of await this.client.online()) this.saw(user.userId, user.userName);
    } catch (error) {
      this.print(formatError("online users unavailable, searching known users only", error));
    }
    const others = [...new Set([...this.directory.users.keys(), ...this.directory.partners])].filter((id) => id !== self);
    const result = await searchHistory((query) => this.client.history(query), word, others, [...this.directory.mine]);
    for (const failure of result.failures) {
      const of = failure.withUser ? ` with ${failure.withUser}` : failure.room ? ` of #${failure.room}` : " of the group";
      this.print(formatError(`history${of} unavailable`, failure.error));
    }
    if (self) this.directory.saw(self, this.client.session!.userName);
    this.print(formatSearch(word, result.hits, this.directory, result.conversations));
  }

  private async drain(timeoutMs: number): Promise<void> {
    if (!this.inFlight.size) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.inFlight), timeout]);
    clearTimeout(timer);
  }
}
