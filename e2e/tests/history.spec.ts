// History: a conversation opens on its newest page and loads older pages when scrolled up.
import { RouteApi, type StoredLogin } from "@cim/client";
import type { Page } from "@playwright/test";
import { conversation, expect, logIn, message, test } from "./fixtures.js";

const COUNT = 45;

function storedLogin(page: Page): Promise<StoredLogin> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin);
}

test("older private messages load when scrolling up, and the message on top stays in place", async ({ pair: { alice, bob }, browser, stack }) => {
  const [a, b] = [await storedLogin(alice.page), await storedLogin(bob.page)];
  // Written through route's HTTP API (no page involved), in order.
  const api = new RouteApi(stack.url);
  for (let i = 0; i < COUNT; i++) await api.sendMessage(a.token, { to: b.userId, text: `old ${String(i).padStart(2, "0")}` });

  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText(String(COUNT));
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, `old ${COUNT - 1}`)).toBeVisible();
  const list = bob.page.getByTestId("message-list");

  // From the keyboard: the focus on "Load older messages" (which scrolls to it) loads them, Enter too, and the focus
  // stays in the list when the button goes (disabled while loading, it dropped the focus onto the page's body).
  await list.getByTestId("load-older").focus();
  await expect(async () => {
    if (await list.getByTestId("load-older").count()) await bob.page.keyboard.press("Enter");
    await expect(message(bob.page, "old 00")).toBeAttached({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(list).toBeFocused();
  await expect(list.getByTestId("message")).toHaveCount(COUNT);
  const texts = await list.getByTestId("message-text").allInnerTexts();
  expect(texts).toEqual(Array.from({ length: COUNT }, (_, i) => `old ${String(i).padStart(2, "0")}`));
  await expect(list.getByTestId("load-older")).toHaveCount(0);

  // On a new device (all read: one page shown), scrolling near the top, not to it, loads the older page, and the
  // message that was on top stays where it was.
  const device = await browser.newContext({ baseURL: stack.url });
  try {
    const page = await device.newPage();
    await page.goto("/");
    await logIn(page, bob.userName);
    await conversation(page, alice.userName).click();
    const other = page.getByTestId("message-list");
    await expect(other.getByTestId("load-older")).toBeVisible();
    const shown = await other.getByTestId("message").count();
    expect(shown).toBeLessThan(COUNT);
    const firstText = await other.getByTestId("message-text").first().innerText();
    const topOf = () =>
      other.evaluate((el, text) => {
        const first = Array.from(el.querySelectorAll('[data-testid="message"]')).find((m) => m.querySelector('[data-testid="message-text"]')?.textContent === text);
        return Math.round(first!.getBoundingClientRect().top);
      }, firstText);
    await other.evaluate((el) => el.scrollTo({ top: 20 }));
    const before = await topOf();
    await expect(other.getByTestId("message")).toHaveCount(COUNT);
    await expect.poll(topOf).toBe(before);
  } finally {
    await device.close();
  }
});
