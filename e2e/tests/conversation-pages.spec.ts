// A user in more conversations than one page of route's list: the first page shows, the next pages follow on their
// own (up to 300 conversations, so the tab's unread count covers them), and past that as the list is scrolled to its
// end (GET /api/conversations?cursor=&limit=).
import { RouteApi, type StoredLogin } from "@cim/client";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";

function token(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin).token);
}

test("the conversation list shows route's first page, then the next without a scroll, with its unread in the title", async ({ pair: { alice, bob }, stack }) => {
  const api = new RouteApi(stack.url);
  const [aliceToken, bobToken] = await Promise.all([token(alice.page), token(bob.page)]);
  // 33 rooms for Alice (a user may create 20): 20 of her own, 13 of Bob's she joins; with Everyone 34 conversations.
  const suffix = Math.random().toString(36).slice(2, 6);
  const own = await Promise.all(Array.from({ length: 20 }, (_, i) => api.createRoom(aliceToken, { name: `Mine ${suffix} ${i}`, visibility: "private" })));
  const bobs = await Promise.all(Array.from({ length: 13 }, (_, i) => api.createRoom(bobToken, { name: `Bobs ${suffix} ${i}`, visibility: "public" })));
  for (const room of bobs) await api.joinRoom(aliceToken, room.roomId);
  expect(own).toHaveLength(20);
  // Bob's message in his first room, then one of Alice's in each other room: that room is the 33rd by activity, on
  // route's second page.
  await api.sendMessage(bobToken, { room: bobs[0]!.roomId, text: "on the second page" });
  for (const room of [...own, ...bobs.slice(1)]) await api.sendMessage(aliceToken, { room: room.roomId, text: "newer" });

  // A fresh page: what it lists comes from route's pages only.
  let asked: string[] = [];
  // Only the reloaded page's requests: the page before it may still be reading its pages as the reload starts.
  alice.page.on("framenavigated", (frame) => {
    if (frame === alice.page.mainFrame()) asked = [];
  });
  alice.page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname === "/api/conversations") asked.push(url.search);
  });
  await alice.page.reload();
  const rooms = alice.page.getByTestId("room-list").getByTestId("conversation-item");
  await expect(rooms).toHaveCount(34);
  await expect(alice.page).toHaveTitle(/^\(1\) CIM/);
  // The list shows at once from this device's cache, before route's pages are asked for (reload-list.spec): they are
  // waited for, not read at that moment (they were not asked yet once, under load).
  await expect.poll(() => asked[0]).toBe("?limit=30");
  await expect(alice.page.getByTestId("conversation-more")).toHaveCount(0);
  await expect.poll(() => asked.filter((query) => query.includes("cursor=")).length).toBe(1);
});
