// Killing a gateway: the page shows reconnecting, lands on the other gateway, nothing typed is lost.
import { expect, expectOnline, gatewayOf, message, say, SCREENSHOTS, test } from "./fixtures.js";

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
  } finally {
    release();
    await stack.revive(dead);
  }
});
