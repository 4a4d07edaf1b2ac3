// A phone reloaded on its conversation list: what comes meanwhile to the conversation that was open stays unread
// (count, "New messages", the sender's "delivered", route's count) until the user opens it and sees it.
import { RouteApi } from "@cim/client";
import { closeContext } from "./context-close.js";
import { conversationKey, expect, message, openDevice, register, test, userIdOf } from "./fixtures.js";

for (const where of ["list", "chat"] as const) test(`on a phone showing the list after a reload (on the ${where}), messages to the chat that was open stay unread until it is opened`, async ({ browser, stack }) => {
  const api = new RouteApi(stack.url);
  const tag = Math.random().toString(36).slice(2, 8);
  const bobName = `bob-${tag}`;
  const bob = await api.register(bobName, "cim-test-pass-1").then(() => api.login(bobName, "cim-test-pass-1"));
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    const aliceName = `ann-${tag}`;
    await register(page, aliceName);
    const aliceId = await userIdOf(page);
    const alice = await api.login(aliceName, "cim-test-pass-1");
    await api.sendMessage(bob.token, { to: aliceId, text: `first ${tag}` });

    // She reads the chat, goes back to the list, and reloads there.
    await conversationKey(page, bob.userId).click();
    await expect(message(page, `first ${tag}`)).toBeVisible();
    if (where === "list") await page.getByTestId("back-to-list").click();
    await page.reload();
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
    if (where === "chat") await page.getByTestId("back-to-list").click();
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");

    // Bob writes while the list is what she sees: more than a screen holds.
    const sent: string[] = [];
    for (let n = 1; n <= 30; n++) sent.push((await api.sendMessage(bob.token, { to: aliceId, text: `unseen ${n} ${tag}` })).msgId);
    await expect(conversationKey(page, bob.userId).getByTestId("unread-badge")).toHaveText("30");
    // One more after those were counted in the list: whatever the app did with them has been done.
    sent.push((await api.sendMessage(bob.token, { to: aliceId, text: `unseen 31 ${tag}` })).msgId);
    await expect(conversationKey(page, bob.userId).getByTestId("unread-badge")).toHaveText("31");
    const unreadOnRoute = async () => (await api.conversations(alice.token)).conversations.find((c) => c.conversation === bob.userId)?.unread;
    expect(await unreadOnRoute()).toBe(31);

    // Opened, the chat shows where the unread ones begin: the first of them on screen, the newest below it, unread.
    await conversationKey(page, bob.userId).click();
    const list = page.getByTestId("message-list");
    await expect(page.getByTestId("new-messages-divider")).toBeInViewport();
    await expect(message(page, `unseen 1 ${tag}`)).toBeInViewport();
    await expect(message(page, `unseen 31 ${tag}`)).not.toBeInViewport();
    await expect(page.getByTestId("jump-latest")).toBeVisible();
    // Read up to what she saw, not to the newest: route still counts the ones below the screen.
    await expect.poll(unreadOnRoute).toBeLessThan(31);
    expect(await unreadOnRoute()).toBeGreaterThan(0);
    // Scrolled to the end, all are read.
    await page.getByTestId("jump-latest").click();
    await expect(message(page, `unseen 31 ${tag}`)).toBeInViewport();
    await expect.poll(unreadOnRoute).toBe(0);
    await expect(list).toBeVisible();
  } finally {
    await closeContext(browser, phone);
  }
});
