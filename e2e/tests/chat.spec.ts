// Two users in two browser contexts on different gateways: group and private chat, presence, unread, receipts (delivered, seen).
import { conversation, expect, gatewayOf, groupConversation, message, onlineUser, say, SCREENSHOTS, test } from "./fixtures.js";

test("two users on different gateways chat in the group and privately", async ({ pair: { alice, bob } }) => {
  expect(await gatewayOf(alice.page)).not.toBe(await gatewayOf(bob.page));

  // The online list shows both, live from presence.
  for (const { page } of [alice, bob]) {
    await expect(onlineUser(page, alice.userName)).toBeVisible();
    await expect(onlineUser(page, bob.userName)).toBeVisible();
  }

  // Group messages both ways; own messages are marked sent once acknowledged.
  await say(alice.page, "hello everyone from alice");
  await expect(message(bob.page, "hello everyone from alice")).toBeVisible();
  await expect(message(bob.page, "hello everyone from alice").getByTestId("message-sender")).toHaveText(alice.userName);
  await expect(message(alice.page, "hello everyone from alice")).toHaveAttribute("data-status", "sent");
  await say(bob.page, "hi alice, bob here");
  await expect(message(alice.page, "hi alice, bob here")).toBeVisible();

  // Alice opens a private conversation by clicking Bob in the online list.
  await onlineUser(alice.page, bob.userName).click();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await say(alice.page, "a private word, bob");
  // Bob stays in the group: the private conversation appears with an unread count.
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  await expect(message(alice.page, "a private word, bob")).toHaveAttribute("data-status", "delivered");

  // Bob answers privately; Alice's group conversation counts a new group message as unread.
  await conversation(bob.page, alice.userName).click();
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);
  await expect(message(bob.page, "a private word, bob")).toBeVisible();
  // Opening it marked it read: Alice sees her message seen.
  await expect(message(alice.page, "a private word, bob")).toHaveAttribute("data-status", "seen");
  await say(bob.page, "private reply to alice");
  await expect(message(alice.page, "private reply to alice")).toBeVisible();
  // Alice has the conversation open, so the reply is read as it arrives.
  await expect(message(bob.page, "private reply to alice")).toHaveAttribute("data-status", "seen");

  await groupConversation(bob.page).click();
  await say(bob.page, "back in the group");
  await expect(groupConversation(alice.page).getByTestId("unread-badge")).toHaveText("1");
  await say(bob.page, "and once more");
  await expect(groupConversation(alice.page).getByTestId("unread-badge")).toHaveText("2");

  await alice.page.screenshot({ path: `${SCREENSHOTS}chat-alice-private.png` });
  await groupConversation(alice.page).click();
  await expect(message(alice.page, "and once more")).toBeVisible();
  await alice.page.screenshot({ path: `${SCREENSHOTS}chat-alice-group.png` });
  await bob.page.screenshot({ path: `${SCREENSHOTS}chat-bob.png` });
});

test("login screen explains a taken name and a wrong password", async ({ page, newUser }) => {
  const { userName } = await newUser("carol");
  await page.goto("/");
  await page.getByTestId("login-mode-register").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill("cim-test-pass-1");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("already taken");

  await page.getByTestId("login-mode-login").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill("wrong-password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("Wrong user name or password");
  await page.screenshot({ path: `${SCREENSHOTS}login-error.png` });
});

test("registration asks for 8 characters and the login screen shows the server's reasons: weak password, lockout", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("login-mode-register").click();
  await expect(page.getByTestId("login-password")).toHaveAttribute("minlength", "8");
  await expect(page.getByTestId("password-hint")).toContainText("at least 8 characters");
  // The browser itself refuses a short password before asking the server.
  let registers = 0;
  await page.route("**/api/register", (route) => {
    registers++;
    return route.fulfill({ status: 400, json: { error: { code: "weak_password", message: "that password is on a list of common passwords" } } });
  });
  await page.getByTestId("login-username").fill(`erin-${Math.random().toString(36).slice(2, 8)}`);
  await page.getByTestId("login-password").pressSequentially("short1");
  await page.getByTestId("login-submit").click();
  expect(await page.getByTestId("login-password").evaluate((input: HTMLInputElement) => input.validity.tooShort)).toBe(true);
  expect(registers).toBe(0);
  // A long but common password: route's weak_password answer is shown in its own words.
  await page.getByTestId("login-password").fill("password123");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("That password is on a list of common passwords");
  // And route's own answer to a common password, in its words.
  await page.unroute("**/api/register");
  await page.getByTestId("login-password").fill("password123");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("most common");

  // Logging in is not held to the new rule (older accounts), and a lockout says how long to wait.
  await page.getByTestId("login-mode-login").click();
  await expect(page.getByTestId("login-password")).not.toHaveAttribute("minlength", /.*/);
  await page.route("**/api/login", (route) =>
    route.fulfill({ status: 429, headers: { "retry-after": "42" }, json: { error: { code: "rate_limited", message: "too many failed logins: try again in 42 s" } } }),
  );
  await page.getByTestId("login-password").fill("cim-test-pass-1");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("Try again in 42 seconds");
  await page.screenshot({ path: `${SCREENSHOTS}login-rate-limited.png` });
});
