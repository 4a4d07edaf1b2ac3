// The console loop: log in (asking for missing credentials), print what arrives, run typed commands until quit.
import type { Readable, Writable } from "node:stream";
import { CimApiError } from "@cim/client";
import { ErrorCode } from "@cim/protocol";
import { ChatSession, type ChatClient, type Print } from "./chat-session.js";
import { parseCommand } from "./commands.js";
import { formatError, formatPresence, formatState, who } from "./format.js";
import { createLineReader, type LineReader } from "./line-reader.js";

export type { ChatClient } from "./chat-session.js";

export interface CliOptions {
  client: ChatClient;
  /** Credentials from args or env; missing ones are asked on `input`. */
  userName?: string;
  password?: string;
  register?: boolean;
  /** Route's base URL, named when it cannot be reached (a default :8080 while npm start moved route elsewhere). */
  routeUrl?: string;
  input: Readable & { isTTY?: boolean };
  output: Writable;
  /** Aborting ends the loop like the end of input (SIGINT, SIGTERM). */
  signal?: AbortSignal;
}

/** Exit codes: 0 quit, 1 login failed or session lost, 2 bad input (no credentials). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs the console until `:q`, end of input or a lost session; resolves with the exit code. */
export async function runCli(options: CliOptions): Promise<number> {
  const { client, output } = options;
  const print: Print = (lines) => {
    for (const line of Array.isArray(lines) ? lines : [lines]) output.write(`${line}\n`);
  };
  const reader = createLineReader(options.input, output);
  if (options.signal?.aborted) reader.end();
  options.signal?.addEventListener("abort", () => reader.end(), { once: true });

  const credentials = await askCredentials(options, reader, print);
  if (!credentials) return EXIT.usage;
  if (!(await logIn(client, credentials, options, print))) return EXIT.failed;

  const session = new ChatSession(client, print);
  let lost = false;
  const events = printEvents(client, session, print, () => {
    // A terminal close (replaced by a newer login, token refused): nothing left to type into.
    lost = true;
    reader.end();
  });

  const me = client.session!;
  print([`* logged in as ${who(me.userName, me.userId)} on ${client.gateway?.id} (${client.gateway?.wsUrl}); :all lists the commands`]);
  await Promise.all([session.rooms.load(), session.messages.learnPeers()]);
  session.watchPartners();
  for (let line = await reader.next(); line !== null; line = await reader.next()) {
    const command = parseCommand(line);
    if (command.kind === "quit") break;
    await session.run(command);
    session.watchPartners();
  }
  reader.end();
  events.stop();
  if (lost) return EXIT.failed;
  await session.messages.settled();
  await session.finish();
  try {
    await client.logout();
  } catch (error) {
    print(formatError("logout failed", error));
  }
  print("* bye");
  return EXIT.ok;
}

/** Prints what arrives until `stop()`; `onLost` is called when the session closes on its own. */
function printEvents(client: ChatClient, session: ChatSession, print: Print, onLost: () => void): { stop: () => void } {
  let stopped = false;
  client.onMessage((message) => {
    session.messages.show(message);
    if (message.to) session.watchPartners();
  });
  client.onRoomEvent((event) => session.rooms.onRoomEvent(event));
  // Presence of the private partners (watchPartners): each answer repeats their state, so only changes print.
  const lastSeen = new Map<string, boolean>();
  client.onPresence((presence) => {
    if (presence.userId === client.session?.userId || lastSeen.get(presence.userId) === presence.online) return;
    lastSeen.set(presence.userId, presence.online);
    session.saw(presence.userId, presence.userName);
    print(formatPresence(presence));
  });
  client.onError((error) => print(formatError("error", error)));
  client.onState((state) => {
    if (stopped) return;
    print(formatState(state, client.gateway));
    if (state === "closed") onLost();
  });
  return { stop: () => (stopped = true) };
}

async function askCredentials(options: CliOptions, reader: LineReader, print: Print): Promise<{ userName: string; password: string } | null> {
  const userName = (options.userName ?? (await reader.ask("user: ")) ?? "").trim();
  if (!userName) {
    print("! no user name given");
    return null;
  }
  const password = options.password ?? (await reader.ask("password: ", { secret: true })) ?? "";
  if (!password) {
    print("! no password given");
    return null;
  }
  return { userName, password };
}

async function logIn(client: ChatClient, credentials: { userName: string; password: string }, options: CliOptions, print: Print): Promise<boolean> {
  const describe = (error: unknown) => describeFailure(error, options.routeUrl);
  if (options.register) {
    try {
      const account = await client.register(credentials.userName, credentials.password);
      print(`* registered ${who(account.userName, account.userId)}`);
    } catch (error) {
      // The README's and npm start's console command carry --register: run again, it found its own name taken and
      // stopped. A taken name goes on to the login, which the password decides (someone else's: login failed).
      if (!(error instanceof CimApiError && error.code === ErrorCode.NameTaken)) {
        print(formatError("register failed", describe(error)));
        return false;
      }
      print(`* ${credentials.userName} is registered already: logging in`);
    }
  }
  try {
    await client.logIn(credentials.userName, credentials.password);
    return true;
  } catch (error) {
    print(formatError("login failed", describe(error)));
    return false;
  }
}

/**
 * The server's own message, with its code when route answered: "wrong user name or password (unauthorized)". When
 * route did not answer, the URL tried and what to do: the default :8080 is not where npm start put route if that port
 * was taken (its banner prints the command with the right --route).
 */
function describeFailure(error: unknown, routeUrl: string | undefined): string {
  if (error instanceof CimApiError && error.status !== 0) return `${error.message} (${error.code})`;
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof CimApiError) || !routeUrl) return message;
  return `${message}; no route answered at ${routeUrl}: start one with npm start, or pass the --route its banner prints`;
}
