// History: a conversation opens on its newest page, or at its first unread message, and loads older pages when
// scrolled up.
import { CimApiError, RouteApi, type StoredLogin } from "@cim/client";
import type { Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { conversation, expect, groupConversation, logIn, message, openDevice, PASSWORD, register, test } from "./fixtures.js";

const COUNT = 75;

function storedLogin(page: Page): Promise<StoredLogin> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin);
}

/**
 * A message through route (to Everyone when `to` is undefined); its per-user limit of HTTP sends answers 429 with
 * Retry-After: wait, and send it again.
 */
async function sendPaced(api: RouteApi, token: string, to: string | undefined, text: string): Promise<void> {
  for (;;) {
    const wait = await api.sendMessage(token, { to, text, clientMsgId: text.replaceAll(" ", "-") }).then(() => 0, (error: unknown) => {
      if (error instanceof CimApiError && error.status === 429) return (error.retryAfterSeconds ?? 1) * 1_000;
      throw error;
    });
    if (wait === 0) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

test("a chat with many unread opens at the first of them; older private messages load when scrolling up, and the message on top stays in place", async ({ pair: { alice, bob }, browser, stack }) => {
  const [a, b] = [await storedLogin(alice.page), await storedLogin(bob.page)];
  // Written through route's HTTP API (no page involved), in order.
  const api = new RouteApi(stack.url);
  for (let i = 0; i < COUNT; i++) await api.sendMessage(a.token, { to: b.userId, text: `old ${String(i).padStart(2, "0")}` });

  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText(String(COUNT));
  // More unread than one history page holds and than fit on the screen: the chat opens where Bob stopped reading,
  // with all of them loaded, and the newest a jump away.
  await conversation(bob.page, alice.userName).click();
  const list = bob.page.getByTestId("message-list");
  const divider = list.getByTestId("new-messages-divider");
  await expect(divider).toBeInViewport();
  // With the day of the first unread message above the line.
  await expect(list.getByTestId("day-separator").first()).toBeInViewport();
  expect(await divider.evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("old 00");
  await expect(message(bob.page, "old 00")).toBeInViewport();
  await expect(message(bob.page, `old ${COUNT - 1}`)).not.toBeInViewport();
  await expect(list.getByTestId("message")).toHaveCount(COUNT);
  await expect(list.getByTestId("load-older")).toHaveCount(0);
  await bob.page.getByTestId("jump-latest").click();
  await expect(message(bob.page, `old ${COUNT - 1}`)).toBeInViewport();
  // A few unread, that fit below the line: the chat opens at its newest message.
  await groupConversation(bob.page).click();
  for (const text of ["fresh 1", "fresh 2"]) await api.sendMessage(a.token, { to: b.userId, text });
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("2");
  await conversation(bob.page, alice.userName).click();
  await expect(divider).toBeInViewport();
  await expect(message(bob.page, "fresh 2")).toBeInViewport();
  await expect(bob.page.getByTestId("jump-latest")).toBeHidden();

  // On a new device (all read: one page shown), scrolling near the top, not to it, loads the older page, and the
  // message that was on top stays where it was: its text, what the user reads. (Its box does not: the gap over a
  // group goes, as the message joins the same sender's older ones above it.)
  const { context: device, page } = await openDevice(browser, stack.url);
  let release: () => void = () => undefined;
  try {
    await logIn(page, bob.userName);
    await conversation(page, alice.userName).click();
    const other = page.getByTestId("message-list");
    await expect(other.getByTestId("load-older")).toBeVisible();
    const shown = await other.getByTestId("message").count();
    expect(shown).toBeLessThan(COUNT);
    const firstText = await other.getByTestId("message-text").first().innerText();
    const onTop = message(page, firstText);
    const topOf = () => onTop.getByTestId("message-text").evaluate((el) => Math.round(el.getBoundingClientRect().top));
    // The older page is held until the position before it is read: the scroll starts the load, and a read racing it
    // came after it on a quiet machine (and so compared the new position with itself).
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/history\?.*before=/, async (route) => {
      await held;
      await route.continue();
    });
    // A private chat shows no name over the peer's messages (WhatsApp and Telegram show none there); a screen reader
    // hears who wrote each group.
    await expect(other.getByTestId("message-sender")).toHaveCount(0);
    await expect(onTop.getByTestId("message-author")).toHaveText(`${alice.userName}:`);
    await other.evaluate((el) => el.scrollTo({ top: 20 }));
    await expect(other.getByTestId("load-older")).toHaveText("Loading…");
    const before = await topOf();
    // A message that comes at the bottom while the older page loads moves nothing at the top either.
    await api.sendMessage(a.token, { to: b.userId, text: "new while loading" });
    await expect(message(page, "new while loading")).toBeAttached();
    expect(await topOf()).toBe(before);
    release();
    const withOlder = 2 * shown + 1;
    await expect(other.getByTestId("message")).toHaveCount(withOlder);
    await expect(onTop.getByTestId("message-author")).toHaveCount(0);
    expect(await topOf()).toBe(before);

    // From the keyboard: the focus on "Load older messages" (which scrolls to it) loads them, Enter too, and the
    // focus stays in the list when the button goes (disabled while loading, it dropped the focus onto the page's body).
    await other.getByTestId("load-older").focus();
    await expect(async () => {
      if (await other.getByTestId("load-older").count()) await page.keyboard.press("Enter");
      await expect(message(page, "old 00")).toBeAttached({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(other).toBeFocused();
    const all = [...Array.from({ length: COUNT }, (_, i) => `old ${String(i).padStart(2, "0")}`), "fresh 1", "fresh 2", "new while loading"];
    await expect(other.getByTestId("message-text")).toHaveText(all);
    await expect(other.getByTestId("load-older")).toHaveCount(0);
  } finally {
    release();
    await closeContext(browser, device);
  }
});

test("scrolling up a chat of more than 300 messages loads and shows every older page, down to the first message", async ({ pair: { alice, bob }, browser, stack }) => {
  const [a, b] = [await storedLogin(alice.page), await storedLogin(bob.page)];
  const api = new RouteApi(stack.url);
  // Not a multiple of route's page (30): the last page, short, tells that nothing is older.
  const TOTAL = 335;
  const text = (i: number) => `msg ${String(i).padStart(3, "0")}`;
  for (let i = 0; i < TOTAL; i++) await sendPaced(api, a.token, b.userId, text(i));
  // Read on this device (opened at the first unread one, read down to the newest): another one opens the chat at its
  // newest page and loads the older ones as it scrolls up.
  await conversation(bob.page, alice.userName).click();
  await bob.page.getByTestId("jump-latest").click();
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);
  const { context: device, page } = await openDevice(browser, stack.url);
  try {
    await logIn(page, bob.userName);
    await conversation(page, alice.userName).click();
    const list = page.getByTestId("message-list");
    await expect(message(page, text(TOTAL - 1))).toBeInViewport();
    // Each scroll to the top loads the page before it. The page that took the loaded messages past the 300 the list
    // renders at the bottom was loaded and not shown: the list stayed at its top, where a scroll moves nothing and
    // asks for nothing more, under "Load older messages".
    await expect(async () => {
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect(message(page, text(0))).toBeAttached({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(list.getByTestId("message")).toHaveCount(TOTAL);
    await expect(list.getByTestId("load-older")).toHaveCount(0);
  } finally {
    await closeContext(browser, device);
  }
});

test("a long chat renders its newest 300 messages at the bottom, more on the way up without asking route, and a jump shows an older one", async ({ pair: { alice, bob }, stack }) => {
  const [a, b] = [await storedLogin(alice.page), await storedLogin(bob.page)];
  const api = new RouteApi(stack.url);
  await api.sendMessage(a.token, { to: b.userId, text: "first of many" });
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, "first of many")).toBeVisible();
  const list = bob.page.getByTestId("message-list");
  // 359 more arrive live while Bob is at the bottom: the newest 300 stay in the page, and up to 50 more before the
  // window slides (lib/message-window.ts: rows keep their places while it grows).
  const TOTAL = 360;
  for (let i = 1; i < TOTAL; i++) await sendPaced(api, a.token, b.userId, `live ${i}`);
  await expect(message(bob.page, `live ${TOTAL - 1}`)).toBeVisible();
  await expect(message(bob.page, "first of many")).toHaveCount(0);
  const rendered = await list.getByTestId("message").count();
  expect(rendered).toBeGreaterThanOrEqual(300);
  expect(rendered).toBeLessThanOrEqual(350);
  // The window's top row names its day, though the day began above it, with a message not rendered.
  await expect(list.getByTestId("day-separator")).toHaveCount(1);

  // Scrolling up renders the loaded ones above, 100 at a time, with no history request, and what was on top stays.
  let historyRequests = 0;
  bob.page.on("request", (request) => {
    if (request.url().includes("/api/history")) historyRequests++;
  });
  const onTop = message(bob.page, `live ${TOTAL - 300}`);
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(list.getByTestId("message")).toHaveCount(TOTAL);
  await expect(onTop).toBeInViewport();
  await expect(message(bob.page, "first of many")).toBeAttached();
  expect(historyRequests).toBe(0);

  // Back at the bottom, the page holds 300 again.
  await bob.page.getByTestId("jump-latest").click();
  await expect(list.getByTestId("message")).toHaveCount(300);

  // A search result older than those rendered is shown where it is.
  await bob.page.getByTestId("search-input").fill("first of many");
  await bob.page.getByTestId("search-result").click();
  await expect(message(bob.page, "first of many")).toBeInViewport();
});

test("a room with more unread than route's largest page opens at the first of them, on a device that has none of them", async ({ pair: { alice, bob }, browser, stack }) => {
  const a = await storedLogin(alice.page);
  const api = new RouteApi(stack.url);
  await bob.page.getByTestId("logout").click();
  for (let i = 0; i < 300; i++) await sendPaced(api, a.token, undefined, `many ${i}`);

  // A new device: no message of Everyone in memory or in its cache, and none replayed at login (a room's messages
  // come live from then on), so its history is read up to the first unread one. Everyone is open from the start.
  const { context: device, page } = await openDevice(browser, stack.url);
  try {
    await logIn(page, bob.userName);
    const divider = page.getByTestId("new-messages-divider");
    // Two pages to read and 300 messages to render: about a second on this machine when it is idle (each page is
    // merged in one step), longer under the whole suite's load.
    await expect(divider).toBeInViewport({ timeout: 45_000 });
    expect(await divider.evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("many 0");
    await expect(message(page, "many 0")).toBeInViewport();
    await expect(page.getByTestId("jump-latest")).toBeVisible();
  } finally {
    await closeContext(browser, device);
  }
});

test("on a phone, a room with many unread opens at the first of them when it is shown", async ({ browser, stack }) => {
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `tess-${Math.random().toString(36).slice(2, 8)}`);
    // Everyone is the open conversation from the start, its list hidden behind the conversation list.
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
    const api = new RouteApi(stack.url);
    const ray = `ray-${Math.random().toString(36).slice(2, 8)}`;
    await api.register(ray, PASSWORD);
    const { token } = await api.login(ray, PASSWORD);
    for (let i = 0; i < 40; i++) await api.sendMessage(token, { text: `busy ${i}` });
    await expect(groupConversation(page).getByTestId("unread-badge")).toHaveText("40");

    await groupConversation(page).tap();
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");
    await expect(page.getByTestId("new-messages-divider")).toBeInViewport();
    await expect(message(page, "busy 0")).toBeInViewport();
    await expect(message(page, "busy 39")).not.toBeInViewport();
    await expect(page.getByTestId("jump-latest")).toBeVisible();

    // Read to the end, back to the list; offline, more than the list renders (300) come meanwhile. Online again and
    // shown again, the same conversation opens at the first of them too (it stayed at the bottom, and had no line).
    await page.getByTestId("jump-latest").tap();
    await expect(message(page, "busy 39")).toBeInViewport();
    await page.getByTestId("back-to-list").tap();
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
    await phone.setOffline(true);
    for (let i = 0; i < 320; i++) await sendPaced(api, token, undefined, `again ${i}`);
    await phone.setOffline(false);
    await expect(groupConversation(page).getByTestId("unread-badge")).toHaveText("320");
    await groupConversation(page).tap();
    await expect(page.getByTestId("new-messages-divider")).toBeInViewport();
    await expect(message(page, "again 0")).toBeInViewport();
    await expect(message(page, "again 319")).not.toBeInViewport();
  } finally {
    await closeContext(browser, phone);
  }
});
