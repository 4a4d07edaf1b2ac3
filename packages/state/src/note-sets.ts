// A conversation's note sets (its deletions, its edits): sorted sets that name messages of the stream, each made
// complete once from the stream for notes stored before the set existed, with a mark that says so.
import type { ChatMessage } from "@cim/protocol";
import { unlessWriteRefused, type RedisClient } from "./redis.js";
import { conv } from "./keys.js";
import { readAfter } from "./stream-reads.js";
import { SharedRuns } from "./shared-runs.js";

/**
 * The member of a note set (score +inf, above every msgId, so trimming the oldest never drops it) that says the set
 * holds every note of the stream: the fill writes it.
 */
export const NOTES_COMPLETE = "complete";
/** Entries read per step of a fill. */
const FILL_PAGE = 1_000;
/** Members written per ZADD of a fill. */
const ZADD_CHUNK = 500;

/** What one entry of the stream notes: the msgId it names (the member) and the msgId that scores it. */
export type NotePick = (message: ChatMessage) => readonly [member: string, score: string] | undefined;

/** One kind of note set: its key, and what each entry of the stream notes in it. */
export class NoteSet {
  /** Fills under way in this process, per client and conversation: readers asking at once share one. */
  private readonly running = new SharedRuns<Map<string, string>>();

  constructor(
    private readonly key: (convKey: string) => string,
    private readonly pick: NotePick,
  ) {}

  /**
   * The scores of `ids` in the conversation's set, in their order (null for one not noted), and what a fill found
   * when the set was not complete (one ZMSCORE, which also asks for the mark; the fill runs once).
   */
  async scores(redis: RedisClient, convKey: string, ids: readonly string[]): Promise<{ scores: Array<string | null>; filled?: Map<string, string> }> {
    const [complete, ...scores] = await redis.zmscore(this.key(convKey), NOTES_COMPLETE, ...ids);
    const filled = complete === null ? await this.fill(redis, convKey) : undefined;
    return { scores: ids.map((_, i) => scores[i] ?? null), filled };
  }

  /**
   * Reads the conversation's whole stream and notes what each entry picks (a later entry's pick of one member wins,
   * and ZADD GT keeps a newer score noted meanwhile), then marks the set complete. Idempotent: run again (two
   * processes at once) it adds nothing wrong. Resolves with what it found, by member. Nothing is trimmed: the stream
   * holds no more notes than entries, and the writers keep their own bound as notes come.
   */
  fill(redis: RedisClient, convKey: string): Promise<Map<string, string>> {
    return this.running.run(redis, convKey, () => this.scanAndNote(redis, convKey));
  }

  private async scanAndNote(redis: RedisClient, convKey: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let after = "0"; ;) {
      const page = await readAfter(redis, conv.messages(convKey), after, FILL_PAGE);
      for (const { message } of page) {
        const note = this.pick(message);
        if (note) found.set(note[0], note[1]);
      }
      if (page.length < FILL_PAGE) break;
      after = page.at(-1)!.position;
    }
    const key = this.key(convKey);
    const notes = [...found];
    const step = redis.multi();
    for (let i = 0; i < notes.length; i += ZADD_CHUNK) {
      step.zadd(key, "GT", ...notes.slice(i, i + ZADD_CHUNK).flatMap(([member, score]) => [Number(score), member]));
    }
    step.zadd(key, "+inf", NOTES_COMPLETE);
    // A Redis refusing writes (a full disk, min-replicas-to-write unmet) still serves reads: the read that asked is
    // answered from the scan, and the next one scans again until the notes and the mark are written.
    await step.exec().catch(unlessWriteRefused);
    return found;
  }
}
