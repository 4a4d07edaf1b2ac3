// A reload lists the conversations the tab listed, at once: before, a phone showed only those with cached messages
// (Everyone, a chat) for half a second, then route's list made the others (a room with no message yet) pop in.
import { closeContext } from "./context-close.js";
import { conversation, conversationKey, createRoom, expect, expectOnline, openDevice, register, test } from "./fixtures.js";

test("on a phone, a reload lists every conversation at once, before route's list comes", async ({ browser, baseURL }) => {
  const { context: phone, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `rio-${Math.random().toString(36).slice(2, 8)}`);
    const name = `Quiet ${Math.random().toString(36).slice(2, 7)}`;
    const roomId = await createRoom(page, name, "private");
    await page.getByTestId("back-to-list").click();
    await expect(conversationKey(page, roomId)).toBeVisible();

    // Route's list is held after the reload: the room (no message, nothing cached) is listed all the same, with its tag.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/conversations*", async (route) => {
      await held;
      await route.continue();
    });
    await page.reload();
    await expect(conversation(page, name)).toBeVisible();
    await expect(conversation(page, name)).toContainText("private");
    release();
    await expectOnline(page);
    await expect(conversationKey(page, roomId)).toHaveCount(1);
  } finally {
    await closeContext(browser, phone);
  }
});
