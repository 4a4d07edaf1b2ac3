// Runs the commands of one logged-in user: sends, delayed sends, online lists, info, history search.
import type { CimClient } from "@cim/client";
import type { Command } from "./commands.js";
import { filterByPrefix, formatError, formatHelp, formatInfo, formatSearch, formatUsers } from "./format.js";
import { searchHistory } from "./search.js";

/** The part of CimClient the console uses (a fake in unit tests). */
export type ChatClient = Pick<
  CimClient,
  "register" | "logIn" | "send" | "onMessage" | "onPresence" | "onState" | "onError" | "online" | "history" | "logout" | "close" | "session" | "gateway" | "state"
>;

export type Print = (lines: string | string[]) => void;

/** How long quitting waits for sends still unacknowledged. */
export const QUIT_DRAIN_MS = 5_000;

export class ChatSession {
  /** userId → userName of everyone seen: online lists, presence, messages. */
  readonly names = new Map<string, string>();
  /** Users this client exchanged private messages with. */
  private readonly partners = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly delays = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly client: ChatClient, private readonly print: Print) {}

  /** Remembers a user's name, and a private partner when `partner` is set. */
  saw(userId: string, userName: string | undefined, partner = false): void {
    if (userName) this.names.set(userId, userName);
    if (partner) this.partners.add(userId);
  }

  async run(command: Command): Promise<void> {
    switch (command.kind) {
      case "none":
      case "quit":
        return;
      case "group":
        return this.send(undefined, command.text);
      case "private":
        this.partners.add(command.to);
        return this.send(command.to, command.text);
      case "online":
        return this.listOnline();
      case "prefix":
        return this.listOnline(command.prefix);
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
    }
  }

  /** Cancels delayed sends and waits (bounded) for sends not yet acknowledged. */
  async finish(): Promise<void> {
    if (this.delays.size) this.print(`* ${this.delays.size} delayed message(s) not sent`);
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    await this.drain(QUIT_DRAIN_MS);
  }

  // Sends are not awaited so typing goes on; the SDK keeps their order and resends until acknowledged.
  private send(to: string | undefined, text: string): void {
    const sending = this.client.send({ to, text }).then(
      () => undefined,
      (error: unknown) => this.print(formatError(`send failed${to ? ` to ${to}` : ""} ("${text}")`, error)),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  private delay(seconds: number, text: string): void {
    const timer = setTimeout(() => {
      this.delays.delete(timer);
      this.send(undefined, text);
    }, seconds * 1_000);
    this.delays.add(timer);
    this.print(`* will send "${text}" to the group in ${seconds} s`);
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

  private async search(word: string): Promise<void> {
    // What this user just sent must be found: wait for its acknowledgement (it is stored by then).
    await this.drain(QUIT_DRAIN_MS);
    const self = this.client.session?.userId;
    try {
      for (const user of await this.client.online()) this.saw(user.userId, user.userName);
    } catch (error) {
      this.print(formatError("online users unavailable, searching known users only", error));
    }
    const others = [...new Set([...this.names.keys(), ...this.partners])].filter((id) => id !== self);
    const result = await searchHistory((query) => this.client.history(query), word, others);
    for (const failure of result.failures) this.print(formatError(`history${failure.withUser ? ` with ${failure.withUser}` : " of the group"} unavailable`, failure.error));
    const names = new Map(this.names);
    if (self) names.set(self, this.client.session!.userName);
    this.print(formatSearch(word, result.hits, names, result.conversations));
  }

  private async drain(timeoutMs: number): Promise<void> {
    if (!this.inFlight.size) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.inFlight), timeout]);
    clearTimeout(timer);
  }
}
