// Everyone's members dialog is asked for again at each of the online panel's 10 s refreshes while it is open: a user
// scrolling it must not see the rows move under them (rows already shown keep their order and their place on screen;
// a newcomer is added in its place by name, a user gone leaves).
import WebSocket from "ws";
import { CimClient, type SocketLike } from "@cim/client";
import { expect, PASSWORD, test } from "./fixtures.js";

/** Letters no look-alike folding changes in pairs (no r, n, c, l, v, m): route's order is the names' order here. */
const SAFE = "bdfghjkpstxz";

test("Everyone's members dialog keeps its rows' order and the user's scroll position when it is asked for again", async ({ newUser, baseURL }) => {
  test.setTimeout(120_000);
  const stem = `aa${Array.from({ length: 4 }, () => SAFE[Math.floor(Math.random() * SAFE.length)]).join("")}`;
  // 60 users online whose names sort before every other user's, and one whose "_" sorts after the "-" names in route's
  // order but before them by the browser's collation: the second page starts with it.
  const names = [...SAFE].flatMap((c) => [..."aeiou"].map((v) => `${stem}-${c}${v}`));
  names.push(`${stem}_zz`);
  const clients = new Map<string, CimClient>();
  const online = async (userName: string) => {
    const client = new CimClient({ routeUrl: baseURL!, createSocket: (url) => new WebSocket(url) as unknown as SocketLike });
    await client.register(userName, PASSWORD);
    await client.logIn(userName, PASSWORD);
    clients.set(userName, client);
  };
  try {
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map(online));
    const ann = await newUser("ann");
    const page = ann.page;
    await page.locator('[data-testid="conversation-item"][data-key="everyone"]').click();
    await page.getByTestId("room-members-button").click();
    const dialog = page.getByTestId("members-dialog");
    const rows = dialog.getByTestId("member-item");
    await expect(rows).toHaveCount(50);
    await dialog.getByTestId("members-more").click();
    await expect(dialog.locator(`[data-testid="member-item"][data-user-name="${stem}_zz"]`)).toHaveCount(1);
    const order = async () => (await rows.evaluateAll((items) => items.map((item) => item.getAttribute("data-user-name") ?? ""))).filter((name) => name.startsWith(stem));
    const before = await order();
    expect(before.indexOf(`${stem}_zz`)).toBe(50);

    // Scrolled down to the second page's first rows: the row at the top of the dialog and where it is.
    await rows.nth(50).evaluate((row) => row.scrollIntoView({ block: "start" }));
    const topRow = () => page.evaluate(() => {
      const box = document.querySelector('[data-testid="members-dialog"]')!.getBoundingClientRect();
      const items = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="members-dialog"] [data-testid="member-item"]'));
      const first = items.find((item) => item.getBoundingClientRect().bottom > box.top + 1)!;
      return { name: first.dataset.userName, offset: Math.round(first.getBoundingClientRect().top - box.top) };
    });
    const seen = await topRow();

    // Meanwhile a user of the first page goes, another comes: the page hears of neither (it watches the rows on screen),
    // so only the next refresh shows them.
    clients.get(`${stem}-da`)!.close();
    await online(`${stem}-bb`);
    await expect(dialog.locator(`[data-testid="member-item"][data-user-name="${stem}-bb"]`)).toHaveCount(1, { timeout: 30_000 });
    await expect(dialog.locator(`[data-testid="member-item"][data-user-name="${stem}-da"]`)).toHaveCount(0);

    const expected = before.filter((name) => name !== `${stem}-da`);
    expected.splice(expected.indexOf(`${stem}-ba`) + 1, 0, `${stem}-bb`);
    expect(await order()).toEqual(expected);
    expect(await topRow()).toEqual(seen);
  } finally {
    for (const client of clients.values()) client.close();
  }
});
