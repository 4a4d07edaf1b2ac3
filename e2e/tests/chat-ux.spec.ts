// The chat as people expect it: a composer that grows and never cuts a paste, markdown and links rendered safely,
// day separators, "New messages", jump to latest, a view kept across reloads, notifications while hidden, and a
// badge that says when messages are delayed (Redis down).
import type { Page } from "@playwright/test";
import { conversation, expect, expectOnline, groupConversation, logIn, message, onlineUser, say, setHidden, test } from "./fixtures.js";
import { leftOf } from "./text-position.js";

const LIMIT = 4_000;

/** Records CSP violations of `page` (the page runs under route's real Content-Security-Policy header). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { cspSeen: string[] }).cspSeen = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspSeen: string[] }).cspSeen);
}

test("the composer grows to six lines, counts down near the limit, refuses a too long paste in words, and sends with Enter", async ({ newUser }) => {
  const { page, context } = await newUser("carol");
  const input = page.getByTestId("composer-input");
  // After login the cursor is in the message box.
  await expect(input).toBeFocused();

  const oneLine = (await input.boundingBox())!.height;
  await input.pressSequentially("line one");
  for (const line of ["line two", "line three", "line four"]) {
    await input.press("Shift+Enter");
    await input.pressSequentially(line);
  }
  // Four lines are all visible: the box grew and does not scroll.
  const fourLines = (await input.boundingBox())!.height;
  expect(fourLines).toBeGreaterThan(oneLine * 2.5);
  expect(await input.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
  // Past six lines it stops growing and scrolls.
  await input.fill(Array.from({ length: 12 }, (_, i) => `row ${i + 1}`).join("\n"));
  const capped = (await input.boundingBox())!.height;
  expect(capped).toBeLessThan(fourLines * 1.8);
  expect(await input.evaluate((el) => el.scrollHeight > el.clientHeight + 10)).toBe(true);
  await input.fill("line one\nline two\nline three\nline four");
  await input.press("Enter");
  const sent = page.locator('[data-testid="message"][data-own="true"]').last();
  await expect(sent.getByTestId("message-text")).toHaveText(/line one\s*line two\s*line three\s*line four/);
  await expect(sent).toHaveAttribute("data-status", "sent");
  await expect(input).toHaveValue("");
  await expect.poll(async () => (await input.boundingBox())!.height).toBeLessThan(oneLine + 2);

  // Near the server's limit the box counts down.
  const limit = page.getByTestId("composer-limit");
  await expect(limit).toBeHidden();
  await input.fill("x".repeat(LIMIT - 300));
  await expect(limit).toHaveText("300 characters left");

  // A paste past the limit is kept whole, and the user is told why it cannot be sent.
  await input.fill("");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate((text) => navigator.clipboard.writeText(text), "y".repeat(5_000));
  await input.focus();
  await input.press("ControlOrMeta+V");
  await expect.poll(() => input.evaluate((el: HTMLTextAreaElement) => el.value.length)).toBe(5_000);
  await expect(limit).toHaveText("The pasted text is 1,000 characters too long (the limit is 4,000): shorten it to send.");
  await expect(page.getByTestId("composer-send")).toBeDisabled();
  await input.press("Enter");
  expect(await input.evaluate((el: HTMLTextAreaElement) => el.value.length)).toBe(5_000);
  await expect(message(page, "y".repeat(5_000))).toHaveCount(0);
  await input.press("End");
  for (let i = 0; i < 3; i++) await input.press("Backspace");
  await expect(limit).toHaveText(/^This message is 997 characters too long/);
  // One over, one left: the words agree with the number.
  await input.fill("y".repeat(LIMIT + 1));
  await expect(limit).toHaveText(/^This message is 1 character too long/);
  await input.fill("y".repeat(LIMIT - 1));
  await expect(limit).toHaveText("1 character left");
  await input.fill("y".repeat(LIMIT));
  await expect(limit).toHaveText("0 characters left");
  await input.press("Enter");
  await expect(message(page, "y".repeat(LIMIT))).toHaveAttribute("data-status", "sent");
  await expect(message(page, "y".repeat(5_000))).toHaveCount(0);
});

test("markdown and links are rendered as elements, never as the sender's HTML; right-to-left text is laid out so", async ({ pair: { alice, bob } }) => {
  const csp = await watchCsp(bob.page);
  await say(alice.page, "**bold** _italic_ `a<b>` ~~gone~~ see https://example.com/a?b=1&c=2 or [docs](https://example.org/docs)");
  await say(alice.page, '<b>raw</b> <img src=x onerror="window.pwned=1"> [bad](javascript:window.pwned=2)');
  await alice.page.getByTestId("composer-input").fill("code:\n```\nif (a < b) { return **x**; }\n```");
  await alice.page.getByTestId("composer-input").press("Enter");
  await say(alice.page, "שלום, מה שלומך?");

  const rich = bob.page.getByTestId("message").filter({ hasText: "italic" }).getByTestId("message-text");
  await expect(rich.locator("strong")).toHaveText("bold");
  await expect(rich.locator("em")).toHaveText("italic");
  await expect(rich.locator("code")).toHaveText("a<b>");
  await expect(rich.locator("del")).toHaveText("gone");
  const links = rich.locator("a");
  await expect(links).toHaveCount(2);
  for (const [i, href] of ["https://example.com/a?b=1&c=2", "https://example.org/docs"].entries()) {
    await expect(links.nth(i)).toHaveAttribute("href", href);
    await expect(links.nth(i)).toHaveAttribute("target", "_blank");
    await expect(links.nth(i)).toHaveAttribute("rel", "noopener noreferrer");
  }
  await expect(links.nth(1)).toHaveText("docs");

  const raw = bob.page.getByTestId("message").filter({ hasText: "raw" }).getByTestId("message-text");
  await expect(raw).toHaveText('<b>raw</b> <img src=x onerror="window.pwned=1"> [bad](javascript:window.pwned=2)');
  await expect(raw.locator("b, img, a, script")).toHaveCount(0);
  expect(await bob.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

  const code = bob.page.getByTestId("message").filter({ hasText: "code:" }).getByTestId("message-text");
  await expect(code.locator("pre code")).toHaveText("if (a < b) { return **x**; }");
  await expect(code.locator("strong")).toHaveCount(0);

  const hebrew = message(bob.page, "שלום, מה שלומך?").getByTestId("message-text");
  await expect(hebrew).toHaveAttribute("dir", "auto");
  expect(await hebrew.locator("p").evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
  expect(await csp()).toEqual([]);
});

test("day separator, New messages line and jump to latest; the open conversation and its scroll survive a reload, delivered marks a reload, unread counts a new login", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  const texts = Array.from({ length: 24 }, (_, i) => `note ${i + 1}`);
  for (const text of texts) await say(alice.page, text);
  await expect(message(alice.page, "note 24")).toHaveAttribute("data-status", "delivered");
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("24");

  // Delivered stays delivered after a reload (receipts are told again at login); the chat stays open.
  await alice.page.reload();
  await expectOnline(alice.page);
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(message(alice.page, "note 24")).toHaveAttribute("data-status", "delivered");
  await expect(message(alice.page, "note 1")).toHaveAttribute("data-status", "delivered");
  // Even before the session is back (no gateway answers), the cached messages show delivered.
  await alice.page.routeWebSocket(/\/ws$/, () => undefined);
  await alice.page.reload();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(message(alice.page, "note 24")).toHaveAttribute("data-status", "delivered");
  await expect(alice.page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");

  // Unread counts come from the server: the same after logging out and in again.
  await bob.page.getByTestId("logout").click();
  await logIn(bob.page, bob.userName);
  await expect(conversation(bob.page, alice.userName).getByTestId("unread-badge")).toHaveText("24");

  // A short window, so the chat overflows well.
  await bob.page.setViewportSize({ width: 1000, height: 560 });
  // Opening the chat: the cursor goes to the message box, one "Today" separator, "New messages" above the first unread.
  await conversation(bob.page, alice.userName).click();
  await expect(bob.page.getByTestId("composer-input")).toBeFocused();
  const list = bob.page.getByTestId("message-list");
  await expect(message(bob.page, "note 24")).toBeVisible();
  await expect(list.getByTestId("day-separator").last()).toHaveText("Today");
  // One "Today" line for all 24 (and "Yesterday" above it when they were written across midnight).
  expect((await list.getByTestId("day-separator").allInnerTexts()).filter((day) => day !== "Yesterday")).toEqual(["Today"]);
  const divider = list.getByTestId("new-messages-divider");
  await expect(divider).toHaveText("New messages");
  expect(await divider.evaluate((el) => (el.nextElementSibling as HTMLElement).innerText)).toContain("note 1");
  // More unread than the window holds: the chat opens where Bob stopped reading, the newest a jump away.
  const jump = bob.page.getByTestId("jump-latest");
  await expect(divider).toBeInViewport();
  await expect(message(bob.page, "note 1")).toBeInViewport();
  await expect(message(bob.page, "note 24")).not.toBeInViewport();
  await expect(jump).toBeVisible();
  // A reply means Bob read up to there: the line goes, as in Slack, and the list goes to the reply.
  await say(bob.page, "on it");
  await expect(message(bob.page, "on it")).toBeInViewport();
  await expect(divider).toHaveCount(0);
  await expect(jump).toBeHidden();

  // Scrolled up, "Jump to latest" appears and brings the newest message back.
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(jump).toBeVisible();
  await jump.click();
  await expect(jump).toBeHidden();
  await expect(message(bob.page, "note 24")).toBeInViewport();

  // A reload shows the same chat, scrolled where it was (note 3 at the top).
  await message(bob.page, "note 3").evaluate((el: HTMLElement) => {
    const box = el.closest<HTMLElement>('[data-testid="message-list"]')!;
    box.scrollTop = el.offsetTop - 8;
  });
  await expect(jump).toBeVisible();
  const listKey = await bob.page.getByTestId("message-list").getAttribute("data-key");
  /** Where note 3 is, from the top of the visible list (px). */
  const note3Top = () => message(bob.page, "note 3").evaluate((el) => el.getBoundingClientRect().top - el.closest('[data-testid="message-list"]')!.getBoundingClientRect().top);
  const before = await note3Top();
  // Saved once scrolling stops: the message at the top of the view (note 2's end, or note 3), not an earlier spot.
  const near = await Promise.all(["note 2", "note 3"].map((text) => message(bob.page, text).getAttribute("data-msg-id")));
  const saved = () => bob.page.evaluate((key) => (JSON.parse(sessionStorage.getItem("cim.view") ?? "{}") as { scroll?: Record<string, { msgId: string } | null> }).scroll?.[key!]?.msgId ?? "", listKey);
  await expect.poll(async () => near.includes(await saved())).toBe(true);
  await bob.page.reload();
  await expectOnline(bob.page);
  await expect(bob.page.getByTestId("conversation-title")).toHaveText(alice.userName);
  await expect.poll(async () => Math.abs((await note3Top()) - before)).toBeLessThanOrEqual(2);
  await expect(message(bob.page, "note 24")).not.toBeInViewport();
  await expect(bob.page.getByTestId("jump-latest")).toBeVisible();
});

test("while the tab is hidden: a desktop notification (asked for once), a sound, the count in the title and icon; read out politely; switchable in Settings", async ({ pair: { alice, bob } }) => {
  // The browser's Notification and audio as test doubles that record what the page does with them.
  await bob.context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const notes: Array<{ title: string; body: string }> = [];
    let asked = Number(localStorage.getItem("test.asked") ?? "0");
    w.testNotes = notes;
    w.testAsked = () => asked;
    class FakeNotification {
      static permission: NotificationPermission = "default";
      static requestPermission(): Promise<NotificationPermission> {
        asked++;
        localStorage.setItem("test.asked", String(asked));
        return Promise.resolve(FakeNotification.permission);
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body: string }) {
        notes.push({ title, body: options.body });
      }
      close(): void {}
    }
    w.Notification = FakeNotification;
    w.testTones = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.testTones = (w.testTones as number) + 1;
      return create.call(this);
    };
  });
  await bob.page.reload();
  await expectOnline(bob.page);
  const asked = () => bob.page.evaluate(() => (window as unknown as { testAsked: () => number }).testAsked());
  const notes = () => bob.page.evaluate(() => (window as unknown as { testNotes: unknown[] }).testNotes);
  const tones = () => bob.page.evaluate(() => (window as unknown as { testTones: number }).testTones);

  // The permission is asked at the first send, once on this device (not again after more sends or a reload).
  expect(await asked()).toBe(0);
  await say(bob.page, "hello from bob");
  await expect.poll(asked).toBe(1);
  await say(bob.page, "and again");
  await bob.page.reload();
  await expectOnline(bob.page);
  await say(bob.page, "after a reload");
  await expect(message(bob.page, "after a reload")).toHaveAttribute("data-status", "sent");
  expect(await asked()).toBe(1);

  // Granted; the tab hidden: Alice's private message brings a notification, a sound, "(1)" in the title and on the icon.
  await bob.page.evaluate(() => ((window as unknown as { Notification: { permission: string } }).Notification.permission = "granted"));
  await setHidden(bob.page, true);
  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "are you there?");
  // The name is isolated (U+2068 … U+2069) as in every sentence: the system draws a right-to-left name whole.
  await expect.poll(notes).toEqual([{ title: `\u2068${alice.userName}\u2069`, body: "are you there?" }]);
  await expect.poll(tones).toBe(2);
  await expect(bob.page).toHaveTitle(/^\(1\) CIM/);
  const icon = bob.page.locator('link[rel="icon"]');
  await expect(icon).toHaveAttribute("data-unread", "1");
  await expect(icon).toHaveAttribute("href", /^data:image\/png;base64,/);
  await expect(bob.page.getByTestId("announcer")).toHaveText(`${alice.userName}: are you there?`);
  await expect(bob.page.getByTestId("announcer")).toHaveAttribute("aria-live", "polite");

  // Switched off in Settings (Escape closes the dialog): nothing more, but the count still shows.
  await setHidden(bob.page, false);
  await bob.page.getByTestId("settings-button").click();
  const settings = bob.page.getByTestId("settings-dialog");
  await settings.getByTestId("settings-notifications").uncheck();
  await settings.getByTestId("settings-sound").uncheck();
  // The theme: the system's by default, followed live; or the user's choice, whatever the system says.
  const html = bob.page.locator("html");
  await bob.page.emulateMedia({ colorScheme: "dark" });
  await expect(html).toHaveAttribute("data-theme", "dark");
  await settings.getByTestId("theme-light").check();
  await expect(html).toHaveAttribute("data-theme", "light");
  await bob.page.emulateMedia({ colorScheme: "light" });
  await settings.getByTestId("theme-dark").check();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await settings.getByTestId("theme-system").check();
  await expect(html).toHaveAttribute("data-theme", "light");
  await bob.page.keyboard.press("Escape");
  await expect(settings).toBeHidden();
  await setHidden(bob.page, true);
  await say(alice.page, "still there?");
  await expect(bob.page).toHaveTitle(/^\(2\) CIM/);
  await expect(icon).toHaveAttribute("data-unread", "2");
  await expect(bob.page.getByTestId("announcer")).toHaveText(`${alice.userName}: still there?`);
  expect(await notes()).toHaveLength(1);
  expect(await tones()).toBe(2);

  // Read: the title and icon are plain again.
  await setHidden(bob.page, false);
  await conversation(bob.page, alice.userName).click();
  await expect(bob.page).toHaveTitle(/^CIM/);
  await expect(icon).toHaveAttribute("data-unread", "0");
  await expect(icon).toHaveAttribute("href", /^data:image\/svg\+xml/);
});

test("Settings does not show desktop notifications ticked while the browser blocks them for the site", async ({ newUser }) => {
  const { page } = await newUser("blocked");
  // The site's notifications blocked in the browser (the user once said Block): none will show, whatever is chosen.
  await page.evaluate(() => Object.defineProperty(Notification, "permission", { get: () => "denied", configurable: true }));
  await page.getByTestId("settings-button").click();
  const settings = page.getByTestId("settings-dialog");
  await expect(settings.getByTestId("settings-notifications")).not.toBeChecked();
  await expect(settings.getByTestId("settings-notifications")).toBeDisabled();
  await expect(settings.getByTestId("notifications-blocked")).toHaveText("This browser blocks notifications for this site: allow them in its site settings.");
});

test("with Redis down the badge says connected, but messages are delayed, and why; the message goes out once Redis is back", async ({ newUser, stack }) => {
  const { page } = await newUser("ruth");
  await say(page, "before the outage");
  await expect(message(page, "before the outage")).toHaveAttribute("data-status", "sent");
  const badge = page.getByTestId("connection-state");
  await expect(badge).toHaveAttribute("data-delayed", "false");

  await stack.cluster.redis.stop();
  try {
    await say(page, "during the outage");
    await expect(message(page, "during the outage")).toHaveAttribute("data-status", "sending");
    await expect(badge).toHaveAttribute("data-delayed", "true");
    await expect(badge).toHaveText(/connected, but messages are delayed/);
    await expect(page.getByTestId("delay-notice")).toHaveText(/Connected, but messages are delayed: 1 message waits: the server cannot store messages right now \(message not stored, retry\)/);
  } finally {
    await stack.cluster.redis.restart();
  }
  await expect(message(page, "during the outage")).toHaveAttribute("data-status", "sent", { timeout: 30_000 });
  await expect(badge).toHaveAttribute("data-delayed", "false");
  await expect(badge).toHaveText(/online/);
  await expect(page.getByTestId("delay-notice")).toHaveCount(0);
});

test("route serves the built app brotli-compressed (gzip for those without brotli), hashed assets immutable, no source maps", async ({ request }) => {
  const html = await (await request.get("/")).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  for (const [accept, encoding] of [["gzip, deflate, br", "br"], ["gzip", "gzip"]] as const) {
    const response = await request.get(script, { headers: { "accept-encoding": accept } });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-encoding"]).toBe(encoding);
    expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).not.toContain("sourceMappingURL");
  }
  expect((await request.get(`${script}.map`)).status()).toBe(404);
  expect((await request.get("/")).headers()["cache-control"]).toBe("no-cache");
});

test("a room's line in the list reads who wrote first, also when the name is right-to-left", async ({ newUser }) => {
  const tom = await newUser("tom");
  const sara = await newUser("سارة");
  await say(sara.page, "hello everyone");
  const preview = groupConversation(tom.page).getByTestId("conversation-preview");
  await expect(preview).toContainText("hello everyone");
  // Where a piece of the line is drawn: the preview took the direction of its first letter, the name's, and drew the
  // name's Arabic letters at the end of the line, after the text ("…: hello everyone-سارة").
  const left = (piece: string) => leftOf(preview, piece);
  expect(await left("سارة")).toBeLessThan(await left("hello everyone"));
});
