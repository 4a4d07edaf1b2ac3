// A login through a route that does not answer (frozen, or a hung replica behind a balancer): the form says the
// server is not answering and that it keeps trying, asks again on a fresh request, and logs in once an answer comes,
// instead of showing only "Please wait…" for the SDK's whole timeout (30 s).
import type { Route } from "@playwright/test";
import { RouteApi } from "@cim/client";
import { closeContext } from "./context-close.js";
import { expect, expectOnline, openDevice, PASSWORD, test } from "./fixtures.js";

test("a login route does not answer says so, is asked again and goes through", async ({ browser, stack }) => {
  const userName = `frozen-${Math.random().toString(36).slice(2, 8)}`;
  await new RouteApi(stack.url).register(userName, PASSWORD);
  const held: Route[] = [];
  const { context, page } = await openDevice(browser, stack.url, {
    // The first login request is never answered (the route that took it froze); later ones go through, after 2 s
    // (a route slow to answer), so the page shows the note that long.
    beforeLoad: (page) =>
      page.route("**/api/login", (route) => {
        if (held.length === 0) held.push(route);
        else setTimeout(() => void route.continue().catch(() => undefined), 2_000);
      }),
  });
  try {
    await page.getByTestId("login-mode-login").click();
    await page.getByTestId("login-username").fill(userName);
    await page.getByTestId("login-password").fill(PASSWORD);
    const clicked = Date.now();
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-submit")).toHaveText("Please wait…");
    // Told within the SDK's attempt timeout (8 s), long before its whole timeout.
    await expect(page.getByTestId("login-waiting")).toHaveText("The server is not answering. Still trying…", { timeout: 15_000 });
    await expectOnline(page);
    expect(Date.now() - clicked).toBeLessThan(20_000);
    expect(held).toHaveLength(1);
    await expect(page.getByTestId("login-screen")).toHaveCount(0);
  } finally {
    for (const route of held) await route.abort().catch(() => undefined);
    await closeContext(browser, context);
  }
});
