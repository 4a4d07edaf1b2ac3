// On a touch screen the message box is not focused (the on-screen keyboard would cover the conversation), and one of
// the phone's two screens (the list, the conversation) is hidden: a dialog that opened a conversation, or a control of
// the screen that went, left the focus on the page's body, where a screen reader starts again at the top.

/** True when the focus is nowhere the user can see: the page's body, or an element no longer rendered. */
export function focusLost(): boolean {
  const focused = document.activeElement;
  return !focused || focused === document.body || (focused instanceof HTMLElement && !focused.checkVisibility());
}

/** True on a touch screen (the composer is not focused there). */
export function touchScreen(): boolean {
  return typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;
}
