// The admin dashboard at /admin: online count, both gateways, a live chart of the online count.
import { expect, expectOnline, register, SCREENSHOTS, test } from "./fixtures.js";

test("a third user in a third tab shows up on the dashboard: online 3 on both gateways", async ({ pair, page, stack }) => {
  // A third tab of Alice's browser logs in as Carol: each tab keeps its own login (sessionStorage).
  const carol = await pair.alice.context.newPage();
  await carol.goto("/");
  await register(carol, `carol-${Math.random().toString(36).slice(2, 8)}`);
  await pair.alice.page.reload();
  await expectOnline(pair.alice.page);
  await expect(pair.alice.page.getByTestId("me-name")).toHaveText(pair.alice.userName);
  await page.goto("/admin");
  await page.getByTestId("admin-token").fill("not-the-token");
  await page.getByTestId("admin-submit").click();
  // It says which token is wanted and where a newcomer finds it, not only that this one is wrong.
  await expect(page.getByTestId("admin-error")).toHaveText("That admin token is not valid: enter route's CIM_ADMIN_TOKEN (npm start prints it, and keeps it in .run/stack.json).");

  await page.getByTestId("admin-token").fill(stack.adminToken);
  await page.getByTestId("admin-submit").click();
  await expect(page.getByTestId("admin-online")).toHaveText("3");
  const gateways = page.getByTestId("admin-gateway");
  await expect(gateways).toHaveCount(2);
  await expect(page.locator('[data-testid="admin-gateway"][data-gateway-id="gw-a"]')).toBeVisible();
  await expect(page.locator('[data-testid="admin-gateway"][data-gateway-id="gw-b"]')).toBeVisible();
  const connections = await page.getByTestId("admin-gateway-connections").allInnerTexts();
  expect(connections.map(Number).reduce((a, b) => a + b, 0)).toBe(3);
  expect(connections.every((n) => Number(n) > 0)).toBe(true);

  // The chart grows with every poll.
  await expect.poll(async () => Number(await page.getByTestId("online-chart").getAttribute("data-points"))).toBeGreaterThanOrEqual(3);

  // Messages per second reacts to traffic.
  for (let i = 0; i < 5; i++) {
    await pair.alice.page.getByTestId("composer-input").fill(`burst ${i}`);
    await pair.alice.page.getByTestId("composer-input").press("Enter");
  }
  await expect.poll(async () => Number(await page.getByTestId("admin-rate").innerText())).toBeGreaterThan(0);

  // The token stays for this tab only: a reload keeps the dashboard.
  await page.reload();
  await expect(page.getByTestId("admin-online")).toHaveText("3");
  await expect.poll(async () => Number(await page.getByTestId("online-chart").getAttribute("data-points"))).toBeGreaterThanOrEqual(4);
  await page.screenshot({ path: `${SCREENSHOTS}admin-dashboard.png`, fullPage: true });
});
