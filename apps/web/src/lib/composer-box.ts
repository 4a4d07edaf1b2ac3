// The page's message box, for a focus that must happen inside the user's own tap: iOS opens its keyboard only for a
// focus() called while the tap's handler runs, not for one an effect makes a moment later (Reply's, through
// store.composerWrite, left an iPhone's keyboard closed).

let box: HTMLTextAreaElement | null = null;

/** Attaches the message box (Composer's textarea) while it is on the page. */
export function composerBox(element: HTMLTextAreaElement): () => void {
  box = element;
  return () => {
    if (box === element) box = null;
  };
}

/** Focuses the message box now, in the handler of the tap or click that asked for it. */
export function focusComposerNow(): void {
  box?.focus();
}
