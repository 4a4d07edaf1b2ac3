// @mentions in message text: `@` + a user name (route's rule: letters, digits, `_ . -`) at the start or after a space
// or punctuation, so "a@b.c" is an e-mail address, not a mention. Plain text on the wire; matched without case.
import { compareIds } from "@cim/protocol";
import type { Conversation } from "./conversations.js";
import { MAX_USER_NAME_LENGTH } from "./user-name.js";

/** One mention in a text: `@name` from `start` (the `@`) to `end` (exclusive). */
export interface Mention {
  start: number;
  end: number;
  /** The name after the `@`, as typed. */
  name: string;
  /** All the name characters after the `@`: `name` with the marks that ended a sentence ("ann." for "@ann."). */
  run: string;
}

const NAME_CHAR = String.raw`\p{L}\p{N}_.\-`;
/**
 * `@` not preceded by a name character, an `@` or a `/` (a URL's path), then the whole run of name characters (not
 * followed by another `@`: "@a@b.c" is an address). Sentence marks after the name ("@ann.", "@ann-") are not part of it.
 */
const MENTION = new RegExp(String.raw`(?<![${NAME_CHAR}@/])@([${NAME_CHAR}]+)(?![${NAME_CHAR}@])`, "gu");
/** A mention being typed: `@` and name characters up to the caret. */
const TYPING = new RegExp(String.raw`(?<![${NAME_CHAR}@/])@([${NAME_CHAR}]*)$`, "u");
const TRAILING_MARKS = /[.-]+$/;
/** The rest of a name after the caret. */
const NAME_REST = new RegExp(String.raw`^[${NAME_CHAR}]*`, "u");

/** The mentions in `text`, in order. */
export function findMentions(text: string): Mention[] {
  const found: Mention[] = [];
  for (const match of text.matchAll(MENTION)) {
    const run = match[1] ?? "";
    const name = run.replace(TRAILING_MARKS, "");
    if (!name || name.length > MAX_USER_NAME_LENGTH) continue;
    found.push({ start: match.index, end: match.index + 1 + name.length, name, run });
  }
  return found;
}

/** True when `mention` names `userName`, any case (a name that ends in "." or "-" is its whole run). */
export function namesUser(mention: Pick<Mention, "name" | "run">, userName: string): boolean {
  const name = userName.toLowerCase();
  return !!name && (mention.name.toLowerCase() === name || mention.run.toLowerCase() === name);
}

/** True when `text` mentions `userName` (any case). */
export function mentionsUser(text: string, userName: string): boolean {
  return findMentions(text).some((m) => namesUser(m, userName));
}

/**
 * True while `conversation` has an unread message from someone else that mentions `userName`: the "@" badge.
 * Messages from users `blocked` says are blocked do not count: their mentions stay as quiet as their messages.
 */
export function hasUnreadMention(conversation: Conversation, userName: string, blocked: (userId: string) => boolean = () => false): boolean {
  if (conversation.unread <= 0 || !userName) return false;
  // From the newest back to the read position (the list is in msgId order): a busy room's list is not walked through
  // once per message.
  const { messages, readUpTo } = conversation;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (!m.msgId) continue;
    if (readUpTo && compareIds(m.msgId, readUpTo) <= 0) return false;
    if (!m.own && !m.deleted && !blocked(m.from) && mentionsUser(m.text, userName)) return true;
  }
  return false;
}

/**
 * The unread messages of `conversation` from others that mention `userName`, oldest first (loaded ones after its
 * read position; not own, deleted or blocked ones, as `hasUnreadMention`): where the room's "@" button goes next.
 */
export function unreadMentions(conversation: Conversation, userName: string, blocked: (userId: string) => boolean = () => false): string[] {
  if (conversation.unread <= 0 || !userName) return [];
  const found: string[] = [];
  const { messages, readUpTo } = conversation;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (!m.msgId) continue;
    if (readUpTo && compareIds(m.msgId, readUpTo) <= 0) break;
    if (!m.own && !m.deleted && !blocked(m.from) && mentionsUser(m.text, userName)) found.push(m.msgId);
  }
  return found.reverse();
}

/** The mention being typed before `caret` (`start` is its `@`, `query` what follows), or null. */
export function typedMention(text: string, caret: number): { start: number; query: string } | null {
  const match = TYPING.exec(text.slice(0, caret));
  return match ? { start: match.index, query: match[1] ?? "" } : null;
}

/**
 * `text` with the mention typed from `start` to `caret` (and the rest of that name after the caret) replaced by
 * `@userName`, a space after it unless punctuation follows, and the caret after both.
 */
export function insertMention(text: string, start: number, caret: number, userName: string): { text: string; caret: number } {
  const mention = `@${userName}`;
  const rest = text.slice(caret).replace(NAME_REST, "");
  const gap = rest === "" ? " " : "";
  const after = start + mention.length + (rest === "" || rest.startsWith(" ") ? 1 : 0);
  return { text: text.slice(0, start) + mention + gap + rest, caret: after };
}

/** Members whose name starts with `query` (any case), others than `me`, at most `limit`, in the given order. */
export function mentionCandidates<T extends { userId: string; userName: string }>(members: readonly T[], query: string, me: string, limit = 8): T[] {
  const prefix = query.toLowerCase();
  return members.filter((m) => m.userId !== me && m.userName.toLowerCase().startsWith(prefix)).slice(0, limit);
}
