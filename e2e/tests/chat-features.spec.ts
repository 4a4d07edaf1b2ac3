// Chat features between two browsers on different gateways: typing indicators, edit and delete of own messages,
// reply with a quote, search whose result opens the conversation at the message (older history loaded), and
// blocking a user (also seen at once on the user's other device).
import { RouteApi } from "@cim/client";
import type { Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { conversation, expect, expectOnline, gatewayOf, groupConversation, logIn, message, onlineUser, openDevice, recordNotifications, say, SCREENSHOTS, setHidden, shownNotifications, test } from "./fixtures.js";

/** The session token of the user signed in on `page` (from its sessionStorage login). */
function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
}

test("a quote, the reply bar, a notification and the announcement show a message's words without markdown's marks", async ({ pair: { alice, bob } }) => {
  // ux23: the message showed "hi bob, welcome! bold" while the quote of it said "hi bob, welcome! **bold**" (the list's
  // preview and search left the marks out already); a notification and the screen reader's line read them out too.
  await recordNotifications(bob.context);
  await bob.page.reload();
  await expectOnline(bob.page);
  const typed = "see **the plan** in `notes.md`, [the doc](https://example.com/doc) ~~today~~";
  const read = "see the plan in notes.md, the doc today";
  await onlineUser(alice.page, bob.userName).click();
  await setHidden(bob.page, true);
  await say(alice.page, typed);
  await expect.poll(() => shownNotifications(bob.page)).toEqual([{ title: `\u2068${alice.userName}\u2069`, body: read }]);
  await expect(bob.page.getByTestId("announcer")).toHaveText(`${alice.userName}: ${read}`);
  await setHidden(bob.page, false);

  await conversation(bob.page, alice.userName).click();
  const original = bob.page.getByTestId("message").filter({ hasText: "the plan" });
  await expect(original.locator("strong")).toHaveText("the plan");
  await original.hover();
  await original.getByTestId("action-reply").click();
  await expect(bob.page.getByTestId("reply-bar-text")).toHaveText(read);
  await say(bob.page, "on it");
  await expect(message(bob.page, "on it").getByTestId("reply-quote-text")).toHaveText(read);
  await expect(message(alice.page, "on it").getByTestId("reply-quote-text")).toHaveText(read);
});

test("typing, edit, delete and reply reach the other browser on the other gateway", async ({ pair }) => {
  const { alice, bob } = pair;
  const tag = Math.random().toString(36).slice(2, 8);

  // Typing: bob types, alice sees it; it lapses a few seconds after the last keystroke.
  await bob.page.getByTestId("composer-input").fill("thinking");
  await expect(alice.page.getByTestId("typing-indicator")).toHaveText(`${bob.userName} is typing…`);
  await alice.page.screenshot({ path: `${SCREENSHOTS}chat-typing.png` });
  await expect(alice.page.getByTestId("typing-indicator")).toHaveText("", { timeout: 10_000 });
  await bob.page.getByTestId("composer-input").fill("");
  // Each tab asks the gateway for the typing of the conversation it shows: opening another one asks for that one.
  await onlineUser(alice.page, bob.userName).click();
  await onlineUser(bob.page, alice.userName).click();
  // A private Typing goes only between users who have a conversation: alice writes first.
  await say(alice.page, `hi bob ${tag}`);
  await expect(message(bob.page, `hi bob ${tag}`)).toBeVisible();
  await bob.page.getByTestId("composer-input").fill("and you?");
  await expect(alice.page.getByTestId("typing-indicator")).toHaveText(`${bob.userName} is typing…`);
  await bob.page.getByTestId("composer-input").fill("");
  await groupConversation(alice.page).click();
  await groupConversation(bob.page).click();

  // Edit: alice fixes her message; bob sees the new text, marked edited.
  await say(alice.page, `helo bob ${tag}`);
  await expect(message(bob.page, `helo bob ${tag}`)).toBeVisible();
  const own = message(alice.page, `helo bob ${tag}`);
  await expect(own).toHaveAttribute("data-status", /sent|delivered|seen/);
  await own.hover();
  await own.getByTestId("action-edit").click();
  await alice.page.getByTestId("edit-input").fill(`hello bob ${tag}`);
  await alice.page.getByTestId("edit-save").click();
  await expect(message(alice.page, `hello bob ${tag}`).getByTestId("message-edited")).toBeVisible();
  await expect(message(bob.page, `hello bob ${tag}`).getByTestId("message-edited")).toHaveText("(edited)");
  await expect(message(bob.page, `helo bob ${tag}`)).toHaveCount(0);
  // Only one's own messages can be edited.
  await message(bob.page, `hello bob ${tag}`).hover();
  await expect(message(bob.page, `hello bob ${tag}`).getByTestId("action-edit")).toHaveCount(0);

  // Reply: bob quotes alice's message; alice sees the quote with its author and text.
  await message(bob.page, `hello bob ${tag}`).getByTestId("action-reply").click();
  await expect(bob.page.getByTestId("reply-bar")).toContainText(`hello bob ${tag}`);
  await say(bob.page, `hi alice ${tag}`);
  await expect(bob.page.getByTestId("reply-bar")).toHaveCount(0);
  const reply = message(alice.page, `hi alice ${tag}`);
  // Her own message quoted is "You" to her, as in any chat app; bob sees her name.
  await expect(reply.getByTestId("reply-quote-author")).toHaveText("You");
  await expect(reply.getByTestId("reply-quote-text")).toHaveText(`hello bob ${tag}`);
  await expect(message(bob.page, `hi alice ${tag}`).getByTestId("reply-quote-author")).toHaveText(alice.userName);
  // Quoting herself, the bar above her composer says so.
  await message(alice.page, `hello bob ${tag}`).hover();
  await message(alice.page, `hello bob ${tag}`).getByTestId("action-reply").click();
  await expect(alice.page.getByTestId("reply-bar-author")).toHaveText("yourself");
  await alice.page.getByTestId("reply-cancel").click();
  await alice.page.screenshot({ path: `${SCREENSHOTS}chat-reply-edited.png` });

  // Delete: alice deletes her message; both see "message deleted", and the quote says so too, also in the reply
  // bob has begun to it meanwhile.
  await message(bob.page, `hello bob ${tag}`).getByTestId("action-reply").click();
  await expect(bob.page.getByTestId("reply-bar-text")).toHaveText(`hello bob ${tag}`);
  const edited = message(alice.page, `hello bob ${tag}`);
  const msgId = await edited.getAttribute("data-msg-id");
  await edited.hover();
  // From the keyboard: the confirmation takes the focus, Keep gives it back to Delete, and after the deletion the
  // composer has it.
  await edited.getByTestId("action-delete").click();
  await expect(alice.page.getByTestId("delete-yes")).toBeFocused();
  await alice.page.getByTestId("delete-keep").click();
  await expect(edited.getByTestId("action-delete")).toBeFocused();
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByTestId("delete-yes")).toBeFocused();
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByTestId("composer-input")).toBeFocused();
  for (const page of [alice.page, bob.page]) {
    await expect(page.locator(`[data-testid="message"][data-msg-id="${msgId}"] [data-testid="message-text"]`)).toHaveText("message deleted");
  }
  // Her deleted message shows no "sent" or "seen" under "message deleted", as WhatsApp shows none.
  await expect(alice.page.locator(`[data-testid="message"][data-msg-id="${msgId}"] [data-testid="message-status"]`)).toHaveCount(0);
  await expect(message(bob.page, `hi alice ${tag}`).getByTestId("reply-quote-text")).toHaveText("message deleted");
  await expect(bob.page.getByTestId("reply-bar-text")).toHaveText("message deleted");
  await bob.page.getByTestId("reply-cancel").click();
  await bob.page.screenshot({ path: `${SCREENSHOTS}chat-deleted.png` });

  // A reload shows the same, from history and the cache.
  await bob.page.reload();
  await expect(bob.page.locator(`[data-testid="message"][data-msg-id="${msgId}"] [data-testid="message-text"]`)).toHaveText("message deleted");
  await alice.page.reload();
  const deletedOwn = alice.page.locator(`[data-testid="message"][data-msg-id="${msgId}"]`);
  await expect(deletedOwn.getByTestId("message-text")).toHaveText("message deleted");
  await expect(deletedOwn.getByTestId("message-status")).toHaveCount(0);
  expect(alice.dialogs).toEqual([]);
});

test("search finds a message older than the first history page and opens the conversation at it", async ({ newUser, stack }) => {
  const alice = await newUser("alice");
  const tag = Math.random().toString(36).slice(2, 8);
  const api = new RouteApi(stack.url);
  const token = await tokenOf(alice.page);
  await api.sendMessage(token, { text: `the needle ${tag}` });
  for (let i = 0; i < 40; i++) await api.sendMessage(token, { text: `hay ${tag} ${i}` });

  // Carol arrives later: her Everyone shows the newest page only.
  const carol = await newUser("carol");
  await expect(message(carol.page, `hay ${tag} 39`)).toBeVisible();
  await expect(message(carol.page, `the needle ${tag}`)).toHaveCount(0);
  await carol.page.getByTestId("search-input").fill(`NEEDLE ${tag}`);
  const result = carol.page.getByTestId("search-result");
  await expect(result).toHaveCount(1);
  await expect(result).toContainText(alice.userName);
  await carol.page.screenshot({ path: `${SCREENSHOTS}chat-search.png` });
  // A click elsewhere puts the results away, as any dropdown (they stayed over the conversation); back in the box,
  // they show again.
  await carol.page.getByTestId("me-name").click();
  await expect(carol.page.getByTestId("search-results")).toBeHidden();
  await carol.page.getByTestId("search-input").click();
  // Down from the box reaches the result (as in any search list), Up goes back; Enter on it opens it.
  await carol.page.keyboard.press("ArrowDown");
  await expect(result).toBeFocused();
  await carol.page.keyboard.press("ArrowUp");
  await expect(carol.page.getByTestId("search-input")).toBeFocused();
  await carol.page.keyboard.press("ArrowDown");
  await carol.page.keyboard.press("Enter");
  const found = message(carol.page, `the needle ${tag}`);
  // The highlight lasts 2.5 s from when the message is there: checked first, so a slow scroll cannot outlast it.
  await expect(found).toHaveClass(/highlight/);
  await expect(found).toBeInViewport();
  await expect(carol.page.getByTestId("message-list")).toHaveAttribute("data-key", "everyone");

  // Her own message found says "You", as the list's preview and a quote of it do.
  await say(carol.page, `my own needle ${tag}`);
  await expect(message(carol.page, `my own needle ${tag}`)).toHaveAttribute("data-status", /sent|delivered|seen/);
  await carol.page.getByTestId("search-input").fill(`own needle ${tag}`);
  await expect(result).toHaveCount(1);
  await expect(result.locator("strong").first()).toHaveText("You");
  await expect(result).toContainText("You in Everyone");
});

test("blocking: the header's Block (confirmed) replaces the composer with a line and Unblock; the blocked user's sends fail, its room messages are collapsed (in the list too, and never read out)", async ({ pair: { alice, bob } }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, `before the block ${tag}`);
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, `before the block ${tag}`)).toBeVisible();

  // From the keyboard: Block opens the confirmation, whose Cancel has the focus.
  await alice.page.getByTestId("block-button").focus();
  await alice.page.keyboard.press("Enter");
  const dialog = alice.page.getByTestId("block-user-dialog");
  await expect(dialog).toBeVisible();
  // Cancelled while Blocking… (route's answer held): the block still happens, and its end leaves alone the Settings
  // dialog opened meanwhile.
  let answer = () => {};
  const held = new Promise<void>((resolve) => (answer = resolve));
  await alice.page.route("**/api/blocks/*", async (route) => {
    await held;
    await route.continue();
  });
  await dialog.getByTestId("block-confirm").click();
  await expect(dialog.getByTestId("block-confirm")).toHaveText("Blocking…");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await alice.page.getByTestId("settings-button").click();
  const settings = alice.page.getByTestId("settings-dialog");
  await expect(settings).toBeVisible();
  answer();
  await expect(alice.page.getByTestId("blocked-notice")).toContainText(`You blocked ${bob.userName}`);
  await expect(settings.getByTestId("blocked-user")).toHaveText([new RegExp(bob.userName)]);
  await expect(settings).toBeVisible();
  await alice.page.unrouteAll({ behavior: "wait" });
  await alice.page.getByTestId("settings-done").click();
  await expect(alice.page.getByTestId("composer-input")).toHaveCount(0);
  await expect(alice.page.getByTestId("unblock-button")).toBeVisible();

  await say(bob.page, `let me write ${tag}`);
  const refused = message(bob.page, `let me write ${tag}`);
  await expect(refused.getByTestId("message-failure")).toHaveText("This user does not accept your messages.");
  // A Retry would be refused the same way: only Delete is offered.
  await expect(refused.getByTestId("action-discard")).toBeVisible();
  await expect(refused.getByTestId("action-retry")).toHaveCount(0);
  await groupConversation(bob.page).click();
  await say(bob.page, `@${alice.userName} in the room ${tag}`);
  // Collapsed in the list too, even mentioning alice: no preview of its text, no unread count, no "@", nothing read out.
  const everyone = groupConversation(alice.page);
  await expect(everyone.getByTestId("conversation-preview")).toHaveText("Message from a blocked user");
  await expect(everyone.getByTestId("unread-badge")).toHaveCount(0);
  await expect(everyone.getByTestId("mention-badge")).toHaveCount(0);
  await expect(alice.page.getByTestId("announcer")).not.toContainText(tag);
  await everyone.click();
  const collapsed = alice.page.getByTestId("blocked-message").last();
  await expect(collapsed).toContainText("Message from a blocked user");
  await collapsed.getByRole("button", { name: "Show the message from a blocked user" }).click();
  await expect(alice.page.getByTestId("message-list")).toContainText(`in the room ${tag}`);

  // Settings list bob; the chat's line unblocks, and messages flow again.
  await alice.page.getByTestId("settings-button").click();
  await expect(alice.page.getByTestId("blocked-user")).toHaveText([new RegExp(bob.userName)]);
  await alice.page.getByTestId("settings-done").click();
  await conversation(alice.page, bob.userName).click();
  // The header's Unblock with the network gone: the chat's blocked line says why nothing changed.
  await alice.context.setOffline(true);
  await alice.page.getByTestId("unblock-button").click();
  await expect(alice.page.getByTestId("blocked-notice").getByRole("alert")).not.toBeEmpty();
  await alice.context.setOffline(false);
  await expect(alice.page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
  await alice.page.getByTestId("blocked-notice-unblock").click();
  await expect(alice.page.getByTestId("blocked-notice")).toBeHidden();
  await say(alice.page, `after the unblock ${tag}`);
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, `after the unblock ${tag}`)).toBeVisible();
});

test("a block in one browser shows at once on the user's other device, and an unblock there comes back", async ({ pair: { alice, bob }, browser, baseURL }) => {
  // Alice's other device: a browser of its own (no storage shared), on the other gateway.
  const { context: other, page: device } = await openDevice(browser, baseURL!);
  try {
    await logIn(device, alice.userName);
    for (let attempt = 0; attempt < 4 && (await gatewayOf(device)) === (await gatewayOf(alice.page)); attempt++) await device.reload();
    expect(await gatewayOf(device)).not.toBe(await gatewayOf(alice.page));
    for (const page of [alice.page, device]) await onlineUser(page, bob.userName).click();
    await expect(device.getByTestId("composer-input")).toBeVisible();

    await alice.page.getByTestId("block-button").click();
    await alice.page.getByTestId("block-confirm").click();
    await expect(alice.page.getByTestId("blocked-notice")).toBeVisible();
    // The keyboard's focus is back on the button, now Unblock (it was left on the page's body).
    await expect(alice.page.getByTestId("unblock-button")).toBeFocused();
    await expect(device.getByTestId("blocked-notice")).toContainText(`You blocked ${bob.userName}`);
    await expect(device.getByTestId("composer-input")).toHaveCount(0);
    // The device's Unblock fails offline and its line says why; the unblock made on the first device then ends that
    // reason, so the block made again there shows none.
    await other.setOffline(true);
    await device.getByTestId("blocked-notice-unblock").click();
    await expect(device.getByTestId("blocked-notice").getByRole("alert")).not.toBeEmpty();
    await other.setOffline(false);
    await expect(device.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
    await alice.page.getByTestId("blocked-notice-unblock").click();
    await expect(device.getByTestId("composer-input")).toBeVisible();
    await alice.page.getByTestId("block-button").click();
    await alice.page.getByTestId("block-confirm").click();
    await expect(device.getByTestId("blocked-notice")).toBeVisible();
    await expect(device.getByTestId("blocked-notice").getByRole("alert")).toHaveCount(0);

    // Unblocked from the device's Settings: the row and its button go, and the keyboard's focus stays in the dialog.
    await device.getByTestId("settings-button").click();
    await device.getByTestId("blocked-user").getByRole("button", { name: `Unblock ${bob.userName}` }).press("Enter");
    await expect(device.getByTestId("blocked-heading")).toBeFocused();
    await device.keyboard.press("Escape");
    await expect(device.getByTestId("composer-input")).toBeVisible();
    await expect(alice.page.getByTestId("blocked-notice")).toHaveCount(0);
    await expect(alice.page.getByTestId("composer-input")).toBeVisible();
  } finally {
    await closeContext(browser, other);
  }
});

test("a search result from a private chat names its writer once ('bob', not 'bob in bob'); one's own says where it went", async ({ pair: { alice, bob } }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, `private needle ${tag}`);
  await conversation(bob.page, alice.userName).click();
  await say(bob.page, `private answer needle ${tag}`);
  await bob.page.getByTestId("search-input").fill(`needle ${tag}`);
  const results = bob.page.getByTestId("search-result");
  await expect(results).toHaveCount(2);
  const heads = await results.locator(".head").allInnerTexts();
  expect(heads.find((h) => h.startsWith(alice.userName))).not.toContain(" in ");
  // Bob's own: "You in alice", as chat apps name one's own messages.
  expect(heads.find((h) => h.startsWith("You"))).toContain(`You in ${alice.userName}`);
});
