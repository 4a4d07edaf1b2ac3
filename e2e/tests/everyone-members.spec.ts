// Everyone's members dialog is asked for again at each of the online panel's 10 s refreshes while it is open: a user
// scrolling it must not see the rows move under them (rows already shown keep their order and their place on screen;
// a newcomer is added in its place by name, a user gone leaves).
import WebSocket from "ws";
import { CimClient, type SocketLike } from "@cim/client";
import { expect, PASSWORD, test } from "./fixtures.js";

/** Letters no look-alike folding changes in pairs (no r, n, c, l, v, m): route's order is the names' order here. */
const SAFE = "bdfghjkpstxz";

/** `names` online through the SDK in Node (registered first); each client by its name. */
async function bringOnline(baseURL: string, names: string[], clients: Map<string, CimClient>): Promise<void> {
  const online = async (userName: string) => {
    const client = new CimClient({ routeUrl: baseURL, createSocket: (url) => new WebSocket(url) as unknown as SocketLike });
    await client.register(userName, PASSWORD);
    await client.logIn(userName, PASSWORD);
    clients.set(userName, client);
  };
  for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map(online));
}

const stemOf = () => `aa${Array.from({ length: 4 }, () => SAFE[Math.floor(Math.random() * SAFE.length)]).join("")}`;

test("Everyone's members dialog keeps its rows' order and the user's scroll position when it is asked for again", async ({ newUser, baseURL }) => {
  test.setTimeout(120_000);
  const stem = stemOf();
  // 60 users online whose names sort before every other user's, and one whose "_" sorts after the "-" names in route's
  // order but before them by the browser's collation: the second page starts with it.
  const names = [...SAFE].flatMap((c) => [..."aeiou"].map((v) => `${stem}-${c}${v}`));
  names.push(`${stem}_zz`);
  const clients = new Map<string, CimClient>();
  try {
    await bringOnline(baseURL!, names, clients);
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
    await bringOnline(baseURL!, [`${stem}-bb`], clients);
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

test("Everyone's members dialog keeps 'Show more' ready while it is asked for again, and a page shown meanwhile stays", async ({ newUser, baseURL }) => {
  test.setTimeout(120_000);
  const stem = stemOf();
  const clients = new Map<string, CimClient>();
  try {
    await bringOnline(baseURL!, [...SAFE].flatMap((c) => [..."aeiou"].map((v) => `${stem}-${c}${v}`)), clients);
    const { page } = await newUser("ann");
    await page.locator('[data-testid="conversation-item"][data-key="everyone"]').click();
    await page.getByTestId("room-members-button").click();
    const dialog = page.getByTestId("members-dialog");
    const rows = dialog.getByTestId("member-item");
    await expect(rows).toHaveCount(50);
    // The next refresh is held at route (the online list's first page, asked every 10 s): the list is being asked again.
    const held: Array<() => Promise<void>> = [];
    let refreshing!: () => void;
    const refreshed = new Promise<void>((resolve) => (refreshing = resolve));
    const firstPage = (url: URL) => url.pathname === "/api/online" && !url.searchParams.has("cursor");
    await page.route(firstPage, (route) => {
      held.push(() => route.continue());
      refreshing();
    });
    await refreshed;
    const more = dialog.getByTestId("members-more");
    await expect(more).toHaveText("Show more");
    await expect(more).toBeEnabled();
    await more.click();
    await expect.poll(() => rows.count()).toBeGreaterThan(60);
    const shown = await rows.count();
    // Let go, the refresh's answer is taken after the page shown meanwhile, and does not take it back.
    const answered = page.waitForResponse((response) => firstPage(new URL(response.url())));
    for (const release of held.splice(0)) await release();
    await answered;
    await page.unroute(firstPage);
    for (const release of held.splice(0)) await release();
    await expect(dialog.getByTestId("members-count")).toHaveText(/^\d+ online$/);
    expect(await rows.count()).toBeGreaterThanOrEqual(shown);
  } finally {
    for (const client of clients.values()) client.close();
  }
});
