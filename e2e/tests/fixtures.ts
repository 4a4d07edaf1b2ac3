// Fixtures: one cluster per worker (two gateways), users registered in their own browser contexts, dialog traps.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Response } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { closeContext, rememberContextId } from "./context-close.js";
import { startCluster, TEST_ADMIN_TOKEN, type AppProcess, type Cluster } from "@cim/devstack";

export { expect };
export const PASSWORD = "cim-test-pass-1";
export const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

export interface Stack {
  cluster: Cluster;
  url: string;
  adminToken: string;
  /** The live gateway process by id (gw-a, gw-b). */
  gateway: (id: string) => AppProcess;
  /** SIGKILLs gateway `id`. */
  kill: (id: string) => Promise<void>;
  /** Starts gateway `id` again if it is not running. */
  revive: (id: string) => Promise<void>;
  /** SIGKILLs route (the pages stay open; the gateways keep their sessions). */
  killRoute: () => Promise<void>;
  /** Starts route again on its port if it is not running. */
  reviveRoute: () => Promise<void>;
}

export interface UserPage {
  page: Page;
  context: BrowserContext;
  userName: string;
  /** Texts of alert/confirm/prompt dialogs the page opened (must stay empty). */
  dialogs: string[];
}

interface Fixtures {
  /** Opens a new browser context and registers (and logs in) a fresh user in it. */
  newUser: (name: string) => Promise<UserPage>;
  /** Two users in two browser contexts, signed in on different gateways. */
  pair: { alice: UserPage; bob: UserPage };
}

export const test = base.extend<Fixtures, { stack: Stack }>({
  stack: [
    // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      // Round-robin (route's default) puts two consecutive logins on different gateways.
      const cluster = await startCluster({ gateways: 2, routeEnv: { CIM_ROUTE_STRATEGY: "round-robin" } });
      const live = new Map(cluster.gateways.map((g, i) => [`gw-${String.fromCharCode(97 + i)}`, g]));
      const stack: Stack = {
        cluster,
        url: cluster.route.url,
        adminToken: TEST_ADMIN_TOKEN,
        gateway: (id) => live.get(id) ?? fail(`no gateway ${id}`),
        kill: async (id) => {
          await stack.gateway(id).stop("SIGKILL");
          live.delete(id);
        },
        revive: async (id) => {
          if (!live.has(id)) live.set(id, await cluster.startGateway(id));
        },
        killRoute: () => cluster.route.stop("SIGKILL"),
        reviveRoute: async () => {
          if (cluster.route.process.child.exitCode === null && cluster.route.process.child.signalCode === null) return;
          await cluster.restartRoute();
        },
      };
      try {
        await use(stack);
      } finally {
        await cluster.stop();
      }
    },
    { scope: "worker", timeout: 120_000 },
  ],

  baseURL: async ({ stack }, use) => use(stack.url),

  newUser: async ({ browser, stack }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (name) => {
      const user = await openUser(browser, stack.url, name);
      opened.push(user.context);
      return user;
    });
    for (const context of opened) await closeContext(browser, context);
  },

  pair: async ({ browser, stack }, use) => {
    // Both login screens load at once (a page load is most of a login's time); then Bob registers, then Alice: her
    // online list, loaded at her login, already has him. Most tests open the private chat from Alice's list, and a
    // user who came online after the list loaded shows only at its next refresh (every 10 s).
    const [bob, alice] = await Promise.all([openLoginPage(browser, stack.url, "bob"), openLoginPage(browser, stack.url, "alice")]);
    try {
      await register(bob.page, bob.userName);
      await register(alice.page, alice.userName);
      // Another page's reconnect may have taken a turn in between: a reload asks route for a gateway again.
      for (let attempt = 0; attempt < 4 && (await gatewayOf(alice.page)) === (await gatewayOf(bob.page)); attempt++) {
        await alice.page.reload();
      }
      expect(await gatewayOf(alice.page)).not.toBe(await gatewayOf(bob.page));
      await use({ alice, bob });
    } finally {
      for (const { context } of [alice, bob]) await closeContext(browser, context);
    }
  },
});

function fail(message: string): never {
  throw new Error(message);
}

/** A fresh context whose page registers `name-xxxxxx` and waits until it is online. */
export async function openUser(browser: Browser, baseURL: string, name: string): Promise<UserPage> {
  const user = await openLoginPage(browser, baseURL, name);
  await register(user.page, user.userName);
  return user;
}

/** How openDevice opens a device: its context's options (a phone's viewport), and what to set up before the page loads. */
export interface DeviceOptions {
  context?: BrowserContextOptions;
  /** Routes, listeners and policies the first load must already see. */
  beforeLoad?: (page: Page, context: BrowserContext) => Promise<unknown>;
}

/**
 * Another device: a fresh browser context whose page shows the app's login screen (`response`: the page's). The caller
 * closes it with closeContext (in a finally); a failure while opening closes it here.
 */
export async function openDevice(browser: Browser, baseURL: string, options: DeviceOptions = {}): Promise<{ context: BrowserContext; page: Page; response: Response | null }> {
  const context = await browser.newContext({ ...options.context, baseURL });
  try {
    const page = await context.newPage();
    await rememberContextId(context, page);
    await options.beforeLoad?.(page, context);
    const response = await page.goto("/");
    return { context, page, response };
  } catch (error) {
    await closeContext(browser, context);
    throw error;
  }
}

/** A fresh context whose page shows the login screen; `userName` (`name-xxxxxx`) is not registered yet. */
async function openLoginPage(browser: Browser, baseURL: string, name: string): Promise<UserPage> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await rememberContextId(context, page);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await page.goto("/");
  return { page, context, userName, dialogs };
}

export async function register(page: Page, userName: string, password = PASSWORD): Promise<void> {
  await page.getByTestId("login-mode-register").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expectOnline(page);
}

export async function expectOnline(page: Page): Promise<void> {
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
}

/** Makes the page believe its tab is hidden (or visible again), as switching tabs does. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (value ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/**
 * The page's window loses or gets the focus (the user works in another window beside it, or comes back), as the
 * browser tells it: `document.hasFocus()` and the window's blur or focus event. Playwright lets every page think it
 * has the focus, so the test says when it does not.
 */
export async function setFocused(page: Page, focused: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "hasFocus", { configurable: true, value: () => value });
    window.dispatchEvent(new Event(value ? "focus" : "blur"));
  }, focused);
}

/** Types `text` in the open conversation and presses Enter (on a touch screen, where Enter is a new line, taps Send). */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer-input").fill(text);
  if (await page.evaluate(() => matchMedia("(pointer: coarse)").matches)) await page.getByTestId("composer-send").tap();
  else await page.getByTestId("composer-input").press("Enter");
}

export function message(page: Page, text: string) {
  return page.getByTestId("message").filter({ has: page.getByTestId("message-text").getByText(text, { exact: true }) });
}

export function conversation(page: Page, title: string) {
  return page.locator(`[data-testid="conversation-item"][data-title="${title}"]`);
}

/** Everyone: the room of all users (CIM's group). */
export function groupConversation(page: Page) {
  return page.locator('[data-testid="conversation-item"][data-key="everyone"]');
}

export function onlineUser(page: Page, userName: string) {
  return page.locator(`[data-testid="online-user"][data-user-name="${userName}"]`);
}

export async function gatewayOf(page: Page): Promise<string> {
  await expectOnline(page);
  return (await page.getByTestId("gateway-id").innerText()).replace(/^[·\s]+/, "").trim();
}

/** Logs in as an existing user on the login screen. */
export async function logIn(page: Page, userName: string, password = PASSWORD): Promise<void> {
  await page.getByTestId("login-mode-login").click();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expectOnline(page);
}

/** The conversation list entry of a room, Everyone or private chat, by its key (roomId, `everyone`, peer userId). */
export function conversationKey(page: Page, key: string) {
  return page.locator(`[data-testid="conversation-item"][data-key="${key}"]`);
}

/** Creates a room through the "New room" dialog; returns its roomId once it is the open conversation. */
export async function createRoom(page: Page, name: string, visibility: "public" | "private"): Promise<string> {
  await page.getByTestId("nav-new-room").click();
  const dialog = page.getByTestId("create-room-dialog");
  await dialog.getByTestId("create-room-name").fill(name);
  await dialog.getByTestId(`create-room-${visibility}`).check();
  await dialog.getByTestId("create-room-submit").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("conversation-title")).toHaveText(name);
  const roomId = await page.getByTestId("message-list").getAttribute("data-key");
  expect(roomId).toMatch(/^r\d+$/);
  return roomId!;
}

/** The row of `userName` in the open user search (new chat, invite), once a search for `prefix` found it. */
export async function findUser(page: Page, userName: string, prefix = userName) {
  await page.getByTestId("user-search-input").fill(prefix);
  const row = page.locator(`[data-testid="user-search-result"][data-user-name="${userName}"]`);
  await expect(row).toBeVisible();
  return row;
}

/** The userId of the user signed in on `page` (from its sessionStorage login). */
export function userIdOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { userId?: string }).userId ?? "");
}

/** Messages the SDK dropped as repeats in this tab (must stay 0). */
export function duplicatesDropped(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { cim: { stats: () => { duplicatesDropped: number } } }).cim.stats().duplicatesDropped);
}

/**
 * Serious and critical axe violations on the page as it is now, as "rule (impact): target — summary" lines. Every
 * rule runs, in the page itself (axe.run, the builder's legacy mode): its default runs each frame apart and merges
 * the results in a blank page it opens and closes each time, which costs a renderer per check; the app has no
 * frames, so the findings are the same.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).setLegacyMode().analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary ?? ""}`));
}

/** axeViolations in the light and the dark scheme (each line says which); the page is left in light. */
export async function axeViolationsInBothSchemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
    found.push(...(await axeViolations(page)).map((line) => `${scheme} ${line}`));
  }
  await page.emulateMedia({ colorScheme: "light" });
  return found;
}

/**
 * Replaces the browser's Notification in `context`'s pages (from their next load) with a test double, already
 * allowed, that records what each page shows; `shownNotifications` reads them.
 */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const notes: Array<{ title: string; body: string }> = [];
    (window as unknown as { testNotes: unknown[] }).testNotes = notes;
    (window as unknown as { Notification: unknown }).Notification = class {
      static permission = "granted";
      static requestPermission = () => Promise.resolve("granted");
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body: string }) {
        notes.push({ title, body: options.body });
      }
      close(): void {}
    };
  });
}

/** The notifications `page` showed since it loaded (see recordNotifications). */
export function shownNotifications(page: Page): Promise<Array<{ title: string; body: string }>> {
  return page.evaluate(() => (window as unknown as { testNotes: Array<{ title: string; body: string }> }).testNotes);
}
