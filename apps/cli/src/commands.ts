// Parses one input line into a command: chat lines, `userId;;text` private lines and the `:` commands.

export type Command =
  | { kind: "none" }
  | { kind: "group"; text: string }
  | { kind: "private"; to: string; text: string }
  | { kind: "online" }
  | { kind: "prefix"; prefix: string }
  | { kind: "info" }
  | { kind: "delay"; seconds: number; text: string }
  | { kind: "search"; word: string }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "unknown"; name: string }
  | { kind: "invalid"; message: string };

/** The commands, in the order `:all` prints them: usage and what it does. */
export const COMMAND_HELP: ReadonlyArray<readonly [string, string]> = [
  ["<text>", "send <text> to the group"],
  ["<userId>;;<text>", "send <text> privately to user <userId>"],
  [":olu", "list the online users"],
  [":pu <prefix>", "list the online users whose name starts with <prefix>"],
  [":info", "show this user, its gateway and the connection state"],
  [":delay <seconds> <text>", "send <text> to the group after <seconds>"],
  [":q <word>", "search your group and private history for <word>"],
  [":all", "show these commands"],
  [":q, :q!", "log out and quit (Ctrl-D too)"],
];

/** The longest delay `:delay` accepts. */
export const MAX_DELAY_SECONDS = 24 * 60 * 60;

const PRIVATE_LINE = /^\s*(\d+);;([\s\S]*)$/;

/** Parses one line typed by the user; never throws. */
export function parseCommand(line: string): Command {
  const trimmed = line.trim();
  if (trimmed === "") return { kind: "none" };
  if (trimmed.startsWith(":")) return parseColonCommand(trimmed);
  const match = PRIVATE_LINE.exec(line);
  if (match) {
    const text = match[2]!.trim();
    if (text === "") return { kind: "invalid", message: "nothing to send: write the text after `;;`" };
    return { kind: "private", to: match[1]!, text };
  }
  return { kind: "group", text: trimmed };
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
    case ":info":
      return { kind: "info" };
    case ":delay":
      return parseDelay(rest);
    case ":q":
      return rest ? { kind: "search", word: rest } : { kind: "quit" };
    case ":q!":
      return { kind: "quit" };
    case ":all":
      return { kind: "help" };
    default:
      return { kind: "unknown", name };
  }
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
