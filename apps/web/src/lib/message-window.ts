// How much of a long conversation the message list renders: the newest MESSAGE_WINDOW messages while the view is at
// the bottom, more as the user scrolls up (WINDOW_STEP at a time, before any older page is asked of route), and back
// to MESSAGE_WINDOW once the view is at the bottom again. A chat left open for hours, or scrolled far back, so keeps
// a bounded number of elements in the page instead of one per message ever loaded.

/** Messages rendered while the view is at the bottom. */
export const MESSAGE_WINDOW = 300;
/** Messages added above at a time when the user scrolls up past the first one rendered. */
export const WINDOW_STEP = 100;
/**
 * Messages the window grows by at the bottom before it goes back to MESSAGE_WINDOW in one step. A window that slides
 * by one message per message moves every rendered row to a new index, and each row is updated; one that grows keeps
 * them where they are, so a busy room costs the page one new row per message and the full shift once in this many.
 */
export const WINDOW_SLACK = 50;

/** The index of the first message rendered, of `total`, with `limit` rendered. */
export function windowStart(total: number, limit: number): number {
  return Math.max(0, total - limit);
}

/** The limit at the bottom once `appended` messages came after the newest rendered one. */
export function limitAtBottom(limit: number, appended: number): number {
  const grown = limit + appended;
  return grown > MESSAGE_WINDOW + WINDOW_SLACK ? MESSAGE_WINDOW : grown;
}

/**
 * The limit that renders the message at `index` (of `total`) with WINDOW_STEP messages above it for context, or
 * `limit` when it renders it already (an index of -1, not loaded, changes nothing).
 */
export function limitShowing(total: number, index: number, limit: number): number {
  if (index < 0 || index >= windowStart(total, limit)) return limit;
  return total - index + WINDOW_STEP;
}
