// The account in the settings: changing the password signs out the user's other windows (their logins end), and
// "Sign out other devices" does the same without a new password; the window that did it stays signed in. Deleting
// the account signs out every window, this one too.
import type { Browser, Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { createRoom, expect, expectOnline, logIn, message, onlineUser, openDevice, PASSWORD, say, SCREENSHOTS, test } from "./fixtures.js";

const NEW_PASSWORD = "cim-changed-pass-2";

/** A second browser context (another device) logged in as `userName`; the caller closes it with closeContext. */
async function otherDevice(browser: Browser, baseURL: string, userName: string, password = PASSWORD): Promise<Page> {
  const { context, page } = await openDevice(browser, baseURL);
  try {
    await logIn(page, userName, password);
  } catch (error) {
    await closeContext(browser, context);
    throw error;
  }
  return page;
}

async function openAccountSettings(page: Page) {
  await page.getByTestId("settings-button").click();
  const dialog = page.getByTestId("settings-dialog");
  await expect(dialog.getByTestId("settings-account")).toBeVisible();
  await expect(dialog.getByTestId("settings-keys")).toHaveJSProperty("open", true); // unfolded with a mouse and keyboard
  await expect(dialog.getByTestId("settings-keys").locator("dd").first()).toHaveText("Send");
  return dialog;
}

test("changing the password signs out the other device; the old password then fails and the new one logs in", async ({ newUser, browser, stack }) => {
  const alice = await newUser("alice");
  const device = await otherDevice(browser, stack.url, alice.userName);
  try {
    // Half a message typed on the other device, in a room it shows: its sign-out must lose neither.
    const room = `notes-${Math.random().toString(36).slice(2, 8)}`;
    await createRoom(device, room, "private");
    await device.getByTestId("composer-input").fill("half a thought");
    const dialog = await openAccountSettings(alice.page);
    const fill = async (current: string, next: string, confirm = next) => {
      await dialog.getByTestId("current-password").fill(current);
      await dialog.getByTestId("new-password").fill(next);
      await dialog.getByTestId("confirm-password").fill(confirm);
      await dialog.getByTestId("change-password-submit").click();
    };

    // Route's reason is shown: a wrong current password, a weak new one; and a mistyped confirmation.
    await fill("not-my-password", NEW_PASSWORD);
    // Right under the form it is about, not below "Sign out other devices".
    await expect(dialog.getByTestId("change-password").getByTestId("account-error")).toHaveText("The current password is wrong.");
    // The keyboard's focus stays on the button while route answers (it is not disabled under it).
    await expect(dialog.getByTestId("change-password-submit")).toBeFocused();
    await fill(PASSWORD, "short");
    await expect(dialog.getByTestId("account-error")).toContainText("at least 8 characters");
    await fill(PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    await expect(dialog.getByTestId("account-error")).toHaveText("The new passwords do not match.");
    // The same password again would change nothing but sign out the other device: said before anything is sent.
    await fill(PASSWORD, PASSWORD);
    await expect(dialog.getByTestId("account-error")).toHaveText("The new password is the same as the current one: choose another.");
    await expect(device.getByTestId("connection-state")).toHaveAttribute("data-state", "online");

    await fill(PASSWORD, NEW_PASSWORD);
    await expect(dialog.getByTestId("account-done")).toContainText("Password changed");
    await expect(dialog.getByTestId("account-error")).toHaveCount(0);
    // The emptied form's button is disabled: the message has the focus instead of the page's body.
    await expect(dialog.getByTestId("account-done")).toBeFocused();
    await alice.page.screenshot({ path: `${SCREENSHOTS}settings-password-changed.png` });

    // The other device is signed out, and told why (not that its session "expired"); this one stays.
    await expect(device.getByTestId("login-screen")).toBeVisible();
    await expect(device.getByTestId("login-error")).toContainText("ended on another device");
    // Whose login ended is offered again: the name is filled in and the password is next.
    await expect(device.getByTestId("login-username")).toHaveValue(alice.userName);
    await expect(device.getByTestId("login-password")).toBeFocused();
    // Why it was signed out stays while the password is typed (only a refused submit's error goes at the next edit).
    await device.getByTestId("login-password").pressSequentially("x");
    await expect(device.getByTestId("login-error")).toContainText("ended on another device");
    await dialog.getByTestId("settings-done").click();
    await expectOnline(alice.page);

    await device.getByTestId("login-mode-login").click();
    await device.getByTestId("login-username").fill(alice.userName);
    await device.getByTestId("login-password").fill(PASSWORD);
    await device.getByTestId("login-submit").click();
    await expect(device.getByTestId("login-error")).toHaveText("Wrong user name or password.");
    // The button was busy (disabled) meanwhile: the focus goes back to the password, selected, to type it again.
    await expect(device.getByTestId("login-password")).toBeFocused();
    expect(await device.getByTestId("login-password").evaluate((el: HTMLInputElement) => el.selectionEnd! - el.selectionStart!)).toBe(PASSWORD.length);
    // Typing it again takes the error away.
    await device.getByTestId("login-password").pressSequentially("y");
    await expect(device.getByTestId("login-error")).toHaveCount(0);
    await logIn(device, alice.userName, NEW_PASSWORD);
    // Logged in again, it shows the room it showed (it opened Everyone, the draft out of sight).
    await expect(device.getByTestId("conversation-title")).toHaveText(room);
    await expect(device.getByTestId("composer-input")).toHaveValue("half a thought");
  } finally {
    await closeContext(browser, device.context());
  }
});

test("\"Sign out other devices\" ends the other device's login and keeps this one; \"Delete my account\" ends them all", async ({ newUser, browser, stack }) => {
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const device = await otherDevice(browser, stack.url, bob.userName);
  try {
    // Carol has a private chat with bob open, and it reaches him.
    await onlineUser(carol.page, bob.userName).click();
    await say(carol.page, "hi bob");
    await expect(message(carol.page, "hi bob")).toHaveAttribute("data-status", /sent|delivered|seen/);
    const dialog = await openAccountSettings(bob.page);
    await dialog.getByTestId("sign-out-others").click();
    await expect(dialog.getByTestId("account-done")).toHaveText("Signed out 1 device.");
    await expect(dialog.getByTestId("sign-out-others")).toBeFocused();
    await expect(device.getByTestId("login-screen")).toBeVisible();
    // Pressed again, with no other device signed in: it says so.
    await dialog.getByTestId("sign-out-others").click();
    await expect(dialog.getByTestId("account-done")).toHaveText("No other devices were signed in.");
    await expect(device.getByTestId("login-error")).toContainText("ended on another device");
    // A reload does not bring it back: its stored login is refused.
    await device.reload();
    await expect(device.getByTestId("login-screen")).toBeVisible();
    await dialog.getByTestId("settings-done").click();
    await expectOnline(bob.page);
    await logIn(device, bob.userName);

    // Deleting the account asks the password again; then this window is signed out, and the name logs in no more.
    const again = await openAccountSettings(bob.page);
    await again.getByTestId("delete-password").fill("not-my-password");
    await again.getByTestId("delete-account-submit").click();
    await expect(again.getByTestId("delete-account").getByTestId("account-error")).toHaveText("The password is wrong.");
    await expectOnline(bob.page);
    await again.getByTestId("delete-password").fill(PASSWORD);
    await again.getByTestId("delete-account-submit").click();
    await expect(bob.page.getByTestId("login-screen")).toBeVisible();
    await expect(bob.page.getByTestId("login-error")).toContainText("Your account was deleted");
    // The other device, signed in again, is told the same (it said "your session has expired or was ended").
    await expect(device.getByTestId("login-screen")).toBeVisible();
    await expect(device.getByTestId("login-error")).toHaveText("Your account was deleted. Your messages stay with those you wrote to.");
    await device.getByTestId("login-mode-login").click();
    await device.getByTestId("login-username").fill(bob.userName);
    await device.getByTestId("login-password").fill(PASSWORD);
    await device.getByTestId("login-submit").click();
    await expect(device.getByTestId("login-error")).toHaveText("Wrong user name or password.");
    // Carol's open chat with him says at once that he is gone, in place of the message box: he went offline, and
    // route no longer knows the account when asked when he was last seen. What was said stays.
    await expect(carol.page.getByTestId("peer-gone-notice")).toHaveText(`${bob.userName}'s account no longer exists: messages to them cannot be sent.`);
    await expect(carol.page.getByTestId("composer-input")).toHaveCount(0);
    await expect(message(carol.page, "hi bob")).toBeVisible();
    // After a reload the chat says it at once, before any send: its history tells that the peer is gone.
    await carol.page.reload();
    await expect(message(carol.page, "hi bob")).toBeVisible();
    await expect(carol.page.getByTestId("peer-gone-notice")).toHaveText(`${bob.userName}'s account no longer exists: messages to them cannot be sent.`);
    await expect(carol.page.getByTestId("composer-input")).toHaveCount(0);
  } finally {
    await closeContext(browser, device.context());
  }
});
