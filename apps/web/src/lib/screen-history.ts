// Narrow screens show the list or the open conversation (ChatStore.showingConversation). Opening a conversation
// there adds a browser history entry, so the phone's or browser's Back returns to the list instead of leaving the
// app; the page's own back button goes back through that entry too.

/** The width at and below which ChatScreen shows one screen at a time (its CSS media query). */
const NARROW = "(max-width: 700px)";
const MARK = "cimConversation";

/** True when the current history entry is the conversation screen's (it outlives a reload). */
export function onConversationScreen(): boolean {
  return typeof history !== "undefined" && (history.state as Record<string, unknown> | null)?.[MARK] === true;
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
  history.pushState({ ...(history.state as object | null), [MARK]: true }, "");
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
