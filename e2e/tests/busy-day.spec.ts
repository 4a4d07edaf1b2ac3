// A regular user's busy day: long histories read on a device that has not loaded them, older pages that are slow or
// fail on a flaky network, and the keys a daily user reaches for.
import WebSocket from "ws";
import { CimClient, type SocketLike } from "@cim/client";
import type { APIRequestContext, Route } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { conversation, expect, groupConversation, logIn, message, openDevice, PASSWORD, say, SCREENSHOTS, test, userIdOf } from "./fixtures.js";

interface Account { userName: string; userId: string; token: string }

/** A user registered and logged in over route's HTTP API (no browser). */
async function account(request: APIRequestContext, name: string): Promise<Account> {
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const registered = await request.post("/api/register", { data: { userName, password: PASSWORD } });
  expect(registered.status()).toBe(201);
  const { userId } = (await registered.json()) as { userId: string };
  const { token } = (await (await request.post("/api/login", { data: { userName, password: PASSWORD } })).json()) as { token: string };
  return { userName, userId, token };
}

/** `from` writes to user `to` over route; resolves with the msgId once stored. */
async function write(request: APIRequestContext, from: Account, to: string, text: string, replyTo?: string): Promise<string> {
  const sent = await request.post("/api/messages", { data: { to, text, ...(replyTo ? { replyTo } : {}) }, headers: { authorization: `Bearer ${from.token}` } });
  expect(sent.status()).toBe(202);
  return ((await sent.json()) as { msgId: string }).msgId;
}

/** `user` reads `conversation` up to `msgId` on a device of its own (the SDK in Node); resolves once route counts it. */
async function readOnAnotherDevice(request: APIRequestContext, baseURL: string, user: Account, conversation: string, msgId: string): Promise<void> {
  const client = new CimClient({ routeUrl: baseURL, createSocket: (url) => new WebSocket(url) as unknown as SocketLike });
  try {
    await client.logIn(user.userName, PASSWORD);
    client.markRead(conversation, msgId);
    await expect.poll(async () => {
      const answer = await request.get("/api/conversations", { headers: { authorization: `Bearer ${user.token}` } });
      const { conversations } = (await answer.json()) as { conversations: { conversation: string; readUpTo: string }[] };
      return conversations.find((c) => c.conversation === conversation)?.readUpTo;
    }).toBe(msgId);
  } finally {
    client.close();
  }
}

test("a quote of a message older than what is loaded says it is loading it, says why when the older history cannot be loaded, and shows it when tried again", async ({ browser, request, baseURL }) => {
  const bob = await account(request, "bob");
  const ann = await account(request, "ann");
  // Ann's own message, then more than a page of hers (read, as own messages are): a device that has loaded nothing
  // opens the chat at its newest page, without the message bob quotes.
  const original = await write(request, ann, bob.userId, "the plan we agreed on");
  for (let i = 0; i < 40; i++) await write(request, ann, bob.userId, `later line ${i}`);
  const reply = await write(request, bob, ann.userId, "as I said above", original);
  await readOnAnotherDevice(request, baseURL!, ann, bob.userId, reply);

  const { context, page } = await openDevice(browser, baseURL!);
  try {
    await logIn(page, ann.userName);
    await conversation(page, bob.userName).click();
    const quote = message(page, "as I said above").getByTestId("reply-quote");
    await expect(quote).toBeVisible();
    await expect(message(page, "the plan we agreed on")).toHaveCount(0);
    // Not loaded here, it is quoted as route kept it with the reply (it said "an earlier message").
    await expect(quote.getByTestId("reply-quote-author")).toHaveText("You");
    await expect(quote.getByTestId("reply-quote-text")).toHaveText("the plan we agreed on");

    // The older pages are held, then fail: the user is told it is loading, then that it could not be.
    // The app shows "Loading" before its request reaches this handler, so a release may come first: requests held
    // are let go then, and those after it fail at once, until the next hold.
    let holding = true;
    const held: (() => void)[] = [];
    const hold = () => (holding = true);
    const release = () => {
      holding = false;
      for (const go of held.splice(0)) go();
    };
    const older = (route: Route) => {
      if (!/[?&]before=/.test(route.request().url())) return route.fallback();
      if (!holding) return route.abort("internetdisconnected");
      return new Promise<void>((resolve) => held.push(resolve)).then(() => route.abort("internetdisconnected"));
    };
    await page.route("**/api/history?**", older);
    await quote.click();
    const status = message(page, "as I said above").getByTestId("reply-quote-status");
    await expect(status).toHaveText("Loading the quoted message…");
    release();
    await expect(status).toHaveText("Could not load older messages. Check your connection, then try again.");

    // A search result of that message likewise: "Opening…" while it loads, then why it could not.
    await page.getByTestId("search-input").fill("agreed on");
    const result = page.locator(`[data-testid="search-result"][data-msg-id="${original}"]`);
    hold();
    await result.click();
    await expect(result.getByTestId("search-opening")).toHaveText("· Opening…");
    release();
    await expect(page.getByTestId("search-not-found")).toHaveText("Could not load older messages. Check your connection, then try again.");
    await page.screenshot({ path: `${SCREENSHOTS}busy-day-older-failed.png` });
    await expect(result.getByTestId("search-opening")).toHaveCount(0);
    await page.getByTestId("search-input").press("Escape");
    await page.unroute("**/api/history?**", older);

    // Tried again with the network back: the original is shown and the quote reads it.
    await quote.click();
    await expect(message(page, "the plan we agreed on")).toBeInViewport();
    await expect(status).toHaveCount(0);
    await expect(quote.getByTestId("reply-quote-text")).toHaveText("the plan we agreed on");
  } finally {
    await closeContext(browser, context);
  }
});

test("a draft survives closing the tab: the next login on this device (a new tab) has it back, and a logout forgets it", async ({ newUser, request }) => {
  const ann = await newUser("ann");
  const bob = await account(request, "bob");
  await write(request, bob, await userIdOf(ann.page), "can you send me the figures?");
  await conversation(ann.page, bob.userName).click();
  await ann.page.getByTestId("composer-input").fill("the figures are: 12, 40 and");
  await groupConversation(ann.page).click();
  await expect(conversation(ann.page, bob.userName).getByTestId("conversation-draft")).toBeVisible();
  // The tab is closed (its login and view go with it: they are the tab's), and the user logs in again in a new one.
  await ann.page.close();
  const tab = await ann.context.newPage();
  await tab.goto("/");
  await logIn(tab, ann.userName);
  await expect(conversation(tab, bob.userName).getByTestId("conversation-draft")).toBeVisible();
  await conversation(tab, bob.userName).click();
  await expect(tab.getByTestId("composer-input")).toHaveValue("the figures are: 12, 40 and");

  // A logout (which asks, since the draft would go) forgets it on this device: the next login starts without it.
  await tab.getByTestId("logout").click();
  await tab.getByTestId("logout-confirm").click();
  await expect(tab.getByTestId("login-screen")).toBeVisible();
  await logIn(tab, ann.userName);
  await conversation(tab, bob.userName).click();
  await expect(tab.getByTestId("composer-input")).toHaveValue("");
  await expect(conversation(tab, bob.userName).getByTestId("conversation-draft")).toHaveCount(0);
});

test("Ctrl+K finds a conversation by name, on a short list too: type part of it, Enter opens it with the cursor in its message box; Escape goes back", async ({ newUser, request }) => {
  const ann = await newUser("ann");
  const page = ann.page;
  const bob = await account(request, "bob");
  await write(request, bob, await userIdOf(page), "are you there?");
  await expect(conversation(page, bob.userName)).toBeVisible();
  // Two conversations: too few for the list to show its filter.
  await expect(page.getByTestId("conversation-filter")).toHaveCount(0);
  await page.getByTestId("composer-input").click();
  await page.keyboard.press("Control+k");
  const filter = page.getByTestId("conversation-filter");
  await expect(filter).toBeFocused();
  await page.keyboard.type(bob.userName.slice(0, 6).toUpperCase());
  await expect(page.getByTestId("conversation-item")).toHaveCount(1);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(page.getByTestId("composer-input")).toBeFocused();
  // Left without a name typed, the filter goes again on a short list; Escape hands the cursor back to the message box.
  await expect(filter).toHaveCount(0);
  await page.keyboard.press("Control+k");
  await expect(filter).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("composer-input")).toBeFocused();
  await expect(filter).toHaveCount(0);

  // On a narrow window (one screen at a time) showing a conversation, the list comes back with its filter.
  await page.setViewportSize({ width: 600, height: 800 });
  await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");
  await page.keyboard.press("Control+k");
  await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
  await expect(filter).toBeFocused();
});

test("a room opened with many unread messages offers '@ 2 mentions': each press shows the next message that mentions the user", async ({ browser, request, baseURL }) => {
  const ann = await account(request, "ann");
  const bob = await account(request, "bob");
  const auth = { authorization: `Bearer ${bob.token}` };
  const { roomId } = (await (await request.post("/api/rooms", { data: { name: `Ops ${bob.userName.slice(-6)}`, visibility: "private" }, headers: auth })).json()) as { roomId: string };
  expect((await request.post(`/api/rooms/${roomId}/members`, { data: { userId: ann.userId }, headers: auth })).status()).toBeLessThan(300);
  // 120 lines while ann is away, two of which ask her something, far below where the room opens (its first unread).
  for (let i = 0; i < 120; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => i + j).map((n) => {
      const text = n === 50 ? `@${ann.userName} can you check the deploy?` : n === 100 ? `@${ann.userName} and the backup too` : `status line ${n}`;
      return request.post("/api/messages", { data: { room: roomId, text, clientMsgId: `busy-${n}-${roomId}` }, headers: auth });
    }));
  }

  const { context, page } = await openDevice(browser, baseURL!);
  try {
    await logIn(page, ann.userName);
    await page.locator(`[data-testid="conversation-item"][data-key="${roomId}"]`).click();
    await expect(page.getByTestId("new-messages-divider")).toBeInViewport();
    const button = page.getByTestId("jump-mention");
    await expect(button).toHaveText("@ 2 mentions");
    await page.screenshot({ path: `${SCREENSHOTS}busy-day-mentions.png` });
    await button.click();
    await expect(message(page, `@${ann.userName} can you check the deploy?`)).toBeInViewport();
    // Seen, it is read: the button goes on to the other one, then away.
    await expect(button).toHaveText("@ 1 mention");
    await button.click();
    await expect(message(page, `@${ann.userName} and the backup too`)).toBeInViewport();
    await expect(button).toHaveCount(0);
  } finally {
    await closeContext(browser, context);
  }
});

test("on a phone, Back with search results open closes them and keeps the screen behind them, over a conversation and over the list", async ({ browser, newUser, baseURL }) => {
  const ann = await newUser("ann");
  await say(ann.page, "hello from the laptop");
  const { context: phone, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
  try {
    await logIn(page, ann.userName);
    const screen = page.getByTestId("chat-screen");
    const results = page.getByTestId("search-results");
    await groupConversation(page).tap();
    await expect(screen).toHaveAttribute("data-view", "conversation");
    await page.getByTestId("search-input").fill("laptop");
    await expect(results.getByTestId("search-result")).toHaveCount(1);
    await page.goBack();
    await expect(results).toHaveCount(0);
    await expect(screen).toHaveAttribute("data-view", "conversation");
    await expect(message(page, "hello from the laptop")).toBeVisible();

    // Over the list: Back closes the results, and the app stays (it had been left).
    await page.goBack();
    await expect(screen).toHaveAttribute("data-view", "list");
    await page.getByTestId("search-input").fill("laptop");
    await expect(results.getByTestId("search-result")).toHaveCount(1);
    await page.goBack();
    await expect(results).toHaveCount(0);
    await expect(screen).toHaveAttribute("data-view", "list");
    // The results closed otherwise take their entry with them: Back from a conversation still reaches the list.
    await page.getByTestId("search-input").fill("laptop");
    await page.getByTestId("search-input").press("Escape");
    await expect(results).toHaveCount(0);
    await groupConversation(page).tap();
    await page.goBack();
    await expect(screen).toHaveAttribute("data-view", "list");
  } finally {
    await closeContext(browser, phone);
  }
});

test("back to many unread chats, 'Mark all read' (or Shift+Escape) reads them all, on every device and after a reload", async ({ newUser, request, browser, baseURL }) => {
  const ann = await newUser("ann");
  const page = ann.page;
  const annId = await userIdOf(page);
  const writers = await Promise.all(["bob", "cat", "dan"].map((name) => account(request, name)));
  for (const writer of writers) for (let i = 0; i < 2; i++) await write(request, writer, annId, `ping ${i} from ${writer.userName}`);
  await expect(page.getByTestId("unread-chats")).toHaveText("3 conversations unread");
  await expect(page).toHaveTitle(/^\(6\) /);
  await page.screenshot({ path: `${SCREENSHOTS}busy-day-unread-chats.png` });
  // Her second device, signed in before she reads.
  const { context: other, page: tab } = await openDevice(browser, baseURL!);
  try {
    await logIn(tab, ann.userName);
    await expect(conversation(tab, writers[0]!.userName).getByTestId("unread-badge")).toHaveText("2");

    await page.getByTestId("mark-all-read").click();
    for (const writer of writers) await expect(conversation(page, writer.userName).getByTestId("unread-badge")).toHaveCount(0);
    await expect(page.getByTestId("unread-chats")).toHaveCount(0);
    await expect(page).not.toHaveTitle(/^\(/);
    for (const writer of writers) await expect(conversation(tab, writer.userName).getByTestId("unread-badge")).toHaveCount(0);
    await page.reload();
    await expect(conversation(page, writers[2]!.userName)).toBeVisible();
    for (const writer of writers) await expect(conversation(page, writer.userName).getByTestId("unread-badge")).toHaveCount(0);

    // The key does the same.
    for (const writer of writers.slice(0, 2)) await write(request, writer, annId, `again from ${writer.userName}`);
    await expect(page.getByTestId("unread-chats")).toHaveText("2 conversations unread");
    await page.keyboard.press("Shift+Escape");
    await expect(page.getByTestId("unread-chats")).toHaveCount(0);
    for (const writer of writers) await expect(conversation(page, writer.userName).getByTestId("unread-badge")).toHaveCount(0);
  } finally {
    await closeContext(browser, other);
  }
});

test("an edit, a deletion or a reaction made without a connection says it waits for it, is sent once, and is made when the connection is back", async ({ pair: { alice, bob }, request }) => {
  const page = alice.page;
  await groupConversation(page).click();
  await groupConversation(bob.page).click();
  await say(page, "meet at 10");
  await expect(message(page, "meet at 10")).toHaveAttribute("data-status", "sent");
  await expect(message(bob.page, "meet at 10")).toBeVisible();
  await alice.context.setOffline(true);
  await expect(page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
  await page.getByTestId("composer-input").press("ArrowUp");
  const editor = page.getByTestId("edit-input");
  await editor.fill("meet at 11");
  await editor.press("Enter");
  await expect(page.getByTestId("edit-save")).toHaveText("Saving…");
  await expect(page.getByTestId("edit-pending")).toHaveText("Not connected: the change is made when the connection is back.");
  await editor.press("Enter");
  await alice.context.setOffline(false);
  await expect(message(page, "meet at 11")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("edit-input")).toHaveCount(0);
  await expect(message(bob.page, "meet at 11")).toBeVisible();
  // Stored once: route's history of Everyone holds one edit of the message.
  const msgId = await message(page, "meet at 11").getAttribute("data-msg-id");
  const token = await bob.page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
  const history = (await (await request.get("/api/history?limit=200", { headers: { authorization: `Bearer ${token}` } })).json()) as { messages: Array<{ editOf?: string }> };
  expect(history.messages.filter((entry) => entry.editOf === msgId)).toHaveLength(1);

  // A deletion likewise: said under the message while it waits, and not offered again meanwhile.
  await say(page, "scratch that");
  await expect(message(page, "scratch that")).toHaveAttribute("data-status", "sent");
  await alice.context.setOffline(true);
  await expect(page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
  const doomed = message(page, "scratch that");
  const doomedId = await doomed.getAttribute("data-msg-id");
  await doomed.hover();
  await doomed.getByTestId("action-delete").click();
  await doomed.getByTestId("delete-yes").click();
  await expect(doomed.getByTestId("delete-pending")).toHaveText("Not connected: it is deleted when the connection is back.");
  await doomed.hover();
  await expect(doomed.getByTestId("action-delete")).toHaveCount(0);
  await alice.context.setOffline(false);
  await expect(page.locator(`[data-testid="message"][data-msg-id="${doomedId}"]`).getByTestId("message-text")).toHaveText("message deleted", { timeout: 30_000 });
  await expect(page.getByTestId("delete-pending")).toHaveCount(0);
  await expect(bob.page.locator(`[data-testid="message"][data-msg-id="${doomedId}"]`).getByTestId("message-text")).toHaveText("message deleted");

  // A reaction likewise: said while it waits, and picked twice meanwhile, stored once.
  await alice.context.setOffline(true);
  await expect(page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
  const liked = message(page, "meet at 11");
  for (let i = 0; i < 2; i++) {
    await liked.hover();
    await liked.getByTestId("action-react").click();
    await liked.locator('[data-testid="reaction-choice"][data-emoji="👍"]').click();
    await expect(liked.getByTestId("reaction-pending")).toHaveText("Not connected: your reaction is added when the connection is back.");
  }
  await alice.context.setOffline(false);
  await expect(liked.locator('[data-testid="reaction-chip"][data-emoji="👍"]')).toHaveText("👍 1", { timeout: 30_000 });
  await expect(liked.getByTestId("reaction-pending")).toHaveCount(0);
  await expect(message(bob.page, "meet at 11").locator('[data-testid="reaction-chip"][data-emoji="👍"]')).toHaveText("👍 1");
  const after = (await (await request.get("/api/history?limit=200", { headers: { authorization: `Bearer ${token}` } })).json()) as { messages: Array<{ reactTo?: string }> };
  expect(after.messages.filter((entry) => entry.reactTo === msgId)).toHaveLength(1);
});

test("a search result shows where a long message holds the words searched for, marked", async ({ newUser }) => {
  const { page } = await newUser("ann");
  const tag = Math.random().toString(36).slice(2, 8);
  const long = `Notes from the planning meeting: we went through the roadmap, the hiring plan and the budget for next year, then the on-call rota; finally the vault${tag} key rotation is due on Friday.`;
  await say(page, long);
  await expect(message(page, long)).toHaveAttribute("data-status", "sent");
  await page.getByTestId("search-input").fill(`vault${tag} key`);
  const result = page.getByTestId("search-result").first();
  await expect(result.getByTestId("search-match")).toHaveText(`vault${tag} key`);
  await expect(result.getByTestId("search-result-text")).toHaveText(/^….*rota; finally the vault\w+ key rotation is due on Friday\.$/);
  // Whole on screen, not cut away by the results' width.
  const shown = await result.getByTestId("search-result-text").evaluate((line) => {
    const box = line.getBoundingClientRect();
    const mark = line.querySelector("mark")!.getClientRects();
    return Array.from(mark).every((r) => r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5);
  });
  expect(shown).toBe(true);
  await page.screenshot({ path: `${SCREENSHOTS}busy-day-search-match.png` });
});

test("on a Mac the find key is ⌘K, said so in the filter and Settings, and Ctrl+K in the message box stays the box's own", async ({ newUser, request }) => {
  const ann = await newUser("ann");
  const page = ann.page;
  const bob = await account(request, "bob");
  await write(request, bob, await userIdOf(page), "are you there?");
  // The same tab on a Mac (the browser's platform says so), reloaded: its login is restored.
  await ann.context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "platform", { configurable: true, get: () => "MacIntel" });
    Object.defineProperty(Navigator.prototype, "userAgentData", { configurable: true, get: () => ({ platform: "macOS", mobile: false, brands: [] }) });
  });
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
  await expect(conversation(page, bob.userName)).toBeVisible();
  const filter = page.getByTestId("conversation-filter");
  // Ctrl+K in the message box: the box keeps the focus (a Mac's text fields delete to the end of the line with it).
  await page.getByTestId("composer-input").click();
  await page.keyboard.press("Control+k");
  await expect(page.getByTestId("composer-input")).toBeFocused();
  await expect(filter).toHaveCount(0);
  // ⌘K finds a conversation, and the filter names that key.
  await page.keyboard.press("Meta+k");
  await expect(filter).toBeFocused();
  await expect(filter).toHaveAttribute("placeholder", "Filter conversations (⌘K)");
  await page.keyboard.press("Escape");
  await page.getByTestId("settings-button").click();
  await page.getByTestId("settings-dialog").getByText("Keyboard shortcuts").click();
  await expect(page.getByTestId("find-key")).toHaveText("⌘ + K");
});

test("a room opened on a new device with more unread than a page stays on its first unread message while older pages load above it", async ({ browser, request, baseURL }) => {
  const ann = await account(request, "ann");
  // Four writers (one user may send only so fast).
  const writers = await Promise.all(["bob", "cy", "dee", "eve"].map((name) => account(request, name)));
  const owner = { authorization: `Bearer ${writers[0]!.token}` };
  const { roomId } = (await (await request.post("/api/rooms", { data: { name: `Long ${writers[0]!.userName.slice(-6)}`, visibility: "private" }, headers: owner })).json()) as { roomId: string };
  for (const member of [ann, ...writers.slice(1)]) expect((await request.post(`/api/rooms/${roomId}/members`, { data: { userId: member.userId }, headers: owner })).status()).toBeLessThan(300);
  const post = async (from: number, to: number, text: (n: number) => string) => {
    const ids: string[] = [];
    for (let i = from; i < to; i += 10) {
      const sent = await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, j) => i + j).map((n) => {
        const writer = writers[Math.floor(n / 65)]!;
        return request.post("/api/messages", { data: { room: roomId, text: text(n), clientMsgId: `long-${n}-${roomId}` }, headers: { authorization: `Bearer ${writer.token}` } });
      }));
      for (const answer of sent) {
        expect(answer.status(), await answer.text()).toBe(202);
        ids.push(((await answer.json()) as { msgId: string }).msgId);
      }
    }
    return ids;
  };
  // Ann read the first 40 on her laptop; 220 more came since: more than the newest page holds (200).
  const read = await post(0, 40, (n) => `read line ${n}`);
  await readOnAnotherDevice(request, baseURL!, ann, roomId, read.at(-1)!);
  await post(40, 260, (n) => `unread line ${n}`);

  const { context, page } = await openDevice(browser, baseURL!);
  try {
    // The older page is held until the newest one shows: the view must not follow it as it loads above (history is
    // asked for only after the login).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/history?**", (route) => (/[?&]before=/.test(route.request().url()) ? held.then(() => route.fallback()) : route.fallback()));
    await logIn(page, ann.userName);
    await page.locator(`[data-testid="conversation-item"][data-key="${roomId}"]`).click();
    // The newest page is in; until the first unread message is, nothing of it shows (shown, the view jumped from it).
    await expect(message(page, "unread line 259")).toHaveCount(1);
    await expect(message(page, "unread line 259")).toBeHidden();
    await expect(page.getByTestId("unread-loading")).toHaveText("Loading messages…");
    release();
    await expect(message(page, "unread line 40")).toHaveCount(1);
    await expect(page.getByTestId("new-messages-divider")).toBeInViewport();
    await expect(message(page, "unread line 40")).toBeInViewport();
    await expect(page.getByTestId("unread-loading")).toHaveCount(0);
    // Read only as far as seen: most of the 220 are still unread.
    await expect(page.getByTestId("jump-latest")).toContainText("new");
  } finally {
    await closeContext(browser, context);
  }
});

test("a sign-in that ends late leaves the keyboard where the user put it: the search typed in meanwhile stays open", async ({ newUser }) => {
  const { page } = await newUser("ann");
  const tag = Math.random().toString(36).slice(2, 8);
  await say(page, `the quarterly figures${tag} are in`);
  // The sign-in after a reload ends once the block list is read (among others): held here, as a slow route would.
  let releaseBlocks = () => undefined as void;
  const blocksHeld = new Promise<void>((resolve) => (releaseBlocks = resolve));
  await page.route("**/api/blocks", async (route) => {
    await blocksHeld;
    await route.continue();
  });
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
  const search = page.getByTestId("search-input");
  await search.fill(`figures${tag}`);
  await expect(page.getByTestId("search-result").first().getByTestId("search-match")).toHaveText(`figures${tag}`);
  const answered = page.waitForResponse("**/api/blocks");
  releaseBlocks();
  await answered;
  // The sign-in's last steps come after the answer; a frame or two later they are done (they took the focus to the
  // message box, which closed the results).
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  await expect(search).toBeFocused();
  await expect(page.getByTestId("search-result").first().getByTestId("search-match")).toHaveText(`figures${tag}`);
});
