// Message text is rendered as text, and a reload shows the conversation from IndexedDB through the message hook.
import { expect, message, say, SCREENSHOTS, test } from "./fixtures.js";

const PAYLOAD = "<img src=x onerror=alert(1)>";

test("markup in a message is shown as text and runs nothing", async ({ pair: { alice, bob } }) => {
  await say(alice.page, PAYLOAD);
  await say(alice.page, "<script>alert(2)</script><b>bold?</b>");
  for (const { page } of [alice, bob]) {
    await expect(message(page, PAYLOAD)).toBeVisible();
    await expect(message(page, PAYLOAD).getByTestId("message-text")).toHaveText(PAYLOAD);
    await expect(message(page, "<script>alert(2)</script><b>bold?</b>")).toBeVisible();
    await expect(page.getByTestId("message-list").locator("img, script, b")).toHaveCount(0);
  }
  // Give an injected onerror the chance to fire before asserting no dialog opened.
  await bob.page.waitForLoadState("networkidle");
  expect(alice.dialogs).toEqual([]);
  expect(bob.dialogs).toEqual([]);
  await bob.page.screenshot({ path: `${SCREENSHOTS}chat-markup-as-text.png` });
});

// Found by sec13: `[https://bank.example/login](https://evil.example/x)` showed a link reading as the bank that opened
// the other site, with nothing on the page to tell.
test("a link whose text names another place shows where it leads", async ({ pair: { alice, bob } }) => {
  const masked = "[https://bank.example/login](https://evil.example/x)";
  await say(alice.page, masked);
  await say(alice.page, "see https://example.com/docs");
  const shown = message(bob.page, "https://bank.example/login");
  await expect(shown.getByRole("link", { name: "https://bank.example/login" })).toHaveAttribute("href", "https://evil.example/x");
  await expect(shown.getByTestId("link-host")).toHaveText("(evil.example)");
  await expect(message(bob.page, "https://example.com/docs").getByTestId("link-host")).toHaveCount(0);
  // A malformed escape in a mail link is shown as it is (decoding it threw, and the conversation went blank).
  await say(alice.page, "[write](mailto:a%ZZb)");
  await say(alice.page, "after the mail link");
  await expect(message(bob.page, "after the mail link")).toBeVisible();
  await expect(message(bob.page, "write").getByTestId("link-host")).toHaveText("(a%ZZb)");
});

// Found by sec13: marked's lexer recursed once per level of "> > > …" (2,000 levels fit in a message's 4,000
// characters) and threw "Maximum call stack size exceeded" while the message, or its preview, was drawn.
test("a message nested deeper than the markdown reader can go is shown as text, and the app goes on", async ({ pair: { alice, bob } }) => {
  const deep = "> ".repeat(1995) + "deep"; // 3,994 characters: a message holds 4,000
  await say(alice.page, deep);
  await say(alice.page, "after the deep one");
  for (const { page } of [alice, bob]) {
    await expect(message(page, "after the deep one")).toBeVisible();
    await expect(message(page, deep)).toBeVisible();
  }
  await bob.page.reload();
  await expect(message(bob.page, "after the deep one")).toBeVisible();
});

test("a reload shows the conversation at once from IndexedDB", async ({ pair: { alice, bob } }) => {
  await say(alice.page, "kept across reloads");
  await expect(message(bob.page, "kept across reloads")).toBeVisible();
  await say(bob.page, "me too");
  await expect(message(bob.page, "me too")).toHaveAttribute("data-status", "sent");
  await expect(message(alice.page, "me too")).toBeVisible();

  // The default hook saved both in Bob's database.
  const cached = await bob.page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? "");
    return names.filter((n) => n.startsWith("cim-messages-"));
  });
  expect(cached).toHaveLength(1);

  // A hook added through the public API sees the next message.
  await bob.page.evaluate(() => {
    type Hook = (message: { text: string }, context: { source: string }) => void;
    const page = window as unknown as { seen: string[]; cim: { onMessage: (handler: Hook) => () => void } };
    page.seen = [];
    page.cim.onMessage((m, context) => void page.seen.push(`${context.source}:${m.text}`));
  });
  await say(alice.page, "through the hook");
  await expect.poll(() => bob.page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain("received:through the hook");

  // With history blocked, only IndexedDB can bring the messages back after the reload.
  await bob.page.route("**/api/history**", (route) => route.abort());
  await bob.page.reload();
  await expect(bob.page.getByTestId("chat-screen")).toBeVisible();
  await expect(message(bob.page, "kept across reloads")).toBeVisible();
  await expect(message(bob.page, "me too")).toBeVisible();
  await expect(message(bob.page, "through the hook")).toBeVisible();
  // The tab resumed its own login from sessionStorage.
  await expect(bob.page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
  await expect(bob.page.getByTestId("me-name")).toHaveText(bob.userName);

  // Back online it keeps chatting; history works again once unblocked.
  await bob.page.unroute("**/api/history**");
  await say(alice.page, "after the reload");
  await expect(message(bob.page, "after the reload")).toBeVisible();

  // Logging out clears this tab's login: a reload shows the login screen.
  await bob.page.getByTestId("logout").click();
  await expect(bob.page.getByTestId("login-screen")).toBeVisible();
  await bob.page.reload();
  await expect(bob.page.getByTestId("login-screen")).toBeVisible();
});
