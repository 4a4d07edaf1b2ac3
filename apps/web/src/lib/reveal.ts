// Scrolls a shown message into the middle of its list (after a jump from search or a quote).
import { tick } from "svelte";

/** Waits for the list to render, then scrolls to the message with `msgId`; false when it is not on the page. */
export async function revealMessage(msgId: string): Promise<boolean> {
  await tick();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const element = document.querySelector<HTMLElement>(`[data-testid="message"][data-msg-id="${CSS.escape(msgId)}"]`);
  if (!element) return false;
  element.scrollIntoView({ block: "center" });
  return true;
}
