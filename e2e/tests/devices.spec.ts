// Several devices of one user: two tabs as the same user (each its own login), on different gateways, both see
// every conversation, including what the other tab sent, exactly once; reading in one clears the other's count.
import type { APIRequestContext, Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { conversation, duplicatesDropped, expect, gatewayOf, groupConversation, logIn, message, onlineUser, openDevice, PASSWORD, say, SCREENSHOTS, test, userIdOf } from "./fixtures.js";

/** A second tab of `page`'s browser (same storage, its own sessionStorage), logged in as `userName`. */
async function secondTab(page: Page, userName: string): Promise<Page> {
  const tab = await page.context().newPage();
  await tab.goto("/");
  await logIn(tab, userName);
  // Round-robin puts consecutive logins on different gateways; another page's reconnect may have taken a turn.
  for (let attempt = 0; attempt < 4 && (await gatewayOf(tab)) === (await gatewayOf(page)); attempt++) await tab.reload();
  expect(await gatewayOf(tab)).not.toBe(await gatewayOf(page));
  return tab;
}

test("two tabs as the same user on different gateways both see the conversation, each message once", async ({ pair: { alice, bob } }) => {
  const tab = await secondTab(alice.page, alice.userName);
  await expect(tab.getByTestId("me-name")).toHaveText(alice.userName);

  // Bob writes to Alice privately: both of her tabs count it.
  await onlineUser(bob.page, alice.userName).click();
  await say(bob.page, "to both of your tabs");
  for (const page of [alice.page, tab]) await expect(conversation(page, bob.userName).getByTestId("unread-badge")).toHaveText("1");

  // Reading it in one tab clears the count in the other (a Read of her own, from the server).
  await conversation(alice.page, bob.userName).click();
  await expect(message(alice.page, "to both of your tabs")).toBeVisible();
  await expect(conversation(tab, bob.userName).getByTestId("unread-badge")).toHaveCount(0);
  await expect(message(bob.page, "to both of your tabs")).toHaveAttribute("data-status", "seen");

  // What one tab sends shows in the other as her own, once; Bob gets it once.
  await say(alice.page, "sent from the first tab");
  await conversation(tab, bob.userName).click();
  await expect(message(tab, "sent from the first tab")).toHaveAttribute("data-own", "true");
  await expect(message(bob.page, "sent from the first tab")).toHaveCount(1);
  await say(tab, "and this from the second");
  await expect(message(alice.page, "and this from the second")).toHaveAttribute("data-own", "true");
  await expect(message(bob.page, "and this from the second")).toBeVisible();

  // In Everyone too.
  await groupConversation(tab).click();
  await groupConversation(bob.page).click();
  await say(tab, "group message from tab two");
  await groupConversation(alice.page).click();
  await expect(message(alice.page, "group message from tab two")).toHaveAttribute("data-own", "true");
  await expect(message(bob.page, "group message from tab two")).toHaveCount(1);

  // Each tab and Bob hold the private conversation once: three messages, no repeat dropped anywhere.
  for (const page of [alice.page, tab, bob.page]) {
    await conversation(page, page === bob.page ? alice.userName : bob.userName).click();
    await expect(page.getByTestId("message")).toHaveCount(3);
    expect(await duplicatesDropped(page)).toBe(0);
  }
  await alice.page.screenshot({ path: `${SCREENSHOTS}devices-tab-one.png` });
  await tab.screenshot({ path: `${SCREENSHOTS}devices-tab-two.png` });
});

/** `count` new users (over route's HTTP API) each write one private message to `userId`; resolves once all are stored. */
async function writersTo(request: APIRequestContext, userId: string, count: number): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 8);
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const credentials = { userName: `w${i}_${tag}`, password: PASSWORD };
    expect((await request.post("/api/register", { data: credentials })).status()).toBe(201);
    const { token } = (await (await request.post("/api/login", { data: credentials })).json()) as { token: string };
    const sent = await request.post("/api/messages", { data: { to: userId, text: `hello ${i}` }, headers: { authorization: `Bearer ${token}` } });
    expect(sent.status()).toBe(202);
  }));
}

test("a new device (nothing cached) lists each conversation with its newest message, not \"No messages yet\", also far down a long list, which filters by name", async ({ pair: { alice, bob }, browser, stack, request }) => {
  await onlineUser(bob.page, alice.userName).click();
  await say(bob.page, "an older line");
  await say(bob.page, "the newest line");
  await expect(conversation(alice.page, bob.userName).getByTestId("unread-badge")).toHaveText("2");
  // 21 newer chats: bob's is the oldest of 22, past the ones previewed at sign-in, at the bottom of the list.
  await writersTo(request, await userIdOf(alice.page), 21);

  // Route's conversation list previews every chat: no chat's history is asked for until one is opened.
  const chatHistories: string[] = [];
  const { context, page } = await openDevice(browser, stack.url, {
    beforeLoad: async (page) => void page.on("request", (request) => void (/\/api\/history\?.*\bwith=/.test(request.url()) && chatHistories.push(request.url()))),
  });
  try {
    await logIn(page, alice.userName);
    const chat = conversation(page, bob.userName);
    await expect(page.getByTestId("chat-list").getByTestId("conversation-item")).toHaveCount(22);
    await expect(page.getByTestId("chat-list").getByTestId("conversation-item").first().getByTestId("conversation-preview")).not.toHaveText("");
    // Scrolled to, it shows its newest message, as every other chat does.
    await chat.scrollIntoViewIfNeeded();
    await expect(chat.getByTestId("conversation-preview")).toHaveText("the newest line");
    expect(chatHistories).toEqual([]);
    await expect(chat.getByTestId("unread-badge")).toHaveText("2");
    // A list this long filters by name (any case); Enter opens the one it keeps, and the whole list is back.
    const filter = page.getByTestId("conversation-filter");
    await filter.fill("no such name");
    await expect(page.getByTestId("filter-no-match")).toHaveCount(2);
    await filter.fill(bob.userName.toUpperCase());
    await expect(page.getByTestId("conversation-item")).toHaveCount(1);
    await filter.press("Enter");
    // Opened, it shows the whole history, each message once.
    await expect(page.getByTestId("message-text")).toHaveText(["an older line", "the newest line"]);
    await expect(page.getByTestId("conversation-item")).toHaveCount(23);
    // With a filter typed, Alt+Down moves through what it keeps: from bob's chat (hidden by it, and the last of the
    // whole list) to Everyone.
    await filter.fill("everyone");
    await filter.press("Alt+ArrowDown");
    await expect(page.getByTestId("conversation-title")).toHaveText("Everyone");
  } finally {
    await closeContext(browser, context);
  }
});

test("a conversation opened before route sent its messages says they are loading, not \"No messages yet. Say hello!\"", async ({ pair: { alice, bob }, browser, stack }) => {
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "an early message");
  await expect(message(alice.page, "an early message")).toHaveAttribute("data-status", /sent|delivered|seen/);
  // Bob's new device: route's history answers are held (slow, frozen or unreachable route).
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { context: device, page } = await openDevice(browser, stack.url, {
    beforeLoad: (page) =>
      page.route(/\/api\/history\?/, async (route) => {
        await held;
        await route.continue();
      }),
  });
  try {
    await logIn(page, bob.userName);
    await conversation(page, alice.userName).click();
    const list = page.getByTestId("message-list");
    await expect(list).toContainText("Loading messages…");
    await expect(list).not.toContainText("No messages yet");
    release();
    await expect(message(page, "an early message")).toBeVisible();
    await expect(list).not.toContainText("Loading messages…");
  } finally {
    release();
    await closeContext(browser, device);
  }
});
