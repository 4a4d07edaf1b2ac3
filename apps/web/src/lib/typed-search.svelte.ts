// A search as the user types (users, public rooms): asked once the typing pauses, an answer overtaken by a newer
// search is not shown, and Enter acts on the answer for exactly what is typed.
import { describeError } from "./errors.js";

export class TypedSearch<T> {
  /** The answer of the newest search that answered. */
  results = $state<T[]>([]);
  /** Some search answered (or failed): "none found" may be said. */
  searched = $state(false);
  /** Why the newest search failed, in words ("" when it did not). */
  error = $state("");
  /** The newest search is under way: "Searching…" can be said (route slow or unreachable left the list blank). */
  searching = $state(false);
  #requests = 0;
  /** The query `results` are for, undefined before the first answer. */
  #resultsFor: string | undefined;

  constructor(
    private readonly find: (query: string) => Promise<T[]>,
    private readonly delayMs: number,
  ) {}

  /** The user typed `query`: it is searched after the pause unless typing goes on; returns the cancel (an $effect's cleanup). */
  typed(query: string): () => void {
    const timer = setTimeout(() => void this.search(query), this.delayMs);
    return () => clearTimeout(timer);
  }

  /**
   * Enter: the answer for exactly `query`, the shown one if it is for that, else asked at once. Its own answer even when
   * a search of the typing overtook it meanwhile (its list is then not shown), which must not make Enter do nothing;
   * undefined when it failed.
   */
  answerFor(query: string): Promise<T[] | undefined> {
    return this.#resultsFor === query ? Promise.resolve(this.results) : this.search(query);
  }

  /** Asks for `query` now; shows the answer unless a newer search went out meanwhile, and returns it either way. */
  async search(query: string): Promise<T[] | undefined> {
    const request = ++this.#requests;
    this.searching = true;
    try {
      const found = await this.find(query);
      if (request === this.#requests) {
        this.results = found;
        this.#resultsFor = query;
        this.error = "";
      }
      return found;
    } catch (failure) {
      if (request === this.#requests) this.error = describeError(failure);
      return undefined;
    } finally {
      if (request === this.#requests) {
        this.searched = true;
        this.searching = false;
      }
    }
  }
}
