// Where a piece of an element's text is drawn: to see on which side of a right-to-left name its punctuation, or the
// text after it, ends up.
import type { Locator } from "@playwright/test";

/** The left edge of the last occurrence of `piece` in `element`'s text; NaN when it holds none. */
export function leftOf(element: Locator, piece: string): Promise<number> {
  return element.evaluate((root, wanted) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node as Text).data.lastIndexOf(wanted);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      return range.getBoundingClientRect().left;
    }
    return Number.NaN;
  }, piece);
}
