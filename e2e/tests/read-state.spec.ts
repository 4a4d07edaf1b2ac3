// Read state kept by the server: unread counts survive a reload and a new login; "delivered" and "seen" marks stay
// after a reload and show on another device.
import type { Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { conversation, conversationKey, createRoom, expect, findUser, logIn, message, onlineUser, openDevice, say, SCREENSHOTS, setFocused, setHidden, test } from "./fixtures.js";

async function reloadOnline(page: Page): Promise<void> {
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
}

test("unread counts survive a reload and a new login; delivered and seen marks survive a reload and reach a new device", async ({ pair: { alice, bob }, browser, baseURL }) => {
  // Alice writes privately and in a room Bob is in, while Bob stays in Everyone.
  await onlineUser(alice.page, bob.userName).click();
  for (const text of ["unread one", "unread two", "unread three"]) await say(alice.page, text);
  await expect(message(alice.page, "unread three")).toHaveAttribute("data-status", "delivered");
  const roomId = await createRoom(alice.page, `Reads ${Math.random().toString(36).slice(2, 7)}`, "public");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  await say(alice.page, "room one");
  await say(alice.page, "room two");
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveText("2");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("3");

  // The counts come from the server: the same after a reload...
  await reloadOnline(bob.page);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("3");
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveText("2");
  await expect(bob.page).toHaveTitle(/^\(5\) CIM/);
  await bob.page.screenshot({ path: `${SCREENSHOTS}read-state-unread-after-reload.png` });

  // ...and after logging out and in again (the message cache deleted at logout).
  await bob.page.getByTestId("logout").click();
  await expect(bob.page.getByTestId("login-screen")).toBeVisible();
  await logIn(bob.page, bob.userName);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("3");
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveText("2");

  // Not read yet: after a reload Alice's messages are still marked delivered (receipts are told again at login).
  await reloadOnline(alice.page);
  await conversation(alice.page, bob.userName).click();
  for (const text of ["unread one", "unread two", "unread three"]) await expect(message(alice.page, text)).toHaveAttribute("data-status", "delivered");

  // Bob reads the private chat: Alice's messages are seen, and stay seen after her reload and on a new device.
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, "unread three")).toBeVisible();
  await conversation(alice.page, bob.userName).click();
  await expect(message(alice.page, "unread three")).toHaveAttribute("data-status", "seen");
  await expect(message(alice.page, "unread one")).toHaveAttribute("data-status", "seen");
  await reloadOnline(alice.page);
  await conversation(alice.page, bob.userName).click();
  for (const text of ["unread one", "unread two", "unread three"]) await expect(message(alice.page, text)).toHaveAttribute("data-status", "seen");
  await alice.page.screenshot({ path: `${SCREENSHOTS}read-state-seen-after-reload.png` });
  const { context: laptop, page } = await openDevice(browser, baseURL!);
  try {
    await logIn(page, alice.userName);
    await conversation(page, bob.userName).click();
    for (const text of ["unread one", "unread two", "unread three"]) await expect(message(page, text)).toHaveAttribute("data-status", "seen");
  } finally {
    await closeContext(browser, laptop);
  }

  // What Bob read stays read: after a reload only the room is unread.
  await reloadOnline(bob.page);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveText("2");
  await conversationKey(bob.page, roomId).click();
  await expect(message(bob.page, "room two")).toBeVisible();
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveCount(0);
  await reloadOnline(bob.page);
  await expect(bob.page.getByTestId("chat-screen").getByTestId("unread-badge")).toHaveCount(0);
});

test("a message that comes while the reader is scrolled up to older ones stays unread, not seen, under a New messages line, until they go down to it", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "first");
  await conversation(bob.page, alice.userName).click();
  // Bob reads along at the bottom: each note is seen as it comes.
  for (let i = 1; i <= 30; i++) await say(alice.page, `note ${i}`);
  await expect(message(alice.page, "note 30")).toHaveAttribute("data-status", "seen");
  // He scrolls up to read older ones; a new message comes below, out of his sight.
  const list = bob.page.getByTestId("message-list");
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(bob.page.getByTestId("jump-latest")).toBeVisible();
  await say(alice.page, "while you read");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  // The way down says how many wait there.
  await expect(bob.page.getByTestId("jump-latest")).toHaveText("Jump to latest · 1 new ↓");
  await expect(list.getByTestId("new-messages-divider")).toBeAttached();
  expect(await list.getByTestId("new-messages-divider").evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("while you read");
  await expect(message(alice.page, "while you read")).toHaveAttribute("data-status", "delivered");
  // Going down to it reads it.
  await bob.page.getByTestId("jump-latest").click();
  await expect(message(alice.page, "while you read")).toHaveAttribute("data-status", "seen");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);
});

test("what another device of the reader reads loses its New messages line here too, not only its count", async ({ pair: { alice, bob }, browser, baseURL }) => {
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "hello");
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, "hello")).toBeVisible();
  // Read once it showed (the list tells what is on screen the next frame).
  await expect(message(alice.page, "hello")).toHaveAttribute("data-status", "seen");
  // Bob's desktop tab is in the background with the chat open: what comes is unread there, under a line.
  await setHidden(bob.page, true);
  for (const text of ["while away 1", "while away 2"]) await say(alice.page, text);
  const list = bob.page.getByTestId("message-list");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("2");
  await expect(list.getByTestId("new-messages-divider")).toBeAttached();
  // He reads them on his phone.
  const { context: phone, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 } } });
  try {
    await logIn(page, bob.userName);
    await conversation(page, alice.userName).click();
    await expect(message(page, "while away 2")).toBeVisible();
    await expect(message(alice.page, "while away 2")).toHaveAttribute("data-status", "seen");
    // The desktop shows them read: no count, no line, before and after he looks at the tab again.
    await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveCount(0);
    await expect(list.getByTestId("new-messages-divider")).toHaveCount(0);
    await setHidden(bob.page, false);
    await expect(list.getByTestId("new-messages-divider")).toHaveCount(0);
  } finally {
    await closeContext(browser, phone);
  }
  // With the phone put away, a message read nowhere yet still gets its line.
  await setHidden(bob.page, true);
  await say(alice.page, "after the phone");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  await expect(list.getByTestId("new-messages-divider")).toBeAttached();
  expect(await list.getByTestId("new-messages-divider").evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("after the phone");
});

/** Alice deletes her message `text` (shown in her open conversation). */
async function deleteMessage(page: Page, text: string): Promise<void> {
  const shown = message(page, text);
  await shown.hover();
  await shown.getByTestId("action-delete").click();
  await page.getByTestId("delete-yes").click();
}

test("a message deleted while still unread no longer counts: live, after a reload, and its line goes to the next one", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  for (const text of ["oops wrong chat", "the real one", "also oops"]) await say(alice.page, text);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("3");
  await expect(bob.page).toHaveTitle(/^\(3\) CIM/);
  // Deleted live: the count and the title follow at once.
  await deleteMessage(alice.page, "oops wrong chat");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("2");
  await expect(bob.page).toHaveTitle(/^\(2\) CIM/);
  // Route counts the same after a reload, and after a deletion this page did not hear.
  await reloadOnline(bob.page);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("2");
  await deleteMessage(alice.page, "also oops");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  await reloadOnline(bob.page);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  await expect(bob.page).toHaveTitle(/^\(1\) CIM/);
  // Opened: "New messages" stands above the message still there, not above a deleted one.
  await conversation(bob.page, alice.userName).click();
  const divider = bob.page.getByTestId("message-list").getByTestId("new-messages-divider");
  await expect(divider).toBeAttached();
  expect(await divider.evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("the real one");
});

test("a chat opened with more unread than the screen holds is read as far as it is seen: the count, the sender's seen and Jump to latest follow", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  const notes = Array.from({ length: 40 }, (_, i) => `unseen ${String(i + 1).padStart(2, "0")}`);
  for (const note of notes) await say(alice.page, note);
  const badge = conversation(bob.page, alice.userName).getByTestId("unread-badge");
  await expect(badge).toHaveText("40");
  await expect(message(alice.page, "unseen 40")).toHaveAttribute("data-status", "delivered");

  // Opened at the first unread one: those on screen are read (the sender sees them "seen"), those below are not,
  // and the way down says how many wait there.
  await conversation(bob.page, alice.userName).click();
  await expect(message(alice.page, "unseen 01")).toHaveAttribute("data-status", "seen");
  await expect(badge).toHaveText(/^[1-3]\d?$/);
  const left = Number(await badge.textContent());
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(40);
  await expect(bob.page.getByTestId("jump-latest")).toHaveText(`Jump to latest · ${left} new ↓`);
  await expect(message(alice.page, "unseen 40")).toHaveAttribute("data-status", "delivered");

  // Scrolled down a little: the mark follows what came into view.
  await bob.page.getByTestId("message-list").evaluate((el) => el.scrollBy({ top: 200 }));
  await expect.poll(async () => Number((await badge.textContent()) || 0)).toBeLessThan(left);
  // Down to the newest: all read, seen by the sender.
  await bob.page.getByTestId("jump-latest").click();
  await expect(badge).toHaveCount(0);
  await expect(message(alice.page, "unseen 40")).toHaveAttribute("data-status", "seen");
});

test("what comes while the tab is hidden waits under its New messages line: back, only what shows is read", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "before");
  await conversation(bob.page, alice.userName).click();
  await expect(message(alice.page, "before")).toHaveAttribute("data-status", "seen");
  await setHidden(bob.page, true);
  for (let i = 1; i <= 40; i++) await say(alice.page, `away ${String(i).padStart(2, "0")}`);
  const badge = conversation(bob.page, alice.userName).getByTestId("unread-badge");
  await expect(badge).toHaveText("40");
  await setHidden(bob.page, false);
  // The line and the first that came are on screen; the newest are not, and stay unread and not seen.
  await expect(bob.page.getByTestId("new-messages-divider")).toBeInViewport();
  await expect(message(bob.page, "away 01")).toBeInViewport();
  await expect(message(alice.page, "away 01")).toHaveAttribute("data-status", "seen");
  await expect(message(alice.page, "away 40")).toHaveAttribute("data-status", "delivered");
  await expect(bob.page.getByTestId("jump-latest")).toContainText("new");
  await bob.page.getByTestId("jump-latest").click();
  await expect(badge).toHaveCount(0);
  await expect(message(alice.page, "away 40")).toHaveAttribute("data-status", "seen");
});

test("what comes while the window is visible but another has the focus stays unread, counted in the list and the title, until the user comes back to it", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "before");
  await conversation(bob.page, alice.userName).click();
  await expect(message(alice.page, "before")).toHaveAttribute("data-status", "seen");
  // Bob works in another window beside the chat: it stays visible, without the focus.
  await setFocused(bob.page, false);
  await say(alice.page, "while you work elsewhere");
  await expect(message(bob.page, "while you work elsewhere")).toBeInViewport();
  const badge = conversation(bob.page, alice.userName).getByTestId("unread-badge");
  await expect(badge).toHaveText("1");
  await expect(bob.page).toHaveTitle(/^\(1\) CIM/);
  await expect(message(alice.page, "while you work elsewhere")).toHaveAttribute("data-status", "delivered");
  // He comes back to the window: what is in view is read.
  await setFocused(bob.page, true);
  await expect(badge).toHaveCount(0);
  await expect(bob.page).toHaveTitle(/^CIM/);
  await expect(message(alice.page, "while you work elsewhere")).toHaveAttribute("data-status", "seen");
});
