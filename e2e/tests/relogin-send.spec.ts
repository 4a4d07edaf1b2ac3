// A message typed right after a logout and a login in the same tab (messages kept) is shown once, and marked sent,
// whichever of its SendAck and the Everyone history page comes first. privacy.spec's flake under heavy load: the
// history page held the message already while the SendAck was late, and it showed twice ("sent" and "sending").
import type { Page, WebSocketRoute } from "@playwright/test";
import { decodeFrame } from "@cim/protocol";
import { expect, expectOnline, logIn, message, PASSWORD, say, test } from "./fixtures.js";

/** Holds the gateway's SendAcks and the requests for history pages until released, in an order the test chooses. */
async function hold(page: Page) {
  const acks: Array<() => void> = [];
  const pages: Array<() => void> = [];
  let holding = false;
  let holdingPages = true;
  await page.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    server.onMessage((data) => {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      if (holding && decodeFrame(bytes).kind === "sendAck") acks.push(() => ws.send(data));
      else ws.send(data);
    });
  });
  await page.route("**/api/history**", async (route) => {
    if (!holding || !holdingPages) return route.continue();
    // Asked of route only when released: the page holds what was stored by then.
    await new Promise<void>((resolve) => pages.push(resolve));
    await route.continue();
  });
  return { acks, pages, start: (pagesToo = true) => ((holding = true), (holdingPages = pagesToo)), stop: () => (holding = false) };
}

async function relogin(page: Page, userName: string): Promise<void> {
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await page.getByTestId("login-mode-login").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill(PASSWORD);
  await page.getByTestId("login-keep-messages").setChecked(true);
  await page.getByTestId("login-submit").click();
  await expectOnline(page);
}

for (const order of ["ack first", "history first"] as const) {
  test(`a message typed right after logging in again shows once, sent (${order})`, async ({ newUser }) => {
    const { page, userName } = await newUser("again");
    const held = await hold(page);
    // The socket opened before the route was set is not routed: a reload opens one through it.
    await page.reload();
    await expectOnline(page);
    await say(page, `before ${order}`);
    await expect(message(page, `before ${order}`)).toHaveAttribute("data-status", "sent");
    held.start();
    await relogin(page, userName);
    await say(page, `typed at once ${order}`);
    await expect(message(page, `typed at once ${order}`)).toHaveCount(1);
    await expect.poll(() => held.acks.length).toBe(1);
    await expect.poll(() => held.pages.length).toBeGreaterThan(0);
    const releaseAll = (list: Array<() => void>) => list.splice(0).forEach((release) => release());
    if (order === "ack first") {
      releaseAll(held.acks);
      await expect(message(page, `typed at once ${order}`)).toHaveAttribute("data-status", "sent");
      releaseAll(held.pages);
    } else {
      // Route's history already holds it while the gateway's answer is late (a busy machine): shown once, and sent.
      releaseAll(held.pages);
      await expect(message(page, `before ${order}`)).toHaveCount(1);
      await expect(message(page, `typed at once ${order}`)).toHaveAttribute("data-status", "sent");
      await expect(message(page, `typed at once ${order}`)).toHaveCount(1);
      releaseAll(held.acks);
    }
    await expect(message(page, `typed at once ${order}`)).toHaveAttribute("data-status", "sent");
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expect(message(page, `typed at once ${order}`)).toHaveCount(1);
  });
}

test("a message still waiting for its SendAck at a reload shows once, sent, when history brings it before the answer", async ({ newUser }) => {
  const { page } = await newUser("reload");
  const held = await hold(page);
  await page.reload();
  await expectOnline(page);
  const text = `waiting at the reload ${Math.random().toString(36).slice(2, 8)}`;
  // The gateway stores it; its answer does not come before the reload.
  held.start(false);
  await say(page, text);
  await expect.poll(() => held.acks.length).toBe(1);
  await page.reload();
  // The view memory shows it again and sends it once more; route's newest page already holds it.
  await expectOnline(page);
  await expect(message(page, text)).toHaveAttribute("data-status", "sent");
  await expect(message(page, text)).toHaveCount(1);
  // Answers from now on go through; whatever was held is let go.
  held.stop();
  held.acks.splice(0).forEach((release) => release());
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(message(page, text)).toHaveCount(1);
  await expect(message(page, text)).toHaveAttribute("data-status", "sent");
});

test("the same words sent at once from two logins of one user show as two messages while one waits for its SendAck", async ({ newUser }) => {
  const { page, userName } = await newUser("twice");
  const held = await hold(page);
  await page.reload();
  await expectOnline(page);
  // A second login of the same user (another tab: its own login), Everyone open in both.
  const phone = await page.context().newPage();
  await phone.goto("/");
  await logIn(phone, userName);
  const text = `same words ${Math.random().toString(36).slice(2, 8)}`;
  held.start(false);
  await say(page, text);
  await expect.poll(() => held.acks.length).toBe(1);
  await expect(message(page, text)).toHaveAttribute("data-status", "sending");
  // The other login's message of the same words comes live before this one's answer: it is that login's, not this one.
  await say(phone, text);
  // That login has both: this one's (stored, its SendAck only held here) and its own.
  await expect(message(phone, text).and(phone.locator('[data-status="sent"]'))).toHaveCount(2);
  await expect(message(page, text)).toHaveCount(2);
  await expect(message(page, text).and(page.locator('[data-status="sending"]'))).toHaveCount(1);
  held.stop();
  held.acks.splice(0).forEach((release) => release());
  await expect(message(page, text).and(page.locator('[data-status="sent"]'))).toHaveCount(2);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(message(page, text)).toHaveCount(2);
});
