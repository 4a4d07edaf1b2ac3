// Search over a user's conversations: a bounded scan of the newest entries of each stream, with edits and
// deletions applied, so a hit is a message as it reads now. No index: the bounds below are the honest limits.
import type { RedisClient } from "./redis.js";
import { blankDeletedQuotes } from "./deleted-quotes.js";
import { newestTexts } from "./edited-texts.js";
import { conv } from "./keys.js";
import { NewerEvents } from "./newer-events.js";
import { conversationKey, toEntry, type StoredMessage } from "./records.js";

/** Newest entries scanned per conversation: older messages are not found. */
export const SEARCH_SCAN_PER_CONVERSATION = 2_000;
/** Most conversations scanned per search (the caller lists them, most relevant first). */
export const SEARCH_MAX_CONVERSATIONS = 100;
/** Entries read per XREVRANGE. */
const PAGE = 500;

/** A message that matched, as it reads now (`text` after its newest edit), and where it is. */
export interface SearchHit extends StoredMessage {
  /** As the client names it: a roomId, "everyone", or the peer's userId. */
  conversation: string;
  edited: boolean;
}

export interface SearchQuery {
  userId: string;
  /** The conversations to scan, as the client names them, in the order to scan them. */
  conversations: readonly string[];
  /** Matched case-insensitively as a substring of the text. */
  text: string;
  limit: number;
  scanPerConversation?: number;
  /** Only hits after this one in the answer's order (the last hit of a previous page). */
  after?: SearchPlace;
}

/** Where a hit stands in a search's order: newest `ts` first, then msgId (newest first), then conversation. */
export interface SearchPlace {
  ts: number;
  msgId: string;
  conversation: string;
}

/** The search's order: `ts` descending, then msgId descending, then conversation ascending (a total order). */
export function compareSearchPlaces(a: SearchPlace, b: SearchPlace): number {
  return b.ts - a.ts || compareDesc(a.msgId, b.msgId) || (a.conversation < b.conversation ? -1 : a.conversation > b.conversation ? 1 : 0);
}

/**
 * The newest `limit` messages (not events) whose current text contains `text`, newest first (compareSearchPlaces),
 * after `after` when given,
 * over at most SEARCH_MAX_CONVERSATIONS conversations and their newest `scanPerConversation` entries each.
 * Deleted messages are never found; an edited one is found by its current text only; a reply's quote of a deleted
 * message is blank.
 */
export async function searchMessages(redis: RedisClient, query: SearchQuery): Promise<SearchHit[]> {
  const needle = query.text.toLocaleLowerCase();
  const scan = query.scanPerConversation ?? SEARCH_SCAN_PER_CONVERSATION;
  const conversations = query.conversations.slice(0, SEARCH_MAX_CONVERSATIONS);
  const perConversation = await Promise.all(conversations.map(async (conversation) => {
    const key = conv.messages(conversationKey(query.userId, conversation));
    return (await scanConversation(redis, key, scan, needle)).map((hit) => ({ ...hit, conversation }));
  }));
  const after = query.after;
  const hits = perConversation.flat().sort(compareSearchPlaces);
  const page = (after ? hits.filter((hit) => compareSearchPlaces(hit, after) > 0) : hits).slice(0, query.limit);
  // A reply's quote of a message deleted since is handed out blank, as history and recovery hand it (sec21: a
  // search for the reply's own words gave the deleted message's text in replyText).
  // Its quote of a message edited since gives the newest text: a hit's own text is its newest already.
  const [, applyEdits] = await Promise.all([blankDeletedQuotes(redis, page), newestTexts(redis, page, { complete: false, texts: false })]);
  applyEdits();
  return page;
}

/** Matches among the newest `scan` entries of one stream, newest first, with events applied. */
async function scanConversation(redis: RedisClient, key: string, scan: number, needle: string): Promise<Array<StoredMessage & { edited: boolean }>> {
  const events = new NewerEvents();
  const hits: Array<StoredMessage & { edited: boolean }> = [];
  let end = "+";
  for (let read = 0; read < scan;) {
    const entries = await redis.xrevrange(key, end, "-", "COUNT", Math.min(PAGE, scan - read));
    for (const [id, fields] of entries) {
      const { message } = toEntry(id, fields);
      if (events.note(message) || message.reactTo) continue;
      const { text, edited, deleted } = events.current(message);
      if (!deleted && text.toLocaleLowerCase().includes(needle)) hits.push({ ...message, text, edited });
    }
    read += entries.length;
    if (entries.length < PAGE) break;
    end = `(${entries.at(-1)![0]}`;
  }
  return hits;
}

function compareDesc(a: string, b: string): number {
  return a.length !== b.length ? b.length - a.length : b < a ? -1 : b > a ? 1 : 0;
}

/** searchMessages on one Redis client, for services that hold stores rather than clients. */
export class MessageSearch {
  constructor(private readonly redis: RedisClient) {}

  search(query: SearchQuery): Promise<SearchHit[]> {
    return searchMessages(this.redis, query);
  }
}
