// Two users in two browser contexts on different gateways: group and private chat, presence, unread, receipts.
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
  await say(bob.page, "private reply to alice");
  await expect(message(alice.page, "private reply to alice")).toBeVisible();
  await expect(message(bob.page, "private reply to alice")).toHaveAttribute("data-status", "delivered");

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
