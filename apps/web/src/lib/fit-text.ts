// A text box as tall as its text: the message box and a message's editor grow with what is typed (their CSS caps
// them at so many lines, then they scroll).

/** Sets `box`'s height to its text's, borders included. */
export function fitText(box: HTMLTextAreaElement): void {
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
}
