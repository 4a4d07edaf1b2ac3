// The offline shell (apps/web/src/sw): a reload while route is down opens the app from the browser's cache, which
// says it cannot reach the server, keeps resuming, and is back online with route; with route up a reload always gets
// the page from route (a new build shows at once), and nothing of the API is ever kept in the worker's cache. With the
// browser offline the reload opens the app too, which says the device has no network.
import type { Page } from "@playwright/test";
import { newUser as newSdkUser } from "@cim/devstack";
import { conversation, expect, expectOnline, message, say, test, userIdOf } from "./fixtures.js";

/** Waits until the page's service worker is active: the shell (page and hashed assets) is then in its cache. */
async function shellInstalled(page: Page): Promise<void> {
  const state = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? "none");
  await expect.poll(state).toBe("activated");
}

/** Every URL path kept in the worker's caches. */
function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths.sort();
  });
}

test("a reload while route is down opens the cached app, which says so and comes back online with route", async ({ newUser, stack }) => {
  const ann = await newUser("ann");
  const { page } = ann;
  const bob = await newSdkUser(stack.url, "bob");
  try {
    await shellInstalled(page);
    await bob.send({ to: await userIdOf(page), text: "before route went" });
    await conversation(page, bob.session!.userName).click();
    await expect(message(page, "before route went")).toBeVisible();
    const badge = page.getByTestId("connection-state");

    await stack.killRoute();
    try {
      // Without the worker this reload is the browser's own error page (net::ERR_CONNECTION_REFUSED).
      await page.reload();
      await expect(page.getByTestId("chat-screen")).toBeVisible();
      await expect(page.getByTestId("me-name")).toHaveText(ann.userName);
      await expect(message(page, "before route went")).toBeVisible();
      await expect(badge).toHaveAttribute("data-route-down", "true");
      await expect(badge).toContainText("server unreachable");
      await expect(page.getByTestId("login-screen")).toHaveCount(0);
    } finally {
      await stack.reviveRoute();
    }

    // The stored login resumes once route answers: online again, and live.
    await expectOnline(page);
    await expect(badge).toHaveAttribute("data-route-down", "false");
    await expect(badge).not.toContainText("unreachable");
    await bob.send({ to: await userIdOf(page), text: "after route came back" });
    await expect(message(page, "after route came back")).toBeVisible();
    await expect(page.getByTestId("message-text")).toHaveText(["before route went", "after route came back"]);

    // The worker kept the page and the hashed assets only: no answer of the API (all carry Authorization).
    const paths = await cachedPaths(page);
    expect(paths).toContain("/");
    expect(paths.every((path) => path === "/" || /^\/assets\/[^/]+\.(?:js|css)$/.test(path))).toBe(true);
  } finally {
    bob.close();
  }
});

test("a reload while route is frozen (SIGSTOP) opens the cached app after a few seconds, back online when route goes on", async ({ newUser, stack }) => {
  const { page, userName } = await newUser("fred");
  await shellInstalled(page);
  const badge = page.getByTestId("connection-state");
  stack.cluster.route.process.child.kill("SIGSTOP");
  try {
    // Route accepts the connection and never answers: without the worker's timeout the reload would hang for good.
    await page.reload({ timeout: 20_000 });
    await expect(page.getByTestId("me-name")).toHaveText(userName);
    await expect(badge).toHaveAttribute("data-route-down", "true", { timeout: 40_000 });
  } finally {
    stack.cluster.route.process.child.kill("SIGCONT");
  }
  await expectOnline(page);
  await expect(badge).toHaveAttribute("data-route-down", "false");
});

test("with route up, a reload gets the page from route, not the cached one", async ({ newUser }) => {
  const { page, context } = await newUser("cleo");
  await shellInstalled(page);
  // A new build of the page, as route would serve it after a deploy. context.route also sees the worker's fetches.
  await context.route((url) => url.pathname === "/", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace("<head>", '<head><meta name="cim-build" content="next">');
    await route.fulfill({ response, body });
  });
  await page.reload();
  await expect(page.locator('meta[name="cim-build"]')).toHaveAttribute("content", "next");
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
});

test("with the browser offline, a reload opens the cached app, which resumes when the network is back", async ({ newUser }) => {
  const { page, context, userName } = await newUser("dina");
  await shellInstalled(page);
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByTestId("me-name")).toHaveText(userName);
    const badge = page.getByTestId("connection-state");
    await expect(badge).toHaveAttribute("data-state", "reconnecting");
    // The device has no network: route is not to blame.
    await expect(badge).toHaveAttribute("data-network-down", "true");
    await expect(badge).toContainText("no network, retrying");
  } finally {
    await context.setOffline(false);
  }
  await expectOnline(page);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-network-down", "false");
});

test("a message written while offline survives a reload and goes out once when the network is back", async ({ pair: { alice, bob } }) => {
  await shellInstalled(alice.page);
  await alice.page.locator(`[data-testid="online-user"][data-user-name="${bob.userName}"]`).click();
  await say(alice.page, "before");
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, "before")).toBeVisible();
  await alice.context.setOffline(true);
  try {
    await expect(alice.page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
    await say(alice.page, "written offline");
    await expect(message(alice.page, "written offline")).toHaveAttribute("data-status", "sending");
    await alice.page.reload();
    await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
    await expect(message(alice.page, "written offline")).toHaveAttribute("data-status", "sending");
  } finally {
    await alice.context.setOffline(false);
  }
  await expect(message(bob.page, "written offline")).toHaveCount(1);
  await expect(message(alice.page, "written offline")).toHaveAttribute("data-status", /delivered|seen/);
  await expect(message(alice.page, "written offline")).toHaveCount(1);
});

test("a short chat reloaded offline offers no older messages it does not have", async ({ pair: { alice, bob } }) => {
  // Bob is there to be written to.
  await shellInstalled(alice.page);
  await alice.page.locator(`[data-testid="online-user"][data-user-name="${bob.userName}"]`).click();
  await say(alice.page, "the whole chat, line one");
  await say(alice.page, "the whole chat, line two");
  await expect(message(alice.page, "the whole chat, line two")).toHaveAttribute("data-status", /delivered|seen/);
  // Route said the chat starts here: nothing older is offered.
  await expect(alice.page.getByTestId("load-older")).toHaveCount(0);
  await alice.context.setOffline(true);
  try {
    await alice.page.reload();
    await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
    await expect(message(alice.page, "the whole chat, line one")).toBeVisible();
    // Its first message is in the cache: "Load older messages" would only fail without a network, and there is none.
    await expect(alice.page.getByTestId("load-older")).toHaveCount(0);
  } finally {
    await alice.context.setOffline(false);
  }
});
