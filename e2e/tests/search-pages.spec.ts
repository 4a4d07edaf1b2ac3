// Message search beyond one page of results: "More results" asks route for the next page (GET /api/search?cursor=).
import { RouteApi, type StoredLogin } from "@cim/client";
import { expect, test } from "./fixtures.js";

test("search shows its first 30 results, and the older ones after More results", async ({ newUser, stack }) => {
  const sam = await newUser("sam");
  const token = await sam.page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin).token);
  const api = new RouteApi(stack.url);
  const tag = Math.random().toString(36).slice(2, 8);
  // In order, so the newest first is 34 down to 0.
  for (let i = 0; i < 35; i++) await api.sendMessage(token, { text: `walrus ${tag} number ${i}` });
  await sam.page.getByTestId("search-input").fill(`walrus ${tag}`);
  const results = sam.page.getByTestId("search-results").getByTestId("search-result");
  await expect(results).toHaveCount(30);
  await expect(results.first()).toContainText(`number 34`);
  await sam.page.getByTestId("search-more").click();
  await expect(results).toHaveCount(35);
  await expect(results.last()).toContainText(`walrus ${tag} number 0`);
  await expect(sam.page.getByTestId("search-more")).toHaveCount(0);
});

test("search says it is searching until route answers for the text typed, not 'No messages found.' while it waits to ask", async ({ newUser, stack }) => {
  const sam = await newUser("sam");
  const token = await sam.page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin).token);
  const tag = Math.random().toString(36).slice(2, 8);
  await new RouteApi(stack.url).sendMessage(token, { text: `otter ${tag} by the river` });
  const input = sam.page.getByTestId("search-input");
  const results = sam.page.getByTestId("search-results");
  // A text nothing matches: said once route has answered.
  await input.fill(`zz${tag}`);
  await expect(results.getByTestId("search-empty")).toBeVisible();
  // The page's clock held: the search waits its pause before asking route, as it does while the user types on.
  await sam.page.clock.install();
  await sam.page.clock.pauseAt(Date.now() + 60_000);
  await input.fill(`otter ${tag}`);
  await expect(results.getByTestId("search-empty")).toHaveCount(0);
  await expect(results).toContainText("Searching…");
  await sam.page.clock.resume();
  await expect(results.getByTestId("search-result")).toHaveCount(1);
  await expect(results.getByTestId("search-empty")).toHaveCount(0);
});
