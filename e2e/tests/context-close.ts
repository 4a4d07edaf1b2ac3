// Closing a test's browser context with a bound. Chromium can drop the close of a page that is committing a
// navigation it started itself (crbug.com/536385539; Playwright issues 42068 and 42366, whose fix, closing the page
// again, was not merged): Target.disposeBrowserContext then never answers and context.close() never settles. The app
// navigates itself at the end of some tests (a page whose policy refuses the restarted gateways reloads, failover.spec),
// and a fixture's close once hung so until the test's 120 s timeout.
import type { Browser, BrowserContext, Page } from "@playwright/test";

/** A context gets this long to close before its pages are closed again (it takes 0.4-2 s on a loaded machine). */
const CLOSE_WITHIN_MS = 15_000;

/** Chromium's id of each context the fixtures opened, to find its pages' targets if its close hangs. */
const contextIds = new WeakMap<BrowserContext, string>();

/** Notes Chromium's id of `page`'s context, for closeContext. */
export async function rememberContextId(context: BrowserContext, page: Page): Promise<void> {
  const session = await context.newCDPSession(page);
  try {
    const { targetInfo } = await session.send("Target.getTargetInfo");
    if (targetInfo.browserContextId) contextIds.set(context, targetInfo.browserContextId);
  } finally {
    await session.detach();
  }
}

/**
 * Closes `context`; if that has not settled within CLOSE_WITHIN_MS, closes each of its pages again over CDP (what
 * the unmerged Playwright fix does) and waits as long once more. A close that fails, or still hangs, fails the test.
 */
export async function closeContext(browser: Browser, context: BrowserContext): Promise<void> {
  const closing = context.close();
  if (await settlesWithin(closing, CLOSE_WITHIN_MS)) return closing;
  const pages = context.pages().map((page) => page.url()).join(", ");
  console.warn(`context.close() has not settled in ${CLOSE_WITHIN_MS / 1000} s (pages: ${pages}): closing its pages again`);
  const closed = await closePageTargets(browser, context);
  if (await settlesWithin(closing, CLOSE_WITHIN_MS)) return closing;
  throw new Error(`context.close() has not settled in ${(2 * CLOSE_WITHIN_MS) / 1000} s, ${closed} page(s) closed again (pages: ${pages})`);
}

/** Sends Target.closeTarget for each page of `context` Chromium still has; returns how many. */
async function closePageTargets(browser: Browser, context: BrowserContext): Promise<number> {
  const id = contextIds.get(context);
  if (!id) return 0;
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send("Target.getTargets");
    const pages = targetInfos.filter((target) => target.type === "page" && target.browserContextId === id);
    for (const page of pages) await cdp.send("Target.closeTarget", { targetId: page.targetId }).catch(() => undefined);
    return pages.length;
  } finally {
    await cdp.detach();
  }
}

/** Whether `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
