// Tokens that expire while a page is open (route CIM_TOKEN_TTL_SECONDS at its minimum, 30 s): the SDK renews
// the token before it expires, the gateway's 4440 at the old token's expiry is followed by a login with the
// new one, and the user stays signed in and chatting, until the login's absolute end (CIM_SESSION_MAX_SECONDS)
// when route refuses to renew (401) and the page is signed out.
import { startCluster, type Cluster } from "@cim/devstack";
import { closeContext } from "./context-close.js";
import { expect, expectOnline, message, openDevice, register, say, test } from "./fixtures.js";

const TOKEN_TTL_S = 30;

test.describe("token expiry", () => {
  test.describe.configure({ timeout: 240_000 });
  let cluster: Cluster;
  test.beforeAll(async () => {
    // No clock tolerance: the gateway closes at the token's expiry itself, not 60 s later.
    cluster = await startCluster({ gateways: 1, env: { CIM_CLOCK_TOLERANCE_SECONDS: "0" }, routeEnv: { CIM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_S), CIM_SESSION_MAX_SECONDS: String(TOKEN_TTL_S * 2) } });
  });
  test.afterAll(async () => {
    await cluster?.stop();
  });

  test("a token expiring while the page is open is renewed and the page stays signed in, until the login's absolute end", async ({ browser }) => {
    const closes: number[] = [];
    const { context, page } = await openDevice(browser, cluster.route.url, {
      beforeLoad: async (page) => void page.on("websocket", (ws) => ws.on("close", () => closes.push(Date.now()))),
    });
    try {
      await register(page, `tess-${Math.random().toString(36).slice(2, 8)}`);
      const token = () => page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
      const first = await token();

      // Renewed ahead of expiry (at half the lifetime here) and kept for a reload.
      await expect.poll(token, { timeout: TOKEN_TTL_S * 1000 }).not.toBe(first);
      // At the first token's expiry the gateway closes its socket (4440); the page logs in again at once.
      await expect.poll(() => closes.length, { timeout: TOKEN_TTL_S * 1000 }).toBeGreaterThan(0);
      await expectOnline(page);
      await say(page, "still here after my token expired");
      await expect(message(page, "still here after my token expired")).toHaveAttribute("data-status", "sent");
      await expect(page.getByTestId("login-screen")).toHaveCount(0);
      // The renewed token resumes a reload.
      await page.reload();
      await expectOnline(page);

      // The login's absolute end: the last token expires with it, route refuses to renew it, the page signs out.
      await expect(page.getByTestId("login-screen")).toBeVisible({ timeout: TOKEN_TTL_S * 1000 + 20_000 });
      await expect(page.getByTestId("login-error")).toContainText("session has expired");
    } finally {
      await closeContext(browser, context);
    }
  });
});
