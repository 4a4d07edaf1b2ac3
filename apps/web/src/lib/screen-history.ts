// Narrow screens show the list or the open conversation (ChatStore.showingConversation). Opening a conversation
// there adds a browser history entry, so the phone's or browser's Back returns to the list instead of leaving the
// app; the page's own back button goes back through that entry too. A dialog opened over the list gets an entry of
// its own, so Back closes it there too rather than leaving the app.

/** The width at and below which ChatScreen shows one screen at a time (its CSS media query). */
const NARROW = "(max-width: 700px)";
const MARK = "cimConversation";
const DIALOG = "cimDialog";

function stateHas(mark: string): boolean {
  return typeof history !== "undefined" && (history.state as Record<string, unknown> | null)?.[mark] === true;
}

/** True when the current history entry is the conversation screen's (it outlives a reload). */
export function onConversationScreen(): boolean {
  return stateHas(MARK);
}

/** True while the screen is narrow (one screen at a time); `changed` is called when that changes (rotation, resize). */
export function narrowScreen(changed?: () => void): boolean {
  if (typeof window === "undefined" || typeof window.matchMedia !== "function") return false;
  const query = window.matchMedia(NARROW);
  if (changed) query.addEventListener("change", changed);
  return query.matches;
}

/** The conversation screen was entered on a narrow screen: give it a history entry of its own. */
export function enterConversationScreen(): void {
  if (typeof window === "undefined" || !window.matchMedia(NARROW).matches || onConversationScreen()) return;
  // From a dialog over the list (a chat started, a room created): its entry becomes the conversation's, so Back from
  // the conversation returns to the list, and Back again leaves, as without the dialog.
  if (stateHas(DIALOG)) history.replaceState({ ...(history.state as object), [DIALOG]: false, [MARK]: true }, "");
  else history.pushState({ ...(history.state as object | null), [MARK]: true }, "");
}

/**
 * A dialog opened over the list on a narrow screen: give it a history entry, so Back closes it rather than leaving
 * the app (over a conversation, Back already has that conversation's entry to take; ChatScreen opens it again).
 * True when it added the entry.
 */
export function enterDialog(): boolean {
  if (typeof window === "undefined" || !window.matchMedia(NARROW).matches || onConversationScreen() || stateHas(DIALOG)) return false;
  history.pushState({ ...(history.state as object | null), [DIALOG]: true }, "");
  return true;
}

/** A dialog closed otherwise than by Back (Escape, Done, its action): its entry goes too. */
export function leaveDialog(): void {
  if (stateHas(DIALOG) && !onConversationScreen()) history.back();
}

/** Leaves the conversation screen through history when it has an entry (true), else the caller just shows the list. */
export function leaveConversationScreen(): boolean {
  if (!onConversationScreen()) return false;
  history.back();
  return true;
}

/** Calls `changed` with whether the conversation screen's entry is current after each Back or Forward. */
export function onScreenHistory(changed: (conversation: boolean) => void): void {
  window.addEventListener("popstate", () => changed(onConversationScreen()));
}
