// The message list as one stop of the Tab key (the WAI-ARIA "roving tabindex"): the buttons and links inside its
// messages are taken out of the Tab order, but those of the message that holds the focus. Up and Down move the focus
// from message to message (Home and End: the first and the last), and Tab then reaches that message's actions. Without
// it, every message's Reply and React were two stops each: about 80 presses to get past 40 messages.

/** A message of the list (sent, received, or a blocked user's collapsed one): MessageList marks them. */
export const MESSAGE_SELECTOR = "[data-roving-item]";
const CONTROLS = "button, a[href], input, textarea, select, [tabindex]";
/** Set on the controls this takes out of the Tab order, so that it gives back only those. */
const TAKEN = "data-roving-taken";

/** Takes `root`'s controls out of the Tab order (all of them when it is a control itself). */
function takeOut(root: Element): void {
  const controls = root.matches(CONTROLS) ? [root, ...root.querySelectorAll(CONTROLS)] : [...root.querySelectorAll(CONTROLS)];
  for (const control of controls) {
    if (control.matches(MESSAGE_SELECTOR) || control.getAttribute("tabindex") === "-1") continue;
    control.setAttribute(TAKEN, control.getAttribute("tabindex") ?? "");
    control.setAttribute("tabindex", "-1");
  }
}

/** Puts back the controls of `root` that takeOut took. */
function giveBack(root: Element): void {
  for (const control of root.querySelectorAll(`[${TAKEN}]`)) {
    const before = control.getAttribute(TAKEN);
    control.removeAttribute(TAKEN);
    if (before) control.setAttribute("tabindex", before);
    else control.removeAttribute("tabindex");
  }
}

/** The message to start from when the focus is on the list itself: the lowest one whose top shows. */
function lowestShown(list: HTMLElement, messages: HTMLElement[]): HTMLElement | undefined {
  const bottom = list.getBoundingClientRect().bottom;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.getBoundingClientRect().top < bottom) return messages[i];
  return messages[0];
}

/** Where Up, Down, Home or End go from `from` (undefined: the list itself), or undefined for other keys. */
function target(key: string, list: HTMLElement, messages: HTMLElement[], from: HTMLElement | undefined): HTMLElement | undefined {
  if (key === "Home") return messages[0];
  if (key === "End") return messages[messages.length - 1];
  if (key !== "ArrowUp" && key !== "ArrowDown") return undefined;
  if (!from) return lowestShown(list, messages);
  const at = messages.indexOf(from);
  return messages[key === "ArrowUp" ? Math.max(0, at - 1) : Math.min(messages.length - 1, at + 1)];
}

/** A Svelte attachment for the list's scrolling element; its messages carry `data-roving-item` and tabindex -1. */
export function rovingMessages(list: HTMLElement): () => void {
  let active: Element | null = null;
  const activate = (message: Element | null) => {
    if (message === active) return;
    if (active) takeOut(active);
    active = message;
    if (active) giveBack(active);
  };

  // The list's own controls (Load older messages) stay in the Tab order.
  for (const message of list.querySelectorAll(MESSAGE_SELECTOR)) takeOut(message);

  // What is rendered later (new messages, a reaction picker opening) joins the Tab order only in the active message.
  const observer = new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        const message = node.closest(MESSAGE_SELECTOR) ?? (node.querySelector(MESSAGE_SELECTOR) ? node : null);
        if (message && message !== active && !active?.contains(node)) takeOut(node);
      }
  });
  observer.observe(list, { childList: true, subtree: true });

  const onFocusIn = (event: FocusEvent) => activate((event.target as Element).closest(MESSAGE_SELECTOR));
  // Leaving the list makes it one stop again.
  const onFocusOut = (event: FocusEvent) => {
    if (!list.contains(event.relatedTarget as Node | null)) activate(null);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return;
    const from = event.target as HTMLElement;
    // Typing (an edit's box) and the reaction picker keep their keys.
    if (from.closest("input, textarea, select, [role='group']")) return;
    const messages = [...list.querySelectorAll<HTMLElement>(MESSAGE_SELECTOR)];
    const current = from === list ? undefined : (from.closest<HTMLElement>(MESSAGE_SELECTOR) ?? undefined);
    if (from !== list && !current) return;
    const next = target(event.key, list, messages, current);
    if (!next) return;
    event.preventDefault();
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  };
  list.addEventListener("focusin", onFocusIn);
  list.addEventListener("focusout", onFocusOut);
  list.addEventListener("keydown", onKeyDown);
  return () => {
    observer.disconnect();
    list.removeEventListener("focusin", onFocusIn);
    list.removeEventListener("focusout", onFocusOut);
    list.removeEventListener("keydown", onKeyDown);
  };
}
