// A device without a network does not ask servers it cannot reach: the page waits for the browser's `online` event
// (and looks again now and then, in case the browser is wrong), logs nothing, and comes back at once when the
// network returns, also after a reload while offline (the cached shell).
import type { BrowserContext, Page } from "@playwright/test";
import { expect, expectOnline, test } from "./fixtures.js";

/** How long the page is watched while offline: long enough for several retries of the old fixed timers (2-3 s). */
const WATCH_MS = 12_000;

/** Counts the page's route calls and console errors from now on. */
function watch(page: Page): { calls: string[]; errors: string[] } {
  const seen = { calls: [] as string[], errors: [] as string[] };
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/")) seen.calls.push(path);
  });
  page.on("console", (entry) => {
    // With where it came from: a resource that failed to load says only "Failed to load resource" (seen once, under
    // load, after the reload: its URL tells which part of the page asked).
    if (entry.type() === "error") seen.errors.push(`${entry.text()} (${entry.location().url || "no location"})`);
  });
  return seen;
}

/**
 * Watches the offline page for WATCH_MS (no route call, no console error), then gives the network back: the page is
 * online again within expectOnline's 20 s, well before the 60 s its offline retries wait, so the `online` event did it.
 */
async function quietThenBack(page: Page, context: BrowserContext, seen = watch(page)): Promise<void> {
  try {
    await page.waitForTimeout(WATCH_MS);
    expect(seen.calls, "route calls while offline").toEqual([]);
    expect(seen.errors, "console errors while offline").toEqual([]);
  } finally {
    await context.setOffline(false);
  }
  await expectOnline(page);
}

test("offline, a signed-in page stays quiet and is back at once when the network returns", async ({ newUser }) => {
  const { page, context } = await newUser("quin");
  await context.setOffline(true);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "reconnecting");
  await quietThenBack(page, context);
});

test("offline, a reloaded page (the cached shell) stays quiet and resumes at once when the network returns", async ({ newUser }) => {
  const { page, context, userName } = await newUser("quen");
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? "none")).toBe("activated");
  await context.setOffline(true);
  // Watched from the reload on: what the page does as it opens offline counts too.
  const seen = watch(page);
  await page.reload();
  await expect(page.getByTestId("me-name")).toHaveText(userName);
  await quietThenBack(page, context, seen);
});
