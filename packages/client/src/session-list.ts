// A list the gateway keeps per session (the users whose presence, the conversations whose typing a client wants):
// set at any time, the newest replacing the last; written when the frame budget allows, and again at every login,
// since a new session starts without one.
export class SessionList {
  private items: string[] = [];
  /** Set at least once: the list replaces the gateway's default (for typing, every conversation). */
  private chosen = false;
  /** The list changed, or a new session needs it: it goes out at the next chance. */
  private pending = false;

  /** `method` and `noun` name the client method that sets it and its items, in its RangeError. */
  constructor(private readonly max: number, private readonly method: string, private readonly noun: string) {}

  /** Replaces the list (duplicates dropped); false when it is the one kept already. */
  set(items: readonly string[]): boolean {
    const list = [...new Set(items)];
    if (list.length > this.max) throw new RangeError(`${this.method}: at most ${this.max} ${this.noun}, got ${list.length}`);
    if (this.chosen && list.length === this.items.length && list.every((item, i) => item === this.items[i])) return false;
    this.items = list;
    this.chosen = true;
    this.pending = true;
    return true;
  }

  get current(): readonly string[] {
    return this.items;
  }

  /** A new session: the list goes out again when `resend` says the session needs it. */
  loggedIn(resend: (list: readonly string[], chosen: boolean) => boolean): void {
    this.pending = resend(this.items, this.chosen);
  }

  /** Writes the list if it waits, through `write` (false: not now, it keeps waiting). */
  flush(write: (list: string[]) => boolean): void {
    if (this.pending && write(this.items)) this.pending = false;
  }
}
