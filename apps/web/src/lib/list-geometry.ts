// Where things are in a scrolled message list (MessageList): its bottom, the first message in view, a message's text.

/** Whether the list shows its bottom (within 60 px): what it remembers and where new messages keep it. */
export function nearBottom(list: HTMLElement): boolean {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
}

/** The first message at the top of the list's view. */
export function firstInView(list: HTMLElement): HTMLElement | undefined {
  const top = list.scrollTop;
  return [...list.querySelectorAll<HTMLElement>("[data-msg-id]")].find((el) => el.dataset.msgId && el.offsetTop + el.offsetHeight > top);
}

/** Where the text of message `msgId` is on screen (px from the viewport's top); undefined when it is not shown. */
export function textTop(list: HTMLElement | undefined, msgId: string): number | undefined {
  const element = list?.querySelector<HTMLElement>(`[data-msg-id="${msgId}"]`);
  return (element?.querySelector<HTMLElement>('[data-testid="message-text"]') ?? element)?.getBoundingClientRect().top;
}

/** Inputs by which a user scrolls a list (the wheel, a finger, keys, the scrollbar). */
const USER_SCROLL_EVENTS = ["wheel", "touchmove", "keydown", "pointerdown"] as const;

/**
 * An attachment calling `up` when the user starts scrolling the list up, told by their input, not by scroll events:
 * the list's own scrolls send those too, a frame later, and so does the browser when the oldest rows leave the page.
 */
export function userScrollsUp(up: () => void): (list: HTMLElement) => () => void {
  return (list) => {
    const input = (event: Event) => {
      if (event instanceof WheelEvent && event.deltaY >= 0) return;
      if (event instanceof KeyboardEvent && !["PageUp", "Home", "ArrowUp"].includes(event.key)) return;
      if (event.type === "pointerdown" && event.target !== list) return;
      up();
    };
    for (const type of USER_SCROLL_EVENTS) list.addEventListener(type, input, { passive: true });
    return () => USER_SCROLL_EVENTS.forEach((type) => list.removeEventListener(type, input));
  };
}
