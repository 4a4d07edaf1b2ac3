// What a daily chat user expects from Slack, WhatsApp or Telegram: a sender's name in a room opens a private chat
// with them (by mouse, keyboard and finger), and a message of only a few emoji is shown larger.
import { RouteApi } from "@cim/client";
import { closeContext } from "./context-close.js";
import { expect, groupConversation, message, onlineUser, openDevice, PASSWORD, register, say, setHidden, test, userIdOf } from "./fixtures.js";

test("a sender's name in a room opens the private chat with them, with a click and with the keyboard", async ({ pair: { alice, bob } }) => {
  const aliceId = await userIdOf(alice.page);
  const text = `who wants coffee ${Math.random().toString(36).slice(2, 6)}`;
  await groupConversation(alice.page).click();
  await say(alice.page, text);
  await groupConversation(bob.page).click();
  const row = message(bob.page, text);
  await expect(row).toBeVisible();

  // A click on her name over her message: the chat with her, ready to write in.
  const sender = row.getByTestId("message-sender");
  await expect(sender).toHaveText(alice.userName);
  await sender.click();
  await expect(bob.page.getByTestId("conversation-title")).toHaveText(alice.userName);
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", aliceId);
  await expect(bob.page.getByTestId("composer-input")).toBeFocused();

  // The keyboard: the message reached in the list (End), Tab reaches her name first, Enter opens the chat.
  await groupConversation(bob.page).click();
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", "everyone");
  await bob.page.getByTestId("message-list").focus();
  await bob.page.keyboard.press("End");
  await expect(row).toBeFocused();
  await bob.page.keyboard.press("Tab");
  await expect(sender).toBeFocused();
  await bob.page.keyboard.press("Enter");
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", aliceId);
});

test("on a touch phone a sender's name is a 44 px target that opens the private chat, and nothing scrolls sideways", async ({ browser, stack }) => {
  const api = new RouteApi(stack.url);
  const peer = `kim-${Math.random().toString(36).slice(2, 8)}`;
  const lunch = `lunch at noon? ${peer}`;
  await api.register(peer, PASSWORD);
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `lou-${Math.random().toString(36).slice(2, 8)}`);
    await api.sendMessage((await api.login(peer, PASSWORD)).token, { text: lunch });
    await groupConversation(page).tap();
    const row = message(page, lunch);
    await expect(row).toBeVisible();
    // The target, as a finger finds it: the points around the name's middle that reach the name.
    const target = await row.getByTestId("message-sender").evaluate((name) => {
      const box = name.getBoundingClientRect();
      const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
      const reaches = (dx: number, dy: number) => document.elementFromPoint(x + dx, y + dy) === name;
      const extent = (step: (d: number) => boolean) => {
        let d = 0;
        while (d < 100 && step(d + 1)) d++;
        return d;
      };
      return {
        height: extent((d) => reaches(0, -d)) + extent((d) => reaches(0, d)) + 1,
        width: extent((d) => reaches(-d, 0)) + extent((d) => reaches(d, 0)) + 1,
      };
    });
    expect(target.height).toBeGreaterThanOrEqual(44);
    expect(target.width).toBeGreaterThanOrEqual(44);
    // It takes no room of its own: the row is its bubble and the name's line over it (a 44 px box made it 36 px
    // over the bubble), and the name is right over its bubble, whose text takes a tap as the message's.
    const name = (await row.getByTestId("message-sender").boundingBox())!;
    const bubble = (await row.locator(".bubble").boundingBox())!;
    const text = (await row.getByTestId("message-text").boundingBox())!;
    expect((await row.boundingBox())!.height - bubble.height).toBeLessThan(24);
    expect(bubble.y - (name.y + name.height)).toBeLessThan(4);
    expect(await page.evaluate(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('[data-testid="message-sender"]'), [text.x + 4, text.y + 2])).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await row.getByTestId("message-sender").tap();
    await expect(page.getByTestId("conversation-title")).toHaveText(peer);
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");
  } finally {
    await closeContext(browser, phone);
  }
});

test("a message of one to three emoji is shown larger than text; four, or emoji with words, are not", async ({ pair: { alice, bob } }) => {
  const suffix = Math.random().toString(36).slice(2, 6);
  // Their private chat: nobody else writes there.
  await onlineUser(alice.page, bob.userName).click();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await onlineUser(bob.page, alice.userName).click();
  const sent = [`plain ${suffix}`, "👍", "🎉😂🇫🇷", "👍👍👍👍", `ok 👍 ${suffix}`];
  for (const text of sent) await say(alice.page, text);
  const fontSize = async (text: string) => {
    const body = message(bob.page, text).getByTestId("message-text");
    await expect(body).toHaveText(text);
    return body.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
  };
  const normal = await fontSize(`plain ${suffix}`);
  // Both sides: the reader's and the sender's own bubble.
  for (const page of [bob.page, alice.page]) {
    const size = (text: string) => message(page, text).getByTestId("message-text").evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(await size("👍")).toBeGreaterThanOrEqual(normal * 2);
    expect(await size("🎉😂🇫🇷")).toBeGreaterThanOrEqual(normal * 2);
    expect(await size("👍👍👍👍")).toBe(normal);
    expect(await size(`ok 👍 ${suffix}`)).toBe(normal);
  }
  expect(await fontSize("👍")).toBeGreaterThan(normal);
});

test("on a touch phone Reply puts the cursor in the message box inside the tap itself, where iOS opens its keyboard", async ({ browser, stack }) => {
  const api = new RouteApi(stack.url);
  const peer = `ria-${Math.random().toString(36).slice(2, 8)}`;
  const question = `are you coming? ${peer}`;
  await api.register(peer, PASSWORD);
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `rob-${Math.random().toString(36).slice(2, 8)}`);
    await api.sendMessage((await api.login(peer, PASSWORD)).token, { text: question });
    await groupConversation(page).tap();
    const row = message(page, question);
    await row.getByTestId("message-text").tap();
    await expect(row.getByTestId("action-reply")).toBeVisible();
    await expect(page.getByTestId("composer-input")).not.toBeFocused();
    // The click dispatched from the page's own script: whatever its handler does runs before the script goes on, while
    // an effect's focus waits for the script's end (Safari on iOS opens no keyboard for that one).
    const focusedInTap = await row.getByTestId("action-reply").evaluate((reply) => {
      (reply as HTMLButtonElement).click();
      return document.activeElement?.getAttribute("data-testid") ?? "";
    });
    expect(focusedInTap).toBe("composer-input");
    await expect(page.getByTestId("reply-bar")).toContainText(question);
    await expect(page.getByTestId("composer-input")).toBeFocused();
  } finally {
    await closeContext(browser, phone);
  }
});

test("the next morning a tab left open says Yesterday where it said Today, in the list and over the messages, and each message shows its time only", async ({ browser, stack }) => {
  const api = new RouteApi(stack.url);
  const peer = `kim-${Math.random().toString(36).slice(2, 8)}`;
  const text = `see you tomorrow ${peer}`;
  await api.register(peer, PASSWORD);
  // The page's clock is the test's to move (it runs on by itself meanwhile).
  const { context, page } = await openDevice(browser, stack.url, { beforeLoad: (device) => device.clock.install() });
  try {
    await register(page, `lou-${Math.random().toString(36).slice(2, 8)}`);
    await api.sendMessage((await api.login(peer, PASSWORD)).token, { text });
    await groupConversation(page).click();
    const row = message(page, text);
    await expect(row).toBeVisible();
    const clockOnly = /^\d{1,2}:\d{2}(\s?[AP]M)?$/;
    const separator = page.getByTestId("day-separator").last();
    const listed = groupConversation(page).getByTestId("conversation-time");
    await expect(separator).toHaveText("Today");
    await expect(listed).toHaveText(clockOnly);
    await expect(row.getByTestId("message-time")).toHaveText(clockOnly);
    // A day later the user comes back to the tab (timers slept with the laptop): the day has turned everywhere.
    await page.clock.setSystemTime(Date.now() + 24 * 60 * 60_000);
    await setHidden(page, true);
    await setHidden(page, false);
    await expect(separator).toHaveText("Yesterday");
    await expect(listed).toHaveText("Yesterday");
    // The separator says the day: the message says only when in it, not "Nov 29 6:20 PM" on every row.
    await expect(row.getByTestId("message-time")).toHaveText(clockOnly);
  } finally {
    await closeContext(browser, context);
  }
});
