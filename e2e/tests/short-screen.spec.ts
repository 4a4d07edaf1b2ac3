// A short screen (a phone on its side with the keyboard open: 844x200) keeps the conversation's parts apart: the
// message list shrinks with the page and never draws its messages over the typing line or the message box.
import { closeContext } from "./context-close.js";
import { expect, openDevice, register, say, test } from "./fixtures.js";

test("on a phone on its side with the keyboard open, the message list stays above the typing line and the message box", async ({ browser, baseURL }) => {
  const { context: phone, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 844, height: 600 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `lis-${Math.random().toString(36).slice(2, 8)}`);
    for (let i = 0; i < 3; i++) await say(page, `short line ${i}`);
    // The keyboard takes most of the height (the page is resized: interactive-widget=resizes-content).
    await page.setViewportSize({ width: 844, height: 200 });
    // What is drawn at the middle of the message box and of the typing line is theirs, not a message's.
    const drawnOverBy = (testid: string) =>
      page.getByTestId(testid).evaluate((el) => {
        const box = el.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return top?.closest('[data-testid="message-list"]') ? (top.textContent ?? "").trim().slice(0, 40) : "";
      });
    await expect.poll(() => drawnOverBy("composer-input")).toBe("");
    expect(await drawnOverBy("typing-indicator")).toBe("");
  } finally {
    await closeContext(browser, phone);
  }
});
