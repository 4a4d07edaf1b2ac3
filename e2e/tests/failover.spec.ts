// Killing a gateway: the page shows reconnecting, lands on the other gateway, nothing typed is lost.
import { RouteApi } from "@cim/client";
import { expect, expectOnline, gatewayOf, message, onlineUser, say, SCREENSHOTS, test } from "./fixtures.js";

test("after a gateway is killed the page reconnects to the other one and chatting goes on", async ({ pair: { alice, bob }, stack }) => {
  const dead = await gatewayOf(alice.page);
  const survivor = await gatewayOf(bob.page);
  expect(dead).not.toBe(survivor);
  await say(alice.page, "before the crash");
  await expect(message(bob.page, "before the crash")).toBeVisible();

  // Hold Alice's reconnect request a moment so the reconnecting state can be seen and typed into.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await alice.page.route("**/api/reconnect", async (route) => {
    await held;
    await route.continue();
  });

  try {
    await stack.kill(dead);
    await expect(alice.page.getByTestId("connection-state")).toHaveAttribute("data-state", "reconnecting");
    await expect(alice.page.getByTestId("reconnect-notice")).toBeVisible();
    await say(alice.page, "typed while reconnecting");
    await expect(message(alice.page, "typed while reconnecting")).toHaveAttribute("data-status", "sending");
    await alice.page.screenshot({ path: `${SCREENSHOTS}chat-reconnecting.png` });
    // The held request goes on now; later reconnects pass the route at once.
    release();

    await expectOnline(alice.page);
    expect(await gatewayOf(alice.page)).toBe(survivor);
    await expect(message(alice.page, "typed while reconnecting")).toHaveAttribute("data-status", "sent");
    await expect(message(bob.page, "typed while reconnecting")).toBeVisible();
    await expect(message(bob.page, "typed while reconnecting")).toHaveCount(1);

    await say(bob.page, "still here after the crash");
    await expect(message(alice.page, "still here after the crash")).toBeVisible();
    await say(alice.page, "and so am I");
    await expect(message(bob.page, "and so am I")).toBeVisible();
    await alice.page.screenshot({ path: `${SCREENSHOTS}chat-after-failover.png` });

    // Once route has dropped the dead gateway and released its users, Alice (who moved) stays online.
    const api = new RouteApi(stack.url);
    await expect.poll(async () => (await api.adminStats(stack.adminToken)).gateways.map((g) => g.id), { timeout: 30_000 }).toEqual([survivor]);
    await expect(onlineUser(bob.page, alice.userName)).toBeVisible();
    await expect(onlineUser(alice.page, bob.userName)).toBeVisible();
    expect((await api.adminStats(stack.adminToken)).online).toBeGreaterThanOrEqual(2);
  } finally {
    release();
    await stack.revive(dead);
  }
});

test("login explains that no gateway is available", async ({ page, stack, newUser }) => {
  const { userName } = await newUser("dave");
  await page.goto("/");
  try {
    await Promise.all([stack.kill("gw-a"), stack.kill("gw-b")]);
    await page.getByTestId("login-username").fill(userName);
    await page.getByTestId("login-password").fill("cim-test-pass-1");
    // Route drops the gateways once their ZooKeeper sessions expire (a few seconds).
    await expect(async () => {
      await page.getByTestId("login-submit").click();
      await expect(page.getByTestId("login-error")).toContainText("No chat server", { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}login-no-gateway.png` });
  } finally {
    await Promise.all([stack.revive("gw-a"), stack.revive("gw-b")]);
  }
  // The gateways are back on new addresses, which the policy route sent with this page (connect-src names the
  // gateways live at load) does not allow: the page says to reload instead of hanging.
  await expect(async () => {
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-error")).toContainText("Reload the page", { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await page.reload();
  await page.getByTestId("login-username").fill(userName);
  await page.getByTestId("login-password").fill("cim-test-pass-1");
  await page.getByTestId("login-submit").click();
  await expectOnline(page);
});

test("a signed-in page whose gateways all moved to new addresses reloads itself and resumes its login", async ({ newUser, stack }) => {
  const { page, userName } = await newUser("gail");
  try {
    await Promise.all([stack.kill("gw-a"), stack.kill("gw-b")]);
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "reconnecting");
  } finally {
    await Promise.all([stack.revive("gw-a"), stack.revive("gw-b")]);
  }
  // Route hands out the new gateways, the page's policy refuses them, the page reloads for a fresh policy.
  await expectOnline(page);
  await expect(page.getByTestId("me-name")).toHaveText(userName);
});

test("a login that route hands a gateway that has just died gets online on the other gateway", async ({ page, stack, newUser }) => {
  const { userName } = await newUser("erin");
  // Route still lists a gateway for a few seconds after it dies (until its health check or ZooKeeper notices):
  // answer the login with the dead gateway, as route does in that window.
  const dead = "gw-a";
  const deadUrl = `ws://127.0.0.1:${stack.gateway(dead).port}/ws`;
  await page.route("**/api/login", async (route) => {
    const response = await route.fetch();
    const answer = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...answer, gateway: { id: dead, wsUrl: deadUrl } } });
  });
  await page.goto("/");
  try {
    await stack.kill(dead);
    await page.getByTestId("login-username").fill(userName);
    await page.getByTestId("login-password").fill("cim-test-pass-1");
    await page.getByTestId("login-submit").click();
    await expectOnline(page);
    expect(await gatewayOf(page)).toBe("gw-b");
    await expect(page.getByTestId("login-error")).toHaveCount(0);
  } finally {
    await stack.revive(dead);
  }
});
