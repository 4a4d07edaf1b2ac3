// The members dialog of a large room asks presence for the members on screen, not for every member loaded: the
// gateway's PresenceSubscribe is bounded (500 ids) and replaces the whole list, so a long list loaded with "Show more"
// took the places of the private chats' peers and the online panel.
import { decodeFrame } from "@cim/protocol";
import { createRoom, expect, expectOnline, PASSWORD, test } from "./fixtures.js";

test("the members dialog subscribes the presence of the members on screen, as the list scrolls", async ({ pair: { alice }, request }) => {
  const roomId = await createRoom(alice.page, `Crowd ${Math.random().toString(36).slice(2, 7)}`, "public");
  const token = await alice.page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
  const headers = { authorization: `Bearer ${token}` };
  const stem = `crowd-${Math.random().toString(36).slice(2, 7)}-`;
  const crowd: string[] = [];
  const idOf = new Map<string, string>();
  for (let i = 0; i < 60; i += 10) {
    crowd.push(...(await Promise.all(Array.from({ length: 10 }, async (_, j) => {
      const userName = `${stem}${String(i + j).padStart(2, "0")}`;
      const res = await request.post("/api/register", { data: { userName, password: PASSWORD } });
      expect(res.status()).toBe(201);
      const { userId } = (await res.json()) as { userId: string };
      idOf.set(userName, userId);
      return userId;
    }))));
  }
  for (const userId of crowd) expect((await request.post(`/api/rooms/${roomId}/members`, { headers, data: { userId } })).status()).toBe(201);

  // The page's presence subscriptions, from a reload on (the socket is opened again).
  let subscribed: string[] = [];
  alice.page.on("websocket", (socket) => socket.on("framesent", ({ payload }) => {
    const frame = decodeFrame(typeof payload === "string" ? Buffer.from(payload) : payload);
    if (frame.kind === "presenceSubscribe") subscribed = frame.body.userIds;
  }));
  await alice.page.reload();
  await expectOnline(alice.page);

  await alice.page.getByTestId("room-members-button").click();
  const dialog = alice.page.getByTestId("members-dialog");
  await expect(dialog.getByTestId("member-item")).toHaveCount(50);
  await dialog.getByTestId("members-more").click();
  await expect(dialog.getByTestId("member-item")).toHaveCount(61);
  // The rows' order is the pages' (route's order, then the next page below), each page's online members first.
  const rows = dialog.getByTestId("member-item");
  const first = idOf.get((await rows.nth(1).getAttribute("data-user-name"))!)!;
  const last = idOf.get((await rows.last().getAttribute("data-user-name"))!)!;
  // The rows the dialog shows, far fewer than the 61 loaded: scrolled to the bottom, the last members and not the
  // first; scrolled to the top, the first and no longer the last.
  const ofCrowd = () => subscribed.filter((id) => crowd.includes(id)).length;
  await rows.last().scrollIntoViewIfNeeded();
  await expect.poll(() => subscribed.includes(last) && !subscribed.includes(first)).toBe(true);
  expect(ofCrowd()).toBeLessThan(40);
  await rows.first().scrollIntoViewIfNeeded();
  await expect.poll(() => subscribed.includes(first) && !subscribed.includes(last)).toBe(true);
  expect(ofCrowd()).toBeLessThan(40);
});
