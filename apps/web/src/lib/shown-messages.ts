// Which message of a conversation's list the user has on screen: the read mark goes up to the newest of them, not to
// the newest message loaded (a chat opened with 300 unread was marked read at once, the sender saw "seen" on all).

/** Of a taller message, this much showing counts as seen (its first lines); a shorter one shows whole. */
const SEEN_PX = 32;

/** The msgId of the newest message on screen in `list` (rows `[data-msg-id]`, oldest first), "" when none shows. */
export function newestShown(list: HTMLElement): string {
  const view = list.getBoundingClientRect();
  if (view.height === 0) return "";
  const rows = list.querySelectorAll<HTMLElement>("[data-msg-id]");
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    const box = row.getBoundingClientRect();
    if (box.bottom <= view.top) return "";
    // A message still being sent has no msgId yet: the one before it counts.
    if (row.dataset.msgId && box.top + Math.min(box.height, SEEN_PX) <= view.bottom) return row.dataset.msgId;
  }
  return "";
}
