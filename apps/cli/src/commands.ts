// Parses one input line into a command: chat lines, `<user>;;text` private lines, `#<roomId> text` and the `:` commands.
import { DECIMAL_ID, EVERYONE_ROOM, ROOM_ID } from "@cim/protocol";

export type Visibility = "public" | "private";

export type Command =
  | { kind: "none" }
  /** A plain line: to the current target (the group unless `:to` chose a room). */
  | { kind: "say"; text: string }
  | { kind: "private"; to: string; text: string }
  /** `name;;text`: to the user of that name, once resolved. */
  | { kind: "privateByName"; name: string; text: string }
  | { kind: "room"; room: string; text: string }
  /** `:to <roomId>`: where plain lines go (`everyone` = the group); `room` undefined: show it. */
  | { kind: "target"; room?: string }
  | { kind: "online" }
  | { kind: "prefix"; prefix: string }
  | { kind: "users"; prefix: string }
  | { kind: "rooms" }
  | { kind: "publicRooms"; prefix: string }
  | { kind: "createRoom"; name: string; visibility: Visibility }
  | { kind: "join"; room: string }
  | { kind: "leave"; room: string }
  | { kind: "invite"; room: string; user: string }
  | { kind: "members"; room: string; prefix: string }
  | { kind: "info" }
  | { kind: "delay"; seconds: number; text: string }
  | { kind: "search"; word: string }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "unknown"; name: string }
  | { kind: "invalid"; message: string };

/** The commands, in the order `:all` prints them: usage and what it does. */
export const COMMAND_HELP: ReadonlyArray<readonly [string, string]> = [
  ["<text>", "send <text> to the current target: the group, or the room chosen with :to"],
  ["<user>;;<text>", "send <text> privately to <user>: a userId, or a user name (exact)"],
  ["#<roomId> <text>", "send <text> to room <roomId> (e.g. #r12 hi; #everyone is the group)"],
  [":to <roomId>", "send plain lines to room <roomId> from now on (:to everyone: the group; :to alone shows it)"],
  [":rooms", "list your rooms with their unread counts"],
  [":public [<prefix>]", "list the public rooms (whose name starts with <prefix>)"],
  [":mkroom <name> [public|private]", "create a room (public unless said otherwise)"],
  [":join <roomId>", "join a public room"],
  [":leave <roomId>", "leave a room"],
  [":invite <roomId> <user>", "add <user> (a user name) to a room you are in"],
  [":members <roomId> [start]", "list a room's members, the first 100 by name (or those whose name starts so)"],
  [":olu", "list the online users"],
  [":pu <prefix>", "list the online users whose name starts with <prefix>"],
  [":users <prefix>", "find users, online or not, whose name starts with <prefix>"],
  [":info", "show this user, its gateway and the connection state"],
  [":delay <seconds> <text>", "send <text> to the current target after <seconds>"],
  [":q <word>, :find <word>", "search your group, room and private history for <word>"],
  [":all, :help", "show these commands"],
  [":q, :q!, :quit", "log out and quit (Ctrl-D too)"],
];

/** The longest delay `:delay` accepts. */
export const MAX_DELAY_SECONDS = 24 * 60 * 60;

/** `<user>;;<text>`: whatever stands before the first `;;` (one word, possibly empty) names the recipient. */
const PRIVATE_LINE = /^\s*([^\s;]*)\s*;;([\s\S]*)$/;
/** `#r12 text` or `#everyone text`. */
const ROOM_LINE = /^\s*#(everyone|r[0-9]{1,20})(?:\s+([\s\S]*))?$/;

/** Parses one line typed by the user; never throws. */
export function parseCommand(line: string): Command {
  const trimmed = line.trim();
  if (trimmed === "") return { kind: "none" };
  if (trimmed.startsWith(":")) return parseColonCommand(trimmed);
  const room = ROOM_LINE.exec(line);
  if (room) {
    const text = (room[2] ?? "").trim();
    return text ? { kind: "room", room: room[1]!, text } : { kind: "invalid", message: `nothing to send: write the text after #${room[1]}` };
  }
  const match = PRIVATE_LINE.exec(line);
  if (match) return parsePrivate(match[1]!, match[2]!.trim());
  return { kind: "say", text: trimmed };
}

// A `;;` line is never a group message: it reaches the user it names, or it is refused.
function parsePrivate(user: string, text: string): Command {
  if (user === "") return { kind: "invalid", message: "write who to send to before `;;`: a userId or a user name (nothing sent)" };
  if (text === "") return { kind: "invalid", message: "nothing to send: write the text after `;;`" };
  return DECIMAL_ID.test(user) ? { kind: "private", to: user, text } : { kind: "privateByName", name: user, text };
}

function parseColonCommand(trimmed: string): Command {
  const space = trimmed.search(/\s/);
  const name = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? "" : trimmed.slice(space).trim();
  switch (name) {
    case ":olu":
      return { kind: "online" };
    case ":pu":
      return rest ? { kind: "prefix", prefix: rest } : { kind: "invalid", message: "usage: :pu <prefix>" };
    case ":users":
      return rest ? { kind: "users", prefix: rest } : { kind: "invalid", message: "usage: :users <prefix>" };
    case ":info":
      return { kind: "info" };
    case ":delay":
      return parseDelay(rest);
    case ":q":
      return rest ? { kind: "search", word: rest } : { kind: "quit" };
    case ":find":
    case ":search":
      return rest ? { kind: "search", word: rest } : { kind: "invalid", message: `usage: ${name} <word> (or :q <word>, as in the seed)` };
    case ":q!":
    case ":quit":
    case ":exit":
      return { kind: "quit" };
    case ":all":
    case ":help":
    case ":h":
    case ":?":
      return { kind: "help" };
    default:
      return parseRoomCommand(name, rest) ?? { kind: "unknown", name };
  }
}

/** The room commands; null when `name` is none of them. */
function parseRoomCommand(name: string, rest: string): Command | null {
  switch (name) {
    case ":rooms":
      return { kind: "rooms" };
    case ":public":
      return { kind: "publicRooms", prefix: rest };
    case ":mkroom":
      return parseCreateRoom(rest);
    case ":to":
      if (!rest) return { kind: "target" };
      return roomArgument(rest, ":to <roomId>", (room) => ({ kind: "target", room }), ["group"]);
    case ":join":
      return roomArgument(rest, ":join <roomId>", (room) => ({ kind: "join", room }));
    case ":leave":
      return roomArgument(rest, ":leave <roomId>", (room) => ({ kind: "leave", room }));
    case ":members":
      return membersArguments(rest);
    case ":invite": {
      const [room = "", user = "", ...extra] = rest.split(/\s+/);
      if (!user || extra.length) return { kind: "invalid", message: "usage: :invite <roomId> <user>" };
      return roomArgument(room, ":invite <roomId> <user>", (roomId) => ({ kind: "invite", room: roomId, user }));
    }
    default:
      return null;
  }
}

/** A roomId argument (`#r12` is taken too); `group` in `aliases` means `everyone`. */
/** `:members <roomId> [start of a name]`. */
function membersArguments(rest: string): Command {
  const [room = "", ...words] = rest.split(/\s+/).filter(Boolean);
  return roomArgument(room, ":members <roomId> [start of a name]", (roomId) => ({ kind: "members", room: roomId, prefix: words.join(" ") }));
}

function roomArgument(rest: string, usage: string, make: (room: string) => Command, aliases: string[] = []): Command {
  const room = rest.replace(/^#/, "");
  if (aliases.includes(room)) return make(EVERYONE_ROOM);
  if (!ROOM_ID.test(room)) return { kind: "invalid", message: `usage: ${usage} (a roomId such as r12; :rooms and :public list them)` };
  return make(room);
}

function parseCreateRoom(rest: string): Command {
  const words = rest.split(/\s+/).filter(Boolean);
  const last = words.at(-1)?.toLowerCase();
  const visibility: Visibility = last === "private" ? "private" : "public";
  if (last === "public" || last === "private") words.pop();
  const name = words.join(" ");
  if (!name) return { kind: "invalid", message: "usage: :mkroom <name> [public|private]" };
  return { kind: "createRoom", name, visibility };
}

function parseDelay(rest: string): Command {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest);
  const usage = "usage: :delay <seconds> <text>";
  if (!match) return { kind: "invalid", message: usage };
  const seconds = Number(match[1]);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_DELAY_SECONDS) {
    return { kind: "invalid", message: `${usage} (seconds is a number from 0 to ${MAX_DELAY_SECONDS})` };
  }
  return { kind: "delay", seconds, text: match[2]!.trim() };
}
