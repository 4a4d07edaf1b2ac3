// Where a conversation's list was scrolled, remembered for a reload (view-memory.ts): the first message at the top
// of the view and how far it was scrolled past, or the bottom.
import { firstInView, nearBottom } from "./list-geometry.js";
import { saveScroll } from "./view-memory.js";

/** How long scrolling rests before the spot is written (the bottom is written at once). */
const SAVE_DELAY_MS = 150;

export class SpotKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The bottom is what this list remembered last: no need to write it again on each new message. */
  private bottomSaved = false;

  constructor(
    private readonly userId: () => string | undefined,
    private readonly key: string,
  ) {}

  /** The list scrolled: the bottom is remembered at once (a conversation left right after "Jump to latest" or a send opens again at its newest message, not at the spot before), another spot once scrolling rests. */
  scrolled(list: HTMLElement): void {
    clearTimeout(this.timer);
    if (nearBottom(list)) return this.save(list);
    this.timer = setTimeout(() => this.save(list), SAVE_DELAY_MS);
  }

  /** Remembers the first message at the top of the view, or the bottom. */
  private save(list: HTMLElement): void {
    const me = this.userId();
    // Gone meanwhile (another conversation opened): a list off the page measures as its bottom.
    if (!me || !list.isConnected) return;
    if (nearBottom(list)) {
      if (!this.bottomSaved) saveScroll(me, this.key, null);
      this.bottomSaved = true;
      return;
    }
    this.bottomSaved = false;
    const first = firstInView(list);
    if (first?.dataset.msgId) saveScroll(me, this.key, { msgId: first.dataset.msgId, offset: first.offsetTop - list.scrollTop });
  }
}
