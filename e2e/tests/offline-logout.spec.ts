// A logout made while route cannot hear it (no network, route unreachable) still ends the login on the server: the
// device keeps what is needed and sends it once route answers, from the same tab or the next one of this origin.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";

/** The session token of the user signed in on `page` (from its sessionStorage login). */
function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
}

/** Route's status for a call made with `token` from outside the browser: 200 while the login lives, 401 once it ended. */
async function routeStatus(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/online`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

test("a logout made offline ends the login on the server once the network is back", async ({ newUser, stack }) => {
  const { page, context } = await newUser("olga");
  const token = await tokenOf(page);
  expect(token).not.toBe("");

  await context.setOffline(true);
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  // Told that the server ends it later; meanwhile route still accepts the token (it has heard nothing).
  await expect(page.getByTestId("logout-pending")).toHaveText(/ends that login as soon as this device is online again/);
  expect(await routeStatus(stack.url, token)).toBe(200);
  expect(await page.evaluate(() => sessionStorage.getItem("cim.login"))).toBeNull();

  await context.setOffline(false);
  await expect.poll(() => routeStatus(stack.url, token)).toBe(401);
  await expect(page.getByTestId("logout-pending")).toHaveText("");
});

test("what a logout made offline leaves on the device ends that login and opens nothing else (a shared computer)", async ({ newUser, stack }) => {
  const { page, context } = await newUser("oscar");
  const token = await tokenOf(page);
  await context.setOffline(true);
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("logout-pending")).toHaveText(/ends that login as soon as this device is online again/);
  // The next user of this browser profile reads localStorage: nothing in it lets them go on as oscar.
  const kept = await page.evaluate(() => Object.keys(localStorage).map((key) => localStorage.getItem(key) ?? ""));
  const candidates = kept.flatMap((value) => value.match(/[\w-]+\.[\w-]+\.[\w-]+/g) ?? []);
  expect(candidates.length).toBeGreaterThan(0);
  for (const candidate of candidates) {
    expect(candidate).not.toBe(token);
    expect(await routeStatus(stack.url, candidate)).toBe(401);
  }
  expect(await routeStatus(stack.url, token)).toBe(200);
  await context.setOffline(false);
  await expect.poll(() => routeStatus(stack.url, token)).toBe(401);
  await expect(page.getByTestId("logout-pending")).toHaveText("");
});

test("a logout route did not answer is sent by the next tab of this device", async ({ newUser, stack }) => {
  const { page, context } = await newUser("otto");
  const token = await tokenOf(page);
  // Route unreachable for the logout only (the device has a network): it fails as a lost connection does.
  await page.route("**/api/logout", (request) => request.abort("connectionfailed"));
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-screen")).toBeVisible();
  await expect(page.getByTestId("logout-pending")).toHaveText(/ends that login as soon as this device is online again/);
  expect(await routeStatus(stack.url, token)).toBe(200);
  // The tab is closed before it could try again; the next tab of this origin (the same browser profile) sends it.
  await page.close();
  expect(await routeStatus(stack.url, token)).toBe(200);
  const next = await context.newPage();
  await next.goto("/");
  await expect(next.getByTestId("login-screen")).toBeVisible();
  await expect.poll(() => routeStatus(stack.url, token)).toBe(401);
  await expect(next.getByTestId("logout-pending")).toHaveText("");
});
