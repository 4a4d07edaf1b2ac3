// Cosmetic faults, checked where the browser lays them out: the list's "N conversations unread" beside "Mark all
// read" stays on one line (with three digits and the list scrolled it wrapped onto two), and the hover actions bar
// (Reply / React / Edit / Delete) covers no part of the next message's text (it hung over its top edge); the editor of
// a long message shows all of it across the bubble's width; at desktop and phone widths.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, groupConversation, message, PASSWORD, say, SCREENSHOTS, test, userIdOf } from "./fixtures.js";

const WIDTHS = [{ name: "desktop", width: 1200, height: 760 }, { name: "phone", width: 390, height: 760 }] as const;

async function writer(request: APIRequestContext, name: string): Promise<string> {
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  expect((await request.post("/api/register", { data: { userName, password: PASSWORD } })).status()).toBe(201);
  const { token } = (await (await request.post("/api/login", { data: { userName, password: PASSWORD } })).json()) as { token: string };
  return token;
}

/** The distinct lines (rounded tops) the text of `locator` is laid out on. */
function lineTops(locator: Locator): Promise<number[]> {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return [...new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top + r.height / 2)))];
  });
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  expect(found).not.toBeNull();
  return found!;
}

test("'N conversations unread' and 'Mark all read' share one line, with a three-digit count and the list scrolling", async ({ newUser, request }) => {
  test.setTimeout(240_000);
  const { page } = await newUser("many");
  const me = await userIdOf(page);
  const COUNT = 100;
  for (let i = 0; i < COUNT; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, COUNT - i) }, async (_, j) => {
      const token = await writer(request, `w${i + j}`);
      const sent = await request.post("/api/messages", { data: { to: me, text: `hello ${i + j}` }, headers: { authorization: `Bearer ${token}` } });
      expect(sent.status()).toBe(202);
    }));
  }
  const count = page.getByTestId("unread-chats");
  await expect(count).toHaveText(`${COUNT} conversations unread`);
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    const screen = page.getByTestId("chat-screen");
    if (size.name === "phone" && (await screen.getAttribute("data-view")) === "conversation") await page.getByTestId("back-to-list").click();
    await expect(count).toBeVisible();
    const markAll = page.getByTestId("mark-all-read");
    const [countLines, buttonLines] = [await lineTops(count), await lineTops(markAll)];
    expect(countLines, `${size.name}: the count on one line`).toHaveLength(1);
    expect(buttonLines, `${size.name}: "Mark all read" on one line`).toHaveLength(1);
    expect(Math.abs(countLines[0]! - buttonLines[0]!), `${size.name}: both on the same line`).toBeLessThanOrEqual(3);
    const [countBox, buttonBox] = [await box(count), await box(markAll)];
    expect(countBox.x + countBox.width, `${size.name}: the count ends before the button`).toBeLessThanOrEqual(buttonBox.x + 1);
  }
});

async function barClearOfNext(page: Page, hovered: Locator, next: Locator, label: string): Promise<void> {
  await hovered.getByTestId("message-text").hover();
  const bar = hovered.getByTestId("message-actions");
  await expect(bar).toHaveCSS("opacity", "1");
  const [barBox, nextText] = [await box(bar), await box(next.getByTestId("message-text"))];
  const overlaps = barBox.x < nextText.x + nextText.width && nextText.x < barBox.x + barBox.width && barBox.y < nextText.y + nextText.height && nextText.y < barBox.y + barBox.height;
  expect(overlaps, `${label}: bar ${JSON.stringify(barBox)}, next text ${JSON.stringify(nextText)}`).toBe(false);
  // Inside the window.
  const viewport = page.viewportSize()!;
  expect(barBox.x, `${label}: bar inside the window`).toBeGreaterThanOrEqual(0);
  expect(barBox.x + barBox.width, `${label}: bar inside the window`).toBeLessThanOrEqual(viewport.width);
}

test("the hover actions bar covers no part of the next message's text, at desktop and phone widths", async ({ pair: { alice, bob } }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  await say(bob.page, `from bob ${tag}`);
  await say(alice.page, `mine first ${tag}`);
  await say(alice.page, `mine second ${tag}`);
  await say(bob.page, `from bob again ${tag}`);
  const page = alice.page;
  await expect(message(page, `from bob again ${tag}`)).toBeVisible();
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    // A phone shows the list or a conversation: Everyone, where they wrote.
    if ((await page.getByTestId("chat-screen").getAttribute("data-view")) === "list") await groupConversation(page).click();
    await expect(message(page, `from bob again ${tag}`)).toBeVisible();
    await barClearOfNext(page, message(page, `from bob ${tag}`), message(page, `mine first ${tag}`), `${size.name}, another's message`);
    await barClearOfNext(page, message(page, `mine first ${tag}`), message(page, `mine second ${tag}`), `${size.name}, own message`);
    await barClearOfNext(page, message(page, `mine second ${tag}`), message(page, `from bob again ${tag}`), `${size.name}, own message before another's`);
  }
});

test("editing a long message shows all of its text, as wide as its bubble, at desktop and phone widths", async ({ newUser }) => {
  // ux23: the editor was two rows beside its buttons: a five-line message showed its last two lines, and on a phone a
  // box half the bubble's width held three words a line.
  const { page } = await newUser("fay");
  const text = ["Plans for Saturday, so that nobody forgets what to bring along this time:", "bread and cheese from the market", "two bottles of water each", "a blanket, and the big umbrella", "be at the station by nine"].join("\n");
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("composer-input").press("Enter");
  const sent = page.getByTestId("message").filter({ hasText: "be at the station by nine" });
  await expect(sent).toHaveAttribute("data-status", /sent|delivered|seen/);
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    if ((await page.getByTestId("chat-screen").getAttribute("data-view")) === "list") await groupConversation(page).click();
    await page.getByTestId("composer-input").press("ArrowUp");
    const editor = sent.getByTestId("edit-input");
    await expect(editor).toBeFocused();
    await expect(editor).toHaveValue(text);
    const fits = await editor.evaluate((box) => ({ hidden: box.scrollHeight - box.clientHeight, width: box.getBoundingClientRect().width }));
    const bubble = await box(sent.locator(".bubble"));
    expect(fits.hidden, `${size.name}: the editor hides part of the text`).toBeLessThanOrEqual(1);
    expect(fits.width, `${size.name}: the editor is narrower than the bubble`).toBeGreaterThanOrEqual(bubble.width * 0.95);
    // Typing a line more grows it too.
    await editor.press("End");
    await editor.press("Shift+Enter");
    await editor.pressSequentially("and sun cream");
    expect(await editor.evaluate((box) => box.scrollHeight - box.clientHeight), `${size.name}: a line typed is hidden`).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SCREENSHOTS}edit-long-${size.name}.png` });
    await editor.press("Escape");
    await expect(editor).toHaveCount(0);
  }
});
