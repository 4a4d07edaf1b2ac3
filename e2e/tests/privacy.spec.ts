// Logging out deletes this device's message cache unless the user ticked "keep my messages on this device", and
// nothing of the user read late is shown to the next user of the tab.
import { closeContext } from "./context-close.js";
import { expect, expectOnline, logIn as logInAs, message, onlineUser, openDevice, PASSWORD, register, say, test } from "./fixtures.js";
import type { Page } from "@playwright/test";

/** Names of this origin's IndexedDB message caches. */
function caches(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.startsWith("cim-messages-")));
}

async function logIn(page: Page, userName: string, keep: boolean): Promise<void> {
  await page.getByTestId("login-mode-login").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill(PASSWORD);
  await page.getByTestId("login-keep-messages").setChecked(keep);
  await page.getByTestId("login-submit").click();
  await expectOnline(page);
}

test("logout deletes the message cache on this device unless the user chose to keep it, a choice remembered per user", async ({ newUser }) => {
  const { page, userName } = await newUser("dora");
  await say(page, "cached, then deleted at logout");
  await expect(message(page, "cached, then deleted at logout")).toHaveAttribute("data-status", "sent");
  await expect.poll(() => caches(page)).toHaveLength(1);

  // Registered with the box unticked (the default): logout deletes the cache.
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await expect.poll(() => caches(page)).toEqual([]);
  // The login screen offers the name just used, as chat apps do (never the password), the cursor on the password.
  await expect(page.getByTestId("login-username")).toHaveValue(userName);
  await expect(page.getByTestId("login-password")).toHaveValue("");
  await expect(page.getByTestId("login-password")).toBeFocused();

  // Ticked at this login: the cache stays after logout, and the choice is the default next time.
  await page.getByTestId("login-username").fill(userName);
  await expect(page.getByTestId("login-keep-messages")).not.toBeChecked();
  await logIn(page, userName, true);
  await say(page, "kept on this device");
  await expect(message(page, "kept on this device")).toHaveAttribute("data-status", "sent");
  await expect.poll(() => caches(page)).toHaveLength(1);
  const loggedOut = page.waitForResponse("**/api/logout");
  await page.getByTestId("logout").click();
  await loggedOut;
  await page.reload();
  await page.getByTestId("login-username").fill(userName);
  await expect(page.getByTestId("login-keep-messages")).toBeChecked();
  expect(await caches(page)).toHaveLength(1);
  await page.getByTestId("login-username").fill(`${userName}-someone-else`);
  await expect(page.getByTestId("login-keep-messages")).not.toBeChecked();

  // Unticked again: this logout deletes what was kept.
  await logIn(page, userName, false);
  await page.getByTestId("logout").click();
  await expect.poll(() => caches(page)).toEqual([]);
});

test("a block list that answers after its user logged out is not the next user's of this tab", async ({ newUser }) => {
  const carl = await newUser("carl");
  const eve = await newUser("eve");
  const { page } = await newUser("dora");
  await onlineUser(page, carl.userName).click();
  await page.getByTestId("block-button").click();
  await page.getByTestId("block-confirm").click();
  await expect(page.getByTestId("blocked-notice")).toBeVisible();

  // Each read of the block list is answered by route at once and handed to the page only when released.
  const release: Array<() => void> = [];
  await page.route("**/api/blocks", async (route) => {
    const response = await route.fetch();
    await new Promise<void>((resolve) => release.push(resolve));
    await route.fulfill({ response });
  });
  await page.reload();
  await expect.poll(() => release.length).toBe(1);
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await logInAs(page, eve.userName);
  await expect.poll(() => release.length).toBe(2);
  const handed = (n: number) => page.waitForResponse((response) => response.url().endsWith("/api/blocks")).then((response) => response.finished()).then(() => n);
  const eves = handed(2);
  release[1]!();
  await eves;
  const doras = handed(1);
  release[0]!();
  await doras;
  await page.unrouteAll({ behavior: "wait" });
  // The answer has been handed to the page; one frame later whatever it was going to do is done.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.getByTestId("settings-button").click();
  await expect(page.getByTestId("settings-blocked")).toContainText("You block nobody");
});

test("Log out with messages written offline and not sent yet asks first; staying signed in sends them when the network is back", async ({ newUser }) => {
  const { page, context } = await newUser("unsent");
  await say(page, "sent before");
  await expect(message(page, "sent before")).toHaveAttribute("data-status", "sent");
  // Offline, a message waits to be sent: Log out says it would go with the logout.
  await context.setOffline(true);
  await say(page, "written offline");
  await expect(message(page, "written offline")).toHaveAttribute("data-status", "sending");
  // The list says so too, not only the message.
  const everyone = page.locator('[data-testid="conversation-item"][data-key="everyone"]');
  await expect(everyone.getByTestId("preview-unsent")).toHaveText("sending…");
  await page.getByTestId("logout").click();
  const dialog = page.getByTestId("logout-dialog");
  await expect(dialog).toContainText("1 message you wrote has not been sent yet");
  await dialog.getByRole("button", { name: "Stay signed in" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("login-screen")).toHaveCount(0);
  await context.setOffline(false);
  await expect(message(page, "written offline")).toHaveAttribute("data-status", "sent", { timeout: 30_000 });
  await expect(everyone.getByTestId("preview-unsent")).toHaveCount(0);
  // All sent: Log out logs out at once, as before.
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await expect(page.getByTestId("logout-dialog")).toHaveCount(0);
});

test("Log out with a reaction or an edit made offline and not sent yet asks first; staying signed in makes them when the network is back", async ({ newUser }) => {
  const { page, context } = await newUser("changes");
  await say(page, "to be changed");
  const row = message(page, "to be changed");
  await expect(row).toHaveAttribute("data-status", "sent");
  // Offline, a reaction and an edit wait for the connection (each says so under the message). Log out dropped them
  // without a word: only messages not sent were counted.
  await context.setOffline(true);
  await row.hover();
  await row.getByTestId("action-react").click();
  await row.locator('[data-testid="reaction-choice"][data-emoji="👍"]').click();
  await expect(row.getByTestId("reaction-pending")).toBeVisible();
  await page.getByTestId("logout").click();
  const dialog = page.getByTestId("logout-dialog");
  await expect(dialog).toContainText("Log out with unsent changes?");
  await expect(dialog).toContainText("1 change you made (an edit, a deletion or a reaction) has not been sent yet");
  await dialog.getByRole("button", { name: "Stay signed in" }).click();
  await expect(page.getByTestId("login-screen")).toHaveCount(0);
  await page.getByTestId("composer-input").press("ArrowUp");
  await page.getByTestId("edit-input").fill("changed offline");
  await page.getByTestId("edit-input").press("Enter");
  await expect(page.getByTestId("edit-pending")).toBeVisible();
  await page.getByTestId("logout").click();
  await expect(dialog).toContainText("2 changes you made (edits, deletions or reactions) have not been sent yet");
  await dialog.getByRole("button", { name: "Stay signed in" }).click();
  await context.setOffline(false);
  const changed = message(page, "changed offline");
  await expect(changed.getByTestId("reaction-chip")).toHaveText("👍 1", { timeout: 30_000 });
  // All made: Log out logs out at once, as before.
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await expect(page.getByTestId("logout-dialog")).toHaveCount(0);
});

test("Log out with a draft typed and not sent asks first, and staying keeps it; on a phone Log out always asks", async ({ newUser, browser, stack }) => {
  const { page } = await newUser("drafty");
  await page.getByTestId("composer-input").fill("half a thought");
  await page.getByTestId("logout").click();
  const dialog = page.getByTestId("logout-dialog");
  await expect(dialog).toContainText("Log out and lose your drafts?");
  await expect(dialog).toContainText("A draft you typed and did not send is deleted from this device");
  await dialog.getByRole("button", { name: "Stay signed in" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("login-screen")).toHaveCount(0);
  await expect(page.getByTestId("composer-input")).toHaveValue("half a thought");
  await page.getByTestId("logout").click();
  await page.getByTestId("logout-confirm").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();

  // On a touch phone Log out sits beside Settings: a mis-tap with nothing to lose asks too.
  const { context: phone, page: tapper } = await openDevice(browser, stack.url, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await register(tapper, `tap-${Math.random().toString(36).slice(2, 8)}`);
    await tapper.getByTestId("logout").tap();
    const asked = tapper.getByTestId("logout-dialog");
    await expect(asked).toContainText("Log out?");
    await asked.getByRole("button", { name: "Stay signed in" }).tap();
    await expect(asked).toHaveCount(0);
    await expect(tapper.getByTestId("login-screen")).toHaveCount(0);
    await tapper.getByTestId("logout").tap();
    await tapper.getByTestId("logout-confirm").tap();
    await expect(tapper.getByTestId("login-screen")).toBeVisible();
  } finally {
    await closeContext(browser, phone);
  }
});
