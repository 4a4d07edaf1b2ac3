// A private chat started with a user who is offline (never logged in), found by the start of their name: the
// message waits for them, they see it with its unread count at login, and the sender sees it delivered and seen.
import { RouteApi } from "@cim/client";
import { closeContext } from "./context-close.js";
import { conversation, expect, findUser, logIn, message, openDevice, PASSWORD, say, SCREENSHOTS, test } from "./fixtures.js";

test("a private chat with an offline user found by name prefix reaches them when they log in", async ({ newUser, browser, stack }) => {
  const alice = await newUser("alice");
  // Dave has an account but has never been online.
  const dave = `dave-${Math.random().toString(36).slice(2, 8)}`;
  await new RouteApi(stack.url).register(dave, PASSWORD);

  await alice.page.getByTestId("nav-new-chat").click();
  const dialog = alice.page.getByTestId("new-chat-dialog");
  const row = await findUser(alice.page, dave, dave.slice(0, 9));
  await expect(row).toHaveAttribute("data-online", "false");
  await expect(row).toContainText("offline");
  await alice.page.screenshot({ path: `${SCREENSHOTS}private-offline-search.png` });
  // The whole row is the button, name included: focused from the search field, Enter opens the chat.
  await alice.page.getByTestId("user-search-input").press("Tab");
  await expect(row.getByTestId("user-search-pick")).toBeFocused();
  await expect(row.getByTestId("user-search-pick")).toContainText(dave);
  await alice.page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(dave);
  // And so does a click on the name.
  await alice.page.getByTestId("nav-new-chat").click();
  await (await findUser(alice.page, dave)).getByText(dave, { exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(dave);
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · offline");
  await say(alice.page, "hello dave, for when you come online");
  await say(alice.page, "and a second one");
  await expect(message(alice.page, "and a second one")).toHaveAttribute("data-status", "sent");
  await expect(message(alice.page, "hello dave, for when you come online")).toHaveAttribute("data-status", "sent");

  // Dave logs in: the conversation is in his list with both messages unread.
  const { context, page } = await openDevice(browser, stack.url);
  try {
    await logIn(page, dave);
    await expect(conversation(page, alice.userName).getByTestId("unread-badge")).toHaveText("2");
    await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · online");
    await page.screenshot({ path: `${SCREENSHOTS}private-offline-dave-login.png` });
    await conversation(page, alice.userName).click();
    await expect(message(page, "hello dave, for when you come online")).toBeVisible();
    await expect(message(page, "and a second one")).toBeVisible();
    await expect(conversation(page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);

    // Alice sees both read, and Dave answers.
    await expect(message(alice.page, "and a second one")).toHaveAttribute("data-status", "seen");
    await expect(message(alice.page, "hello dave, for when you come online")).toHaveAttribute("data-status", "seen");
    await say(page, "hi alice, just got here");
    await expect(message(alice.page, "hi alice, just got here")).toBeVisible();
    await alice.page.screenshot({ path: `${SCREENSHOTS}private-offline-alice-seen.png` });
  } finally {
    await closeContext(browser, context);
  }
});
