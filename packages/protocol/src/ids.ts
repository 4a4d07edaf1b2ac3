// msgIds and userIds are decimal strings: compared by length, then text, with no number parsing.

/** Orders decimal id strings numerically: negative when a < b, 0 when equal, positive when a > b. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
