// Every screen, light and dark: axe-core finds no serious or critical violation (at desktop width; the phone
// layout's own screens at phone width), and a screenshot of each, also at phone width, is written to
// screenshots/ui/ (committed, for people to look at). Touch screens: 44 px targets, and the list and the
// conversation as two screens (Back returns to the list); a tapped message's actions cover no reaction chip; at 375 px
// nothing scrolls sideways, and an on-screen keyboard keeps the composer and the newest message in view.
import { mkdirSync } from "node:fs";
import { RouteApi } from "@cim/client";
import type { Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { axeViolations, conversation, conversationKey, createRoom, expect, findUser, groupConversation, message, onlineUser, openDevice, PASSWORD, register, say, SCREENSHOTS, test } from "./fixtures.js";

const DIR = `${SCREENSHOTS}ui/`;
mkdirSync(DIR, { recursive: true });
const DESKTOP = { width: 1200, height: 760 };
const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 375, height: 740 };
const SCHEMES = ["light", "dark"] as const;

type Size = "desktop" | "phone";

/**
 * Checks the screen as it is now in both schemes (the system's, which the app follows) with axe at the first size,
 * and saves a screenshot for each size and scheme as `<name>-<size>-<scheme>.png`.
 */
async function screen(page: Page, name: string, sizes: Size[] = ["desktop", "phone"]): Promise<void> {
  for (const [i, size] of sizes.entries()) {
    await page.setViewportSize(size === "phone" ? PHONE : DESKTOP);
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
      if (i === 0) expect(await axeViolations(page), `${name} ${size} ${scheme}`).toEqual([]);
      await page.screenshot({ path: `${DIR}${name}-${size}-${scheme}.png` });
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
}

type Box = { x: number; y: number; width: number; height: number };

/** True when two boxes share some area (touching edges do not count). */
function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Opens a dialog with `button`, checks it, closes it with Escape. */
async function dialog(page: Page, button: string, testid: string, name: string): Promise<void> {
  await page.getByTestId(button).click();
  await expect(page.getByTestId(testid)).toBeVisible();
  await screen(page, name);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId(testid)).toBeHidden();
}

test("every screen passes axe (no serious or critical violation) in light and dark, and is photographed at desktop and phone width", async ({ pair: { alice, bob }, browser, stack }) => {
  test.setTimeout(240_000);
  // The login screen, both tabs; the arrow keys move between them.
  const guest = await openDevice(browser, stack.url, { context: { viewport: DESKTOP } });
  try {
    const page = guest.page;
    await expect(page.getByTestId("login-screen")).toBeVisible();
    await screen(page, "login");
    await page.getByTestId("login-mode-login").focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByTestId("login-mode-register")).toBeFocused();
    await expect(page.getByTestId("login-screen")).toHaveAttribute("data-mode", "register");
    await screen(page, "register", ["desktop"]);
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByTestId("login-mode-login")).toBeFocused();
    await expect(page.getByTestId("login-screen")).toHaveAttribute("data-mode", "login");
    await page.keyboard.press("End");
    await expect(page.getByTestId("login-mode-register")).toBeFocused();

    // The admin page: its token form, then the dashboard.
    await page.goto("/admin");
    await screen(page, "admin-login", ["desktop"]);
    await page.getByTestId("admin-token").fill(stack.adminToken);
    await page.getByTestId("admin-submit").click();
    await expect(page.getByTestId("admin-dashboard")).toBeVisible();
    await screen(page, "admin-dashboard");
    // At phone width a column hidden goes with its header: "Connections" used to stand over nothing, the counts under
    // "WebSocket URL".
    await page.setViewportSize(PHONE);
    const header = (await page.getByRole("columnheader", { name: "Connections" }).boundingBox())!;
    const count = (await page.getByTestId("admin-gateway-connections").first().boundingBox())!;
    expect([Math.round(count.x), Math.round(count.width)]).toEqual([Math.round(header.x), Math.round(header.width)]);
    // The chart's labels are as legible on a phone as on a desktop (drawn 900 units wide and scaled down, they were 5 px).
    const label = page.getByTestId("online-chart").locator("text", { hasText: "now" });
    await expect.poll(async () => (await label.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(12);
    await page.setViewportSize(DESKTOP);
    await expect.poll(async () => (await label.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(12);
  } finally {
    await closeContext(browser, guest.context);
  }

  // A conversation with some of everything: others' and own messages, markdown, a link, code, marks.
  const page = alice.page;
  await say(bob.page, "Hi all! The **release** notes are at https://example.com/notes");
  await say(page, "Thanks — I'll read them _today_. The flag is `--fast`.");
  await say(bob.page, "Example:\n```\nnpm run build -w @cim/web\n```");
  await expect(page.getByTestId("message").filter({ hasText: "npm run build" })).toBeVisible();
  await screen(page, "chat-everyone");
  await onlineUser(page, bob.userName).click();
  await say(page, "Lunch at noon?");
  await conversation(bob.page, alice.userName).click();
  await say(bob.page, "Sure.");
  await expect(message(page, "Sure.")).toBeVisible();
  await expect(message(page, "Lunch at noon?")).toHaveAttribute("data-status", /delivered|seen/);
  await screen(page, "chat-private");

  await dialog(page, "nav-new-room", "create-room-dialog", "dialog-create-room");
  await dialog(page, "nav-browse-rooms", "room-directory-dialog", "dialog-room-directory");
  await dialog(page, "nav-new-chat", "new-chat-dialog", "dialog-new-chat");
  await dialog(page, "settings-button", "settings-dialog", "dialog-settings");
  await createRoom(page, `Design ${Math.random().toString(36).slice(2, 6)}`, "private");
  await page.getByTestId("room-invite-button").click();
  await findUser(page, bob.userName);
  await screen(page, "dialog-invite", ["desktop"]);
  await page.keyboard.press("Escape");
  await dialog(page, "room-members-button", "members-dialog", "dialog-members");
  await dialog(page, "room-leave-button", "leave-room-dialog", "dialog-leave-room");

  // Bob, with unread messages waiting: the list, and the conversation on its own screen at phone width.
  await conversationKey(bob.page, "everyone").click();
  await conversation(page, bob.userName).click();
  await say(page, "Are you coming on Friday?");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("1");
  await bob.page.setViewportSize(PHONE);
  await bob.page.getByTestId("back-to-list").click();
  await expect(bob.page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
  await screen(bob.page, "phone-list", ["phone"]);
  await conversation(bob.page, alice.userName).click();
  await expect(bob.page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");
  await screen(bob.page, "phone-conversation", ["phone"]);
});

test("on a touch phone: the list and the conversation are two screens with a back button, and every target is at least 44 px", async ({ browser, stack }) => {
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: PHONE, hasTouch: true, isMobile: true } });
  try {
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    await register(page, `tess-${Math.random().toString(36).slice(2, 8)}`);
    const targets = async () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>("button, a[href], input, textarea, [role=tab]"))
          // Checkboxes and radios are 24 px inside a 44 px label; links inside a sentence are exempt (WCAG 2.5.8).
          .filter((el) => el.offsetParent !== null && !(el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")) && !el.closest('[data-testid="message-text"]'))
          // A target's size: its box, or the hit area its ::before draws around it (a sender's name over a message).
          .map((el) => {
            const box = el.getBoundingClientRect();
            const area = getComputedStyle(el, "::before");
            const drawn = area.content !== "none" && area.position === "absolute";
            const size = (own: number, before: string) => Math.round(drawn ? Math.max(own, parseFloat(before) || 0) : own);
            return { what: el.dataset.testid ?? el.textContent?.trim().slice(0, 20) ?? el.tagName, width: size(box.width, area.width), height: size(box.height, area.height) };
          })
          // Wide as well as high: the back arrow, the bell and the gear were 29-39 px wide.
          .filter((t) => t.height < 44 || t.width < 44),
      );

    // The list fills the screen; the conversation is hidden until one is chosen.
    const shell = page.getByTestId("chat-screen");
    await expect(shell).toHaveAttribute("data-view", "list");
    await expect(page.getByTestId("conversation-item").first()).toBeVisible();
    await expect(page.getByTestId("composer-input")).toBeHidden();
    expect(await targets()).toEqual([]);

    // Messages that arrive while the list is shown (sent from another device of hers, through route) are in
    // Everyone, whose message list is hidden; opened, it shows the newest of them.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token: string }).token);
    const api = new RouteApi(stack.url);
    for (let i = 0; i < 25; i++) await api.sendMessage(token, { text: `from elsewhere ${i}` });
    await expect(page.getByTestId("conversation-item").first().getByTestId("conversation-preview")).toContainText("from elsewhere 24");

    await page.getByTestId("conversation-item").first().tap();
    await expect(shell).toHaveAttribute("data-view", "conversation");
    await expect(page.getByTestId("conversation-item").first()).toBeHidden();
    await expect(page.getByTestId("composer-input")).toBeVisible();
    await expect(page.getByTestId("back-to-list")).toBeVisible();
    await expect(message(page, "from elsewhere 24")).toBeInViewport();
    // No on-screen keyboard before the user taps the message box.
    await expect(page.getByTestId("composer-input")).not.toBeFocused();
    await say(page, "from my phone");
    expect(await targets()).toEqual([]);
    // A tapped message's actions too (Reply, React, Edit, Delete were 28-43 px wide).
    await message(page, "from my phone").getByTestId("message-text").tap();
    await expect(message(page, "from my phone").getByTestId("message-actions")).toHaveCSS("opacity", "1");
    expect(await targets()).toEqual([]);
    await message(page, "from my phone").getByTestId("message-text").tap();

    // A tapped message's actions (44 px high here) sit clear of the reaction chips, its own and the next message's,
    // in light and dark, and those chips still take a tap.
    const rex = `rex-${Math.random().toString(36).slice(2, 8)}`;
    await api.register(rex, PASSWORD);
    const rexToken = (await api.login(rex, PASSWORD)).token;
    for (const text of ["the upper one", "the lower one"]) {
      const { msgId } = await api.sendMessage(rexToken, { text });
      await api.sendMessage(token, { text: "👍", reactTo: msgId, reaction: "👍" });
    }
    const [upper, lower] = [message(page, "the upper one"), message(page, "the lower one")];
    await expect(lower.getByTestId("reaction-chip")).toHaveText("👍 1");
    // Where a finger lands on the text, as a person taps: nothing may be in the way there.
    const text = (await upper.getByTestId("message-text").boundingBox())!;
    const below = async () => (await lower.boundingBox())!.y - (await upper.boundingBox())!.y;
    const belowBefore = await below();
    await page.touchscreen.tap(text.x + text.width / 2, text.y + text.height / 2);
    const bar = upper.getByTestId("message-actions");
    await expect(bar).toHaveCSS("opacity", "1");
    // The bar floats over the list: the next message stays where it was under the tapped one (it pushed it down before).
    expect(await below(), "the next message moved when the actions opened").toBe(belowBefore);
    await expect(page.getByTestId("reply-bar")).toHaveCount(0);
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const barBox = (await bar.boundingBox())!;
      for (const chip of [upper.getByTestId("reaction-chip"), lower.getByTestId("reaction-chip")]) {
        expect(overlap(barBox, (await chip.boundingBox())!), `the actions cover a chip (${scheme})`).toBe(false);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    await lower.getByTestId("reaction-chip").tap();
    await expect(lower.getByTestId("reaction-chip")).toHaveCount(0);
    // An action done lets the message go: its bar, floating over the message before (and that one's chips), stayed
    // after a reaction was picked or a reply started, until the message was tapped again. React only opens the picker.
    await bar.getByTestId("action-react").tap();
    await expect(bar.getByTestId("reaction-picker")).toBeVisible();
    await bar.locator('[data-testid="reaction-choice"][data-emoji="❤️"]').tap();
    await expect(upper.getByTestId("reaction-chip")).toContainText("❤️");
    await expect(bar).toHaveCSS("opacity", "0");
    const lowerText = (await lower.getByTestId("message-text").boundingBox())!;
    await page.touchscreen.tap(lowerText.x + lowerText.width / 2, lowerText.y + lowerText.height / 2);
    await expect(lower.getByTestId("message-actions")).toHaveCSS("opacity", "1");
    await lower.getByTestId("action-reply").tap();
    await expect(page.getByTestId("reply-bar")).toContainText("the lower one");
    await expect(lower.getByTestId("message-actions")).toHaveCSS("opacity", "0");
    await page.getByTestId("reply-cancel").tap();

    // At 375 px a long link and a long word wrap: nothing scrolls sideways.
    await page.setViewportSize(SMALL_PHONE);
    await say(page, `https://example.com/${"a".repeat(300)}`);
    await say(page, "x".repeat(600));
    await say(page, "the newest");
    await expect(message(page, "the newest")).toBeInViewport();
    const sideways = () => page.evaluate(() => [document.documentElement, document.querySelector('[data-testid="message-list"]')!].map((el) => el.scrollWidth - el.clientWidth));
    expect(await sideways()).toEqual([0, 0]);
    // Nor up and down: the page is the screen and only its lists scroll (the announcer's hidden line once sat below
    // it, so a jump to a message slid the whole app up by a pixel).
    expect(await page.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight)).toBe(0);
    // The on-screen keyboard shrinks the page (interactive-widget=resizes-content): the composer and the newest
    // message stay in view.
    expect(await page.locator('meta[name="viewport"]').getAttribute("content")).toContain("interactive-widget=resizes-content");
    await page.getByTestId("composer-input").focus();
    await page.setViewportSize({ width: SMALL_PHONE.width, height: 400 });
    await expect(page.getByTestId("composer-input")).toBeInViewport();
    await expect(message(page, "the newest")).toBeInViewport();
    expect(await sideways()).toEqual([0, 0]);
    // Offline, the longer state wraps in its badge: Log out stays on the bar's first row (the bar does not jump).
    const logoutTop = async () => Math.round((await page.getByTestId("logout").boundingBox())!.y);
    const online = await logoutTop();
    await phone.setOffline(true);
    await expect(page.getByTestId("connection-state")).toContainText("no network");
    expect(await logoutTop()).toBeLessThan(online + 20);
    await phone.setOffline(false);
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
    await page.setViewportSize(PHONE);

    // The phone's (browser's) Back returns to the list rather than leaving the app; Forward comes back.
    await page.goBack();
    await expect(shell).toHaveAttribute("data-view", "list");
    await expect(page.getByTestId("conversation-item").first()).toBeVisible();
    await page.goForward();
    await expect(shell).toHaveAttribute("data-view", "conversation");
    await page.getByTestId("back-to-list").tap();
    await expect(shell).toHaveAttribute("data-view", "list");
    await expect(page.getByTestId("conversation-item").first()).toBeVisible();
    // A reload shows the screen it showed: the list (not the conversation behind it), or the conversation, which
    // Back still leaves for the list.
    await page.reload();
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
    await expect(shell).toHaveAttribute("data-view", "list");
    await page.getByTestId("conversation-item").first().tap();
    await page.reload();
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
    await expect(shell).toHaveAttribute("data-view", "conversation");
    await page.goBack();
    await expect(shell).toHaveAttribute("data-view", "list");
    await page.getByTestId("settings-button").tap();
    await expect(page.getByTestId("settings-dialog")).toBeVisible();
    expect(await targets()).toEqual([]);
    await page.keyboard.press("Escape");

    // At 375 px a room's header has Members, Invite and Leave beside its title: the title is still shown whole.
    await page.setViewportSize(SMALL_PHONE);
    await createRoom(page, `Lunch club ${Math.random().toString(36).slice(2, 6)}`, "public");
    const title = page.getByTestId("conversation-title");
    expect(await title.evaluate((el) => [el.scrollWidth - el.clientWidth, el.scrollHeight - el.clientHeight])).toEqual([0, 0]);
    expect(await targets()).toEqual([]);
    // A room named with the longest name allowed takes two lines at most there (it took six), cut with an ellipsis (its
    // button is a 44 px target, taller than two lines).
    await page.getByTestId("back-to-list").tap();
    await createRoom(page, `The extraordinarily long room name for weekly planning ${Math.random().toString(36).slice(2, 8)}`, "private");
    const lineHeight = await title.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect((await title.boundingBox())!.height).toBeLessThanOrEqual(Math.max(44, 2 * lineHeight + 1));
    // Leaving it goes back to the list, not to Everyone's conversation in its place.
    await page.getByTestId("room-leave-button").tap();
    await page.getByTestId("leave-confirm").tap();
    await expect(shell).toHaveAttribute("data-view", "list");
  } finally {
    await closeContext(browser, phone);
  }
});

test("on a phone, Back with a dialog open closes the dialog and leaves the conversation shown; Back again returns to the list", async ({ browser, stack }) => {
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: PHONE, hasTouch: true, isMobile: true } });
  try {
    const peer = `cal-${Math.random().toString(36).slice(2, 8)}`;
    await new RouteApi(stack.url).register(peer, PASSWORD);
    await register(page, `bea-${Math.random().toString(36).slice(2, 8)}`);
    const shell = page.getByTestId("chat-screen");
    await groupConversation(page).click();
    await expect(shell).toHaveAttribute("data-view", "conversation");
    await page.getByTestId("settings-button").click();
    await expect(page.getByTestId("settings-dialog")).toBeVisible();
    // The keyboard shortcuts are folded on a touch screen: the account's settings come right after the blocked users.
    await expect(page.getByTestId("settings-keys")).toHaveJSProperty("open", false);
    // Unfolded, they say what Enter does here: a new line (the message box sends with its Send button), not "Send".
    await page.getByTestId("settings-keys").locator("summary").click();
    await expect(page.getByTestId("settings-keys").locator("dd").first()).toHaveText("New line (the Send button sends)");
    await page.getByTestId("settings-keys").locator("summary").click();
    await expect(page.getByTestId("settings-account")).toBeInViewport();
    await page.goBack();
    await expect(page.getByTestId("settings-dialog")).toBeHidden();
    await expect(shell).toHaveAttribute("data-view", "conversation");
    await page.goBack();
    await expect(shell).toHaveAttribute("data-view", "list");

    // Over the list too: Back closes the dialog and the app stays (it left the app, the dialog had no entry to take).
    await page.getByTestId("settings-button").click();
    await expect(page.getByTestId("settings-dialog")).toBeVisible();
    await page.goBack();
    await expect(page.getByTestId("settings-dialog")).toBeHidden();
    await expect(shell).toHaveAttribute("data-view", "list");
    // Closed with Escape, its entry goes too; a chat started from a dialog takes the dialog's entry: Back from it
    // returns to the list, and Back again leaves the app, as without the dialogs.
    await page.getByTestId("settings-button").click();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("settings-dialog")).toBeHidden();
    await page.getByTestId("nav-new-chat").click();
    await (await findUser(page, peer)).getByTestId("user-search-pick").click();
    await expect(shell).toHaveAttribute("data-view", "conversation");
    // The focus is on the chat's messages (not the page's body, nor the message box: no keyboard opens), and Back
    // gives it to the chat's line in the list.
    await expect(page.getByTestId("message-list")).toBeFocused();
    await expect(page.getByTestId("message-list")).toHaveAccessibleName(`Messages in ${peer}`);
    await page.goBack();
    await expect(shell).toHaveAttribute("data-view", "list");
    await expect(conversation(page, peer)).toBeFocused();
    await page.goBack();
    await expect(page).toHaveURL("about:blank");
  } finally {
    await closeContext(browser, phone);
  }
});

test("at desktop width a room's name in the conversation list is whole beside its private and muted tags and its time; a truly long one ends in an ellipsis", async ({ browser, stack }) => {
  const { context, page } = await openDevice(browser, stack.url, { context: { viewport: DESKTOP } });
  try {
    await register(page, `lena-${Math.random().toString(36).slice(2, 8)}`);
    /** Whether the element's text is cut (ellipsized): wider than its box. */
    const cut = (name: ReturnType<typeof page.locator>) => name.evaluate((el) => el.scrollWidth > el.clientWidth);
    const name = `Team zebra ${Math.random().toString(36).slice(2, 6)}`;
    const roomId = await createRoom(page, name, "private");
    await say(page, "hello team");
    await expect(message(page, "hello team")).toHaveAttribute("data-status", "sent");
    await page.getByTestId("mute-button").click();
    const item = conversationKey(page, roomId);
    await expect(item.getByTestId("muted-tag")).toBeVisible();
    await expect(item.getByText("private", { exact: true })).toBeVisible();
    await expect(item.getByTestId("conversation-time")).toBeVisible();
    const title = item.getByTestId("conversation-name");
    await expect(title).toHaveText(name);
    expect(await cut(title)).toBe(false);

    const long = `Quarterly planning and budget review, north ${Math.random().toString(36).slice(2, 6)}`;
    const longId = await createRoom(page, long, "private");
    await say(page, "a long name");
    const longItem = conversationKey(page, longId);
    await expect(longItem.getByTestId("conversation-time")).toBeVisible();
    expect(await cut(longItem.getByTestId("conversation-name"))).toBe(true);
    // The time stays whole and inside the line.
    expect(await cut(longItem.getByTestId("conversation-time"))).toBe(false);
    const [line, time] = [await longItem.boundingBox(), await longItem.getByTestId("conversation-time").boundingBox()];
    expect(time!.x + time!.width).toBeLessThanOrEqual(line!.x + line!.width);
  } finally {
    await closeContext(browser, context);
  }
});

test("on a phone, the room directory shows a room's name whole, its owner and member count on the line below", async ({ browser, stack }) => {
  const { context, page } = await openDevice(browser, stack.url, { context: { viewport: DESKTOP } });
  try {
    const owner = `theodora-${Math.random().toString(36).slice(2, 8)}`;
    await register(page, owner);
    const name = `Weekend plans ${Math.random().toString(36).slice(2, 6)}`;
    await createRoom(page, name, "public");
    await page.setViewportSize(PHONE);
    await page.getByTestId("back-to-list").click();
    await page.getByTestId("nav-browse-rooms").click();
    const directory = page.getByTestId("room-directory-dialog");
    await directory.getByTestId("room-directory-search").fill(name);
    const item = directory.locator(`[data-testid="room-directory-item"][data-name="${name}"]`);
    const title = item.getByTestId("room-directory-name");
    await expect(title).toHaveText(name);
    await expect(item.getByTestId("room-directory-owner")).toHaveText(`by ${owner}`);
    await expect(item).toContainText("1 member");
    // Whole: not cut to "We…" beside "by theodora-…" and "1 member", as it was.
    expect(await title.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    await page.screenshot({ path: `${SCREENSHOTS}room-directory-phone.png` });
  } finally {
    await closeContext(browser, context);
  }
});
