// `:q <word>`: the group history, the user's rooms and the private history with every known user, filtered by a word.
import { compareIds, EVERYONE_ROOM } from "@cim/protocol";
import { applyEvents, type HistoryMessage } from "@cim/client";

/** The history call of the SDK (CimClient#history). */
export type HistoryFetch = (query: { withUser?: string; room?: string; limit?: number }) => Promise<HistoryMessage[]>;

/** Messages fetched per conversation: the newest this many are searched. */
export const SEARCH_LIMIT = 200;
/** History requests in flight at once, so a long user list does not flood route. */
const PARALLEL_REQUESTS = 8;

export interface SearchResult {
  hits: HistoryMessage[];
  conversations: number;
  /** Conversations whose history could not be fetched, with the reason. */
  failures: Array<{ withUser?: string; room?: string; error: unknown }>;
}

/**
 * Messages containing `word` (case-insensitive) in the group, in private talks with `userIds` and in the rooms
 * `roomIds`, oldest first.
 */
export async function searchHistory(history: HistoryFetch, word: string, userIds: Iterable<string>, roomIds: Iterable<string> = []): Promise<SearchResult> {
  const queries: Array<{ withUser?: string; room?: string; limit: number }> = [{ limit: SEARCH_LIMIT }];
  for (const withUser of new Set(userIds)) queries.push({ withUser, limit: SEARCH_LIMIT });
  for (const room of new Set(roomIds)) if (room !== EVERYONE_ROOM) queries.push({ room, limit: SEARCH_LIMIT });
  const needle = word.toLowerCase();
  // msgIds are unique within a conversation only.
  const found = new Map<string, HistoryMessage>();
  const failures: SearchResult["failures"] = [];
  let index = 0;
  const worker = async () => {
    while (index < queries.length) {
      const query = queries[index++]!;
      try {
        // Edits and deletions are applied: a message is found by its current text, a deleted one never.
        const { messages } = applyEvents(await history(query));
        for (const message of messages) if (!message.deleted && message.text.toLowerCase().includes(needle)) found.set(`${message.room}/${message.to ? [message.from, message.to].sort().join("-") : ""}/${message.msgId}`, message);
      } catch (error) {
        failures.push(query.room ? { room: query.room, error } : { withUser: query.withUser, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, queries.length) }, worker));
  const hits = [...found.values()].sort((a, b) => a.ts - b.ts || compareIds(a.msgId, b.msgId));
  return { hits, conversations: queries.length, failures };
}
