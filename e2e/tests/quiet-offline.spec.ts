// A device without a network does not ask servers it cannot reach: the page waits for the browser's `online` event
// (and looks again now and then, in case the browser is wrong), logs nothing, and comes back at once when the
// network returns, also after a reload while offline (the cached shell).
import type { Page } from "@playwright/test";
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
    if (entry.type() === "error") seen.errors.push(entry.text());
  });
  return seen;
}

test("offline, a signed-in page stays quiet and is back at once when the network returns", async ({ newUser }) => {
  const { page, context } = await newUser("quin");
  await context.setOffline(true);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "reconnecting");
  const seen = watch(page);
  try {
    await page.waitForTimeout(WATCH_MS);
    expect(seen.calls, "route calls while offline").toEqual([]);
    expect(seen.errors, "console errors while offline").toEqual([]);
  } finally {
    await context.setOffline(false);
  }
  const back = Date.now();
  await expectOnline(page);
  expect(Date.now() - back, "ms to come back").toBeLessThan(3_000);
});

test("offline, a reloaded page (the cached shell) stays quiet and resumes at once when the network returns", async ({ newUser }) => {
  const { page, context, userName } = await newUser("quen");
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? "none")).toBe("activated");
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByTestId("me-name")).toHaveText(userName);
    const seen = watch(page);
    await page.waitForTimeout(WATCH_MS);
    expect(seen.calls, "route calls while offline").toEqual([]);
    expect(seen.errors, "console errors while offline").toEqual([]);
  } finally {
    await context.setOffline(false);
  }
  const back = Date.now();
  await expectOnline(page);
  expect(Date.now() - back, "ms to come back").toBeLessThan(3_000);
});
