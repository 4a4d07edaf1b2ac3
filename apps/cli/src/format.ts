// Formats what the console prints: messages, presence, connection state, user and room lists, search hits, help.
import type { ChatMessage, ConnectionState, GatewayAddress, HistoryMessage, OnlineUser, Presence, StoredLogin } from "@cim/client";
import { EVERYONE_ROOM } from "@cim/protocol";
import { COMMAND_HELP } from "./commands.js";
import { terminalText } from "./terminal-text.js";

/** What the console knows to name things: this user, user names and room names by id. */
export interface Names {
  me: string;
  users: ReadonlyMap<string, string>;
  rooms: ReadonlyMap<string, string>;
}

const NO_NAMES: Names = { me: "", users: new Map(), rooms: new Map() };

/** `ann(1)`: how a user is named everywhere in the console. */
export function who(userName: string, userId: string): string {
  return `${userName}(${userId})`;
}

/** `#r3 lunch` (`#r3` while its name is unknown): how a room is named everywhere in the console. */
export function roomLabel(roomId: string, names: Pick<Names, "rooms"> = NO_NAMES): string {
  const name = names.rooms.get(roomId);
  return name ? `#${roomId} ${name}` : `#${roomId}`;
}

/** Where plain lines go: `the group` or a room's label. */
export function targetLabel(roomId: string, names: Pick<Names, "rooms"> = NO_NAMES): string {
  return roomId === EVERYONE_ROOM ? "the group" : roomLabel(roomId, names);
}

/** What the console prints for a deleted message (and its edits), whose text the servers hand out as "" (CONTRACT). */
export const DELETED_TEXT = "(deleted)";

/** A message's text as printed: "" only for a deleted message (a Send with an empty text is refused). */
function shownText(text: string): string {
  return text === "" ? DELETED_TEXT : terminalText(text);
}

type Shown = Pick<ChatMessage, "from" | "fromName" | "to" | "text" | "replyTo" | "editOf" | "deleted" | "reactTo" | "reaction"> & { room?: string };

/**
 * A received message: `[group] ann(1): hello`, `[#r3 lunch] ann(1): hi`, `[private] ann(1): hi`, or what
 * this user sent from another device to bob: `[private] ann(1) -> bob(2): hi`. Replies and edits say what they
 * name: `ann(1) (reply to 17): yes`, `ann(1) edited 17: hello`, `ann(1) deleted 17`, `ann(1) reacted 👍 to 17`,
 * `ann(1) took back the reaction to 17`. A deleted message (and an edit of one), which the servers hand out with
 * `text: ""` once the deletion is stored: `ann(1): (deleted)`, as the web app shows "message deleted".
 */
export function formatMessage(message: Shown, names: Names = NO_NAMES): string {
  const to = message.to && message.from === names.me ? ` -> ${who(names.users.get(message.to) ?? "?", message.to)}` : "";
  const head = `[${conversationLabel(message, names)}] ${who(message.fromName, message.from)}${to}`;
  if (message.reactTo) return message.reaction ? `${head} reacted ${message.reaction} to ${message.reactTo}` : `${head} took back the reaction to ${message.reactTo}`;
  if (message.editOf) return message.deleted ? `${head} deleted ${message.editOf}` : `${head} edited ${message.editOf}: ${shownText(message.text)}`;
  return `${head}${message.replyTo ? ` (reply to ${message.replyTo})` : ""}: ${shownText(message.text)}`;
}

function conversationLabel(message: Shown, names: Pick<Names, "rooms">): string {
  if (message.room && message.room !== EVERYONE_ROOM) return roomLabel(message.room, names);
  return message.to ? "private" : "group";
}

export function formatPresence(presence: Presence): string {
  return `* ${who(presence.userName, presence.userId)} is ${presence.online ? "online" : "offline"}`;
}

export function formatState(state: ConnectionState, gateway: GatewayAddress | null): string {
  if (state === "online") return `* connection: online${gateway ? ` on ${gateway.id} (${gateway.wsUrl})` : ""}`;
  if (state === "reconnecting") return "* connection: lost, reconnecting...";
  return `* connection: ${state}`;
}

/** The answer to `:olu` and `:pu`: a count line, then one user a line. */
export function formatUsers(users: OnlineUser[], prefix?: string): string[] {
  const what = prefix === undefined ? "online" : `online with a name starting with "${prefix}"`;
  const sorted = [...users].sort((a, b) => a.userName.localeCompare(b.userName));
  return [`${sorted.length} user${sorted.length === 1 ? "" : "s"} ${what}${sorted.length ? ":" : ""}`, ...sorted.map((u) => `  ${who(u.userName, u.userId)}`)];
}

/** Case-insensitive prefix filter of `:pu`. */
export function filterByPrefix(users: OnlineUser[], prefix: string): OnlineUser[] {
  const lower = prefix.toLowerCase();
  return users.filter((u) => u.userName.toLowerCase().startsWith(lower));
}

export function formatInfo(login: StoredLogin | null, gateway: GatewayAddress | null, state: ConnectionState): string[] {
  return [
    `user: ${login ? who(login.userName, login.userId) : "(not logged in)"}`,
    `gateway: ${gateway ? `${gateway.id} ${gateway.wsUrl}` : "(none)"}`,
    `state: ${state}`,
  ];
}

/** One search hit: time, conversation, sender and text; `names` resolves the other side of a private message. */
/** A time as the console prints it: `2026-11-28 21:15:49` (UTC). */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

export function formatHit(message: HistoryMessage, names: Names): string {
  const time = utcTime(message.ts);
  const to = message.to ? ` -> ${who(names.users.get(message.to) ?? "?", message.to)}` : "";
  return `${time} [${conversationLabel(message, names)}] ${who(message.fromName, message.from)}${to}: ${shownText(message.text)}`;
}

export function formatSearch(word: string, hits: HistoryMessage[], names: Names, conversations: number): string[] {
  const head = `${hits.length} message${hits.length === 1 ? "" : "s"} containing "${word}" (searched ${conversations} conversation${conversations === 1 ? "" : "s"})${hits.length ? ":" : ""}`;
  return [head, ...hits.map((m) => `  ${formatHit(m, names)}`)];
}

/** The `:all` text; `unknown` prefixes it with the command that was not understood. */
export function formatHelp(unknown?: string): string[] {
  const width = Math.max(...COMMAND_HELP.map(([usage]) => usage.length));
  const lines = COMMAND_HELP.map(([usage, what]) => `  ${usage.padEnd(width)}  ${what}`);
  return [unknown ? `unknown command ${unknown}; the commands are:` : "commands:", ...lines];
}

/** An error as one line, e.g. `send failed: no user 99`. */
export function formatError(what: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `! ${what}: ${message}`;
}
