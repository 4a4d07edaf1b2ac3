// A newcomer's first steps, where they used to stumble: a user name with a space or an e-mail address (the server's
// rule came back as "userName: userName may hold ..."), Enter in the user search (did nothing), and an empty room
// directory that said "Create one!" with no way to; a notice "ann added you to …" that offered only Dismiss.
import { closeContext } from "./context-close.js";
import { conversationKey, createRoom, expect, expectOnline, findUser, logIn, message, openDevice, PASSWORD, say, setHidden, test } from "./fixtures.js";
import type { Page, Request } from "@playwright/test";
import { RouteApi } from "@cim/client";

test("registering a name route would refuse says what to change, before anything is sent", async ({ page }) => {
  const registrations: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/register")) registrations.push(request.postData() ?? "");
  });
  await page.goto("/");
  // Landmarks for screen readers (axe's moderate rules): the login form is the page's main part, and the signed-in page
  // has one level-one heading.
  await expect(page.getByRole("main")).toContainText("User name");
  await page.getByTestId("login-mode-register").click();
  await page.getByTestId("login-password").fill(PASSWORD);
  await page.getByTestId("login-username").fill("Ann Smith");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toHaveText("A user name cannot contain spaces: try “Ann.Smith”.");
  // An edit takes the error away: it spoke of what was typed before (a taken name stayed "taken" over a free one).
  await page.getByTestId("login-username").fill("ann@example.com");
  await expect(page.getByTestId("login-error")).toHaveCount(0);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("not an e-mail address");
  expect(registrations).toEqual([]);

  const userName = `Ann.Smith-${Math.random().toString(36).slice(2, 8)}`;
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("me-name")).toHaveText(userName);
  expect(registrations).toHaveLength(1);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("CIM");
});

test("a phone's keyboard neither capitalises nor corrects the user name typed at registration", async ({ browser, baseURL }) => {
  // ux23: on a phone the name field took the keyboard's defaults, so "ann" became "Ann" (shown to everyone as typed,
  // route keeps names as typed) or a corrected word; the password field already said no.
  const { context, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await page.getByTestId("login-mode-register").click();
    const name = page.getByTestId("login-username");
    await expect(name).toHaveAttribute("autocapitalize", "none");
    await expect(name).toHaveAttribute("autocorrect", "off");
    await expect(name).toHaveAttribute("spellcheck", "false");
    // What the keyboard reads: the element's own properties, not only the markup.
    expect(await name.evaluate((input: HTMLInputElement) => [input.autocapitalize, input.spellcheck])).toEqual(["none", false]);
  } finally {
    await closeContext(browser, context);
  }
});

test("Enter in the user search opens the chat with the name typed, and invites it to a room", async ({ newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const { page } = ann;
  // Enter, then Escape before the search answered: the chat the user turned away from does not open afterwards. The
  // answers wait until the dialog is closed (a delay could pass before a slow machine presses Enter, which would then
  // take the typing's answer at once).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/users?**", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId("nav-new-chat").click();
  await page.getByTestId("user-search-input").fill(bob.userName);
  const answered = page.waitForResponse((response) => response.url().includes(`prefix=${bob.userName}`));
  await page.getByTestId("user-search-input").press("Enter");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("new-chat-dialog")).toBeHidden();
  release();
  await (await answered).finished();
  await page.unrouteAll({ behavior: "wait" }); // the only route: waits for the answers under way
  // The answer has been handed to the page; one frame later whatever it was going to do is done.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(page.getByTestId("conversation-title")).toHaveText("Everyone");
  await expect(page.getByTestId("chat-list").getByTestId("conversation-item")).toHaveCount(0);

  await page.getByTestId("nav-new-chat").click();
  await findUser(page, bob.userName);
  // Typed in other letters' case, and pressed at once: the search for exactly this text is asked first.
  await page.getByTestId("user-search-input").fill(bob.userName.toUpperCase());
  await page.getByTestId("user-search-input").press("Enter");
  await expect(page.getByTestId("new-chat-dialog")).toBeHidden();
  await expect(page.getByTestId("conversation-title")).toHaveText(bob.userName);

  await page.getByTestId("nav-new-room").click();
  await page.getByTestId("create-room-name").fill("first hour");
  await page.getByTestId("create-room-private").check();
  await page.getByTestId("create-room-submit").click();
  await expect(page.getByTestId("conversation-title")).toHaveText("first hour");
  // Searches answered slower than the pause before a search: the one Enter asks for is overtaken by the one the
  // typing asks for, and Enter must still invite.
  await page.route("**/api/users?**", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 700));
    await route.continue();
  });
  await page.getByTestId("room-invite-button").click();
  await page.getByTestId("user-search-input").fill(bob.userName);
  await page.getByTestId("user-search-input").press("Enter");
  await expect(page.getByTestId("user-search-done")).toHaveText("Invited");
  await page.unroute("**/api/users?**");
  await expect(bob.page.locator('[data-testid="conversation-item"][data-title="first hour"]')).toBeVisible();
  // Asked again, the dialog says Bob is in already instead of offering to invite him once more.
  await page.getByTestId("dialog-close").click();
  await page.getByTestId("room-invite-button").click();
  const row = await findUser(page, bob.userName);
  await expect(row.getByTestId("user-search-marked")).toHaveText("Member");
  await expect(row.getByTestId("user-search-pick")).toHaveCount(0);
});

test("an empty room directory offers to create a room; while route has not answered it says it is searching", async ({ newUser }) => {
  const { page } = await newUser("cleo");
  // Route's answers held (slow, frozen or unreachable): the dialog showed only its search field, blank.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/rooms\/public/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId("nav-browse-rooms").click();
  const directory = page.getByTestId("room-directory-dialog");
  await expect(directory.getByTestId("room-directory-searching")).toHaveText("Searching…");
  release();
  await expect(directory.getByTestId("room-directory-searching")).toHaveCount(0);
  await directory.getByTestId("room-directory-search").fill(`no-such-room-${Math.random().toString(36).slice(2, 8)}`);
  await directory.getByTestId("room-directory-create").click();
  await expect(directory).toBeHidden();
  const create = page.getByTestId("create-room-dialog");
  await expect(create).toBeVisible();
  await expect(create.getByTestId("create-room-name")).toBeFocused();
});

test("the password can be shown to check it before creating the account", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("login-mode-register").click();
  const password = page.getByTestId("login-password");
  await password.fill("my new passphrase");
  await expect(password).toHaveAttribute("type", "password");
  const show = page.getByRole("button", { name: "Show password" });
  await show.click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(show).toHaveAttribute("aria-pressed", "true");
  await expect(password).toHaveValue("my new passphrase");
  await show.click();
  await expect(password).toHaveAttribute("type", "password");
});

test("Enter in the room directory joins the room whose name was typed", async ({ newUser }) => {
  const dora = await newUser("dora");
  const name = `Walkers ${Math.random().toString(36).slice(2, 8)}`;
  const roomId = await createRoom(dora.page, name, "public");
  const { page } = await newUser("eli");
  // Answers slower than the pause before a search: the one Enter asks for is overtaken by the one the typing asks
  // for, and Enter must still join. Those of the first dialog wait until it is closed.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/rooms/public?**", async (route) => {
    await held;
    await new Promise((resolve) => setTimeout(resolve, 700));
    await route.continue();
  });
  // Enter, then Escape before the search answered: no join afterwards.
  const joins: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/join")) joins.push(request.url());
  });
  // The searches that went out (the typing's, Enter's) until each settled: answered, or dropped with the dialog.
  const searches = new Map<Request, boolean>();
  page.on("request", (request) => void (request.url().includes("/api/rooms/public?prefix=") && searches.set(request, false)));
  const settle = (request: Request) => void (searches.has(request) && searches.set(request, true));
  page.on("requestfinished", settle);
  page.on("requestfailed", settle);
  await page.getByTestId("nav-browse-rooms").click();
  await page.getByTestId("room-directory-search").fill(name.toLowerCase());
  await page.getByTestId("room-directory-search").press("Enter");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("room-directory-dialog")).toBeHidden();
  release();
  await expect.poll(() => [...searches.values()].every(Boolean)).toBe(true);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  expect(joins).toEqual([]);

  await page.getByTestId("nav-browse-rooms").click();
  await page.getByTestId("room-directory-search").fill(name.toLowerCase());
  await page.getByTestId("room-directory-search").press("Enter");
  await expect(page.getByTestId("room-directory-dialog")).toBeHidden();
  await page.unrouteAll({ behavior: "wait" }); // the only route: waits for the answers under way
  await expect(page.getByTestId("conversation-title")).toHaveText(name);
  await expect(page.getByTestId("message-list")).toHaveAttribute("data-key", roomId);
});

test("the login screen puts the cursor where the user types first: the password after logging out (the name filled in), the user name at a first visit", async ({ newUser }) => {
  const { page, userName } = await newUser("newt");
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-username")).toHaveValue(userName);
  await expect(page.getByTestId("login-password")).toBeFocused();
  // A reload after it is a first visit: nothing filled in.
  await page.reload();
  await expect(page.getByTestId("login-username")).toHaveValue("");
  await expect(page.getByTestId("login-username")).toBeFocused();
  await page.keyboard.type("someone");
  await expect(page.getByTestId("login-username")).toHaveValue("someone");
});

test("registering without a network says so, and the message goes once the network is back; then it works", async ({ page, context }) => {
  await page.goto("/");
  await page.getByTestId("login-mode-register").click();
  await page.getByTestId("login-username").fill(`net-${Math.random().toString(36).slice(2, 8)}`);
  await page.getByTestId("login-password").fill(PASSWORD);
  await context.setOffline(true);
  await page.getByTestId("login-submit").click();
  // Not "the server cannot be reached": the device has no network, and the user can do something about that.
  await expect(page.getByTestId("login-error")).toHaveText("No network: connect to the internet, then try again.");
  await context.setOffline(false);
  await expect(page.getByTestId("login-error")).toHaveCount(0);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
});

test("a room just created offers to invite people where its messages will be, not only 'Say hello!' to nobody; once someone is in, it says so", async ({ newUser }) => {
  const ann = await newUser("ann");
  const ben = await newUser("ben");
  await createRoom(ann.page, `Crew ${Math.random().toString(36).slice(2, 7)}`, "private");
  const list = ann.page.getByTestId("message-list");
  await expect(list.getByRole("status")).toHaveText("No messages yet. Invite people to this room, or say hello.");
  await list.getByRole("button", { name: "Invite people" }).click();
  const invite = ann.page.getByTestId("invite-dialog");
  await expect(invite.getByTestId("user-search-input")).toBeFocused();
  const row = await findUser(ann.page, ben.userName);
  await row.getByTestId("user-search-pick").click();
  await expect(row.getByTestId("user-search-done")).toHaveText("Invited");
  await ann.page.keyboard.press("Escape");
  // Ben is in now: the room no longer asks for people, it says who is there to greet.
  await expect(list.getByRole("status")).toHaveText("No messages yet. 1 other member is here: say hello!");
  // A private chat has its two people already: no invitation offered there.
  await ann.page.getByTestId("online-search").fill(ben.userName);
  await ann.page.locator(`[data-testid="online-user"][data-user-name="${ben.userName}"]`).click();
  await expect(ann.page.getByTestId("message-list").getByRole("status")).toHaveText("No messages yet. Say hello!");
  await expect(ann.page.getByTestId("empty-room-invite")).toHaveCount(0);
});

test("a second tab of a signed-in user offers their name with the cursor on the password, not a blank form; after a logout new tabs start blank", async ({ newUser }) => {
  const { page, context, userName } = await newUser("tabby");
  const second = await context.newPage();
  await second.goto("/");
  await expect(second.getByTestId("login-username")).toHaveValue(userName);
  await expect(second.getByTestId("login-password")).toBeFocused();
  await second.keyboard.type(PASSWORD);
  await second.keyboard.press("Enter");
  await expect(second.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
  // Logged out (asked for): a new tab of this device no longer names anyone.
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  const third = await context.newPage();
  await third.goto("/");
  await expect(third.getByTestId("login-screen")).toBeVisible();
  await expect(third.getByTestId("login-username")).toHaveValue("");
});

test("'ann added you to …' opens the room from the notice, and goes once the room was read on another device", async ({ browser, stack, newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const invite = (name: string) => privateRoomWith(ann.page, name, bob.userName);
  const notice = bob.page.locator('[data-testid="room-notice"][aria-label="Notice"]');
  // The notice named the room, and the only thing it offered was Dismiss: the room had to be found in the list.
  const first = `Book club ${Math.random().toString(36).slice(2, 6)}`;
  const firstId = await invite(first);
  await expect(notice).toContainText(`${ann.userName} added you to ${first}`);
  await notice.getByRole("button", { name: "Open" }).click();
  await expect(bob.page.getByTestId("conversation-title")).toHaveText(first);
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", firstId);
  await expect(notice).toHaveCount(0);
  await expect(bob.page.getByTestId("composer-input")).toBeFocused();

  // Read on his phone, the room is no news on his desktop either (it said so there until dismissed by hand).
  const second = `Walks ${Math.random().toString(36).slice(2, 6)}`;
  const secondId = await invite(second);
  await expect(notice).toContainText(`${ann.userName} added you to ${second}`);
  await say(ann.page, "first walk on Sunday");
  await expect(conversationKey(bob.page, secondId).getByTestId("unread-badge")).toHaveText("1");
  const phone = await openDevice(browser, stack.url);
  try {
    await phone.page.setViewportSize({ width: 390, height: 844 });
    await logIn(phone.page, bob.userName);
    await conversationKey(phone.page, secondId).click();
    await expect(message(phone.page, "first walk on Sunday")).toBeVisible();
    await expect(conversationKey(bob.page, secondId).getByTestId("unread-badge")).toHaveCount(0);
    await expect(notice).toHaveCount(0);
  } finally {
    await closeContext(browser, phone.context);
  }
});

test("a room one was added to while signed out everywhere is told at the next login: 'ann added you to …' with Open", async ({ newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  // Bob logs out: no tab of his hears the invitation.
  await bob.page.getByTestId("logout").click();
  await expect(bob.page.getByTestId("login-screen")).toBeVisible();
  const name = `Quiet room ${Math.random().toString(36).slice(2, 6)}`;
  const roomId = await createRoom(ann.page, name, "private");
  await ann.page.getByTestId("room-invite-button").click();
  await (await findUser(ann.page, bob.userName)).getByTestId("user-search-pick").click();
  await ann.page.keyboard.press("Escape");

  // At his next login the empty room is not just there in the list: he is told who added him, as when online.
  await logIn(bob.page, bob.userName);
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  const notice = bob.page.locator('[data-testid="room-notice"][aria-label="Notice"]');
  await expect(notice).toContainText(`${ann.userName} added you to ${name}`);
  await notice.getByRole("button", { name: "Open" }).click();
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", roomId);
  await expect(notice).toHaveCount(0);
  // Opened once, it is no news: a reload and another login here say nothing more of it.
  await bob.page.reload();
  await expectOnline(bob.page);
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  await expect(notice).toHaveCount(0);
});

test("every room one was added to while away is told in one line, on a device's first sign-in too, but not one read on another device", async ({ browser, stack, newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  // Bob logs out: no tab of his hears the invitations. His desktop has listed his rooms before (Everyone only).
  await bob.page.getByTestId("logout").click();
  await expect(bob.page.getByTestId("login-screen")).toBeVisible();
  const suffix = Math.random().toString(36).slice(2, 6);
  const names = [`Trips ${suffix}`, `Books ${suffix}`, `Garden ${suffix}`];
  const ids: string[] = [];
  for (const name of names) {
    ids.push(await createRoom(ann.page, name, "private"));
    await ann.page.getByTestId("room-invite-button").click();
    await (await findUser(ann.page, bob.userName)).getByTestId("user-search-pick").click();
    await ann.page.keyboard.press("Escape");
  }
  await say(ann.page, "seeds are in");
  const notice = (page: typeof bob.page) => page.locator('[data-testid="room-notice"][aria-label="Notice"]');

  // His phone, signed in for the first time: all three (it told nothing at a device's first list), the newest opens.
  const phone = await openDevice(browser, stack.url);
  try {
    await logIn(phone.page, bob.userName);
    await expect(notice(phone.page)).toContainText(`${ann.userName} added you to ${names[0]}, ${names[1]} and ${names[2]}`);
    await notice(phone.page).getByRole("button", { name: "Open" }).click();
    await expect(phone.page.getByTestId("message-list")).toHaveAttribute("data-key", ids[2]!);
    await expect(message(phone.page, "seeds are in")).toBeVisible();
    // Route has his read (what another device's list says) before the phone goes.
    const api = new RouteApi(stack.url);
    const token = (await api.login(bob.userName, PASSWORD)).token;
    await expect.poll(async () => (await api.conversations(token)).conversations.find((c) => c.conversation === ids[2])?.unread).toBe(0);
  } finally {
    await closeContext(browser, phone.context);
  }

  // Back at his desktop: the two rooms he has not seen, both (only the newest was told), not the one read on the phone.
  await logIn(bob.page, bob.userName);
  await expect(conversationKey(bob.page, ids[2]!)).toBeVisible();
  await expect(notice(bob.page)).toContainText(`${ann.userName} added you to ${names[0]} and ${names[1]}`);
  await expect(notice(bob.page)).not.toContainText(names[2]!);
  await notice(bob.page).getByRole("button", { name: "Open" }).click();
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", ids[1]!);
});

test("an empty room opened on one device is no news on a new device, while one added since and not opened still is", async ({ browser, stack, newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const invite = (name: string) => privateRoomWith(ann.page, name, bob.userName);
  const notice = (page: typeof bob.page) => page.locator('[data-testid="room-notice"][aria-label="Notice"]');
  const suffix = Math.random().toString(36).slice(2, 6);
  const [opened, later] = [`Empty ${suffix}`, `Later ${suffix}`];
  // Added while at his desktop, he opens the room: nobody has written there, so there is nothing to read past.
  const openedId = await invite(opened);
  await expect(notice(bob.page)).toContainText(`${ann.userName} added you to ${opened}`);
  await notice(bob.page).getByRole("button", { name: "Open" }).click();
  await expect(bob.page.getByTestId("message-list")).toHaveAttribute("data-key", openedId);
  // A second room he leaves unopened.
  await invite(later);
  await expect(notice(bob.page)).toContainText(`${ann.userName} added you to ${later}`);

  // His phone's first sign-in tells the room he has not looked at, not the one he opened on the desktop.
  const phone = await openDevice(browser, stack.url);
  try {
    await logIn(phone.page, bob.userName);
    await expect(conversationKey(phone.page, openedId)).toBeVisible();
    await expect(notice(phone.page)).toContainText(`${ann.userName} added you to ${later}`);
    await expect(notice(phone.page)).not.toContainText(opened);
  } finally {
    await closeContext(browser, phone.context);
  }
});

test("'… added you to' an empty room leaves the desktop once the room was opened on the phone, when the user comes back to the desktop", async ({ browser, stack, newUser }) => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const notice = (page: typeof bob.page) => page.locator('[data-testid="room-notice"][aria-label="Notice"]');
  const name = `Empty ${Math.random().toString(36).slice(2, 6)}`;
  const phone = await openDevice(browser, stack.url);
  try {
    await logIn(phone.page, bob.userName);
    await expectOnline(phone.page);
    // Both of Bob's devices hear that Ann added him to a room nobody has written in.
    const roomId = await privateRoomWith(ann.page, name, bob.userName);
    await expect(notice(bob.page)).toContainText(`${ann.userName} added you to ${name}`);
    await expect(notice(phone.page)).toContainText(`${ann.userName} added you to ${name}`);
    // He steps away from the desktop and opens the room on his phone; route keeps that it was opened.
    await setHidden(bob.page, true);
    await notice(phone.page).getByRole("button", { name: "Open" }).click();
    await expect(phone.page.getByTestId("message-list")).toHaveAttribute("data-key", roomId);
    await expect(notice(phone.page)).toHaveCount(0);
    const api = new RouteApi(stack.url);
    const token = (await api.login(bob.userName, PASSWORD)).token;
    await expect.poll(async () => (await api.conversations(token)).conversations.find((c) => c.conversation === roomId)?.eventsSeen).toBeGreaterThan(0);
    // Back at the desktop: the room was seen, the notice is old news.
    await setHidden(bob.page, false);
    await expect(notice(bob.page)).toHaveCount(0);
    await expect(conversationKey(bob.page, roomId)).toBeVisible();
  } finally {
    await closeContext(browser, phone.context);
  }
});

/** A private room `name` made on `page`, its owner inviting `userName` by name from the room's Invite; its roomId. */
async function privateRoomWith(page: Page, name: string, userName: string): Promise<string> {
  const roomId = await createRoom(page, name, "private");
  await page.getByTestId("room-invite-button").click();
  await (await findUser(page, userName)).getByTestId("user-search-pick").click();
  await page.keyboard.press("Escape");
  return roomId;
}
