// @mentions in a room: alice picks bob from the composer's member list with the keyboard (the open list passes axe);
// bob muted the room, yet the mention notifies him, marks the room "@" until he reads it, and stands out in his view.
import type { Page } from "@playwright/test";
import { axeViolationsInBothSchemes, conversationKey, createRoom, expect, expectOnline, findUser, groupConversation, message, PASSWORD, recordNotifications, say, setHidden, shownNotifications, test } from "./fixtures.js";

/** The session token of the user signed in on `page` (from its sessionStorage login). */
function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem("cim.login") ?? "{}") as { token?: string }).token ?? "");
}

test("a mention picked with the keyboard notifies bob in his muted room, marks it '@' until read, and is highlighted", async ({ pair: { alice, bob } }) => {
  await recordNotifications(bob.context);
  await bob.page.reload();
  await expectOnline(bob.page);
  const notes = () => shownNotifications(bob.page);

  // Alice's room with bob in it; bob mutes it and looks elsewhere, his tab hidden.
  const name = `Plans ${Math.random().toString(36).slice(2, 7)}`;
  const roomId = await createRoom(alice.page, name, "private");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  const room = conversationKey(bob.page, roomId);
  await room.click();
  await bob.page.getByTestId("mute-button").click();
  await expect(room).toHaveAttribute("data-muted", "true");
  await groupConversation(bob.page).click();
  await setHidden(bob.page, true);

  // Without a mention the muted room stays quiet.
  await say(alice.page, "plain news");
  await expect(room.getByTestId("unread-badge")).toHaveText("1");
  await expect(room.getByTestId("mention-badge")).toHaveCount(0);
  await expect(bob.page).toHaveTitle(/^CIM/);

  // "@" offers the members but alice; Escape closes the list, typing opens it again; Down and Enter pick bob.
  const box = alice.page.getByTestId("composer-input");
  const list = alice.page.getByTestId("mention-list");
  const option = list.locator(`[data-testid="mention-option"][data-user-name="${bob.userName}"]`);
  await box.pressSequentially("see @");
  await expect(list.getByTestId("mention-option")).toHaveCount(1);
  await expect(option).toBeVisible();
  await box.pressSequentially("zz");
  await expect(list).toBeHidden();
  await box.press("Backspace");
  await box.press("Backspace");
  await box.pressSequentially("b");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await box.press("Escape");
  await expect(list).toBeHidden();
  await box.pressSequentially("o");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-controls", "mention-list");
  await expect(box).toHaveAttribute("aria-activedescendant", (await option.getAttribute("id"))!);
  expect(await axeViolationsInBothSchemes(alice.page)).toEqual([]);
  await box.press("ArrowDown");
  await box.press("Enter");
  await expect(list).toBeHidden();
  await expect(box).toHaveValue(`see @${bob.userName} `);
  await box.pressSequentially("the plan.");
  await box.press("Enter");
  const text = `see @${bob.userName} the plan.`;
  await expect(message(alice.page, text).getByTestId("mention")).toHaveAttribute("data-me", "false");

  // Bob, muted: notified all the same, "@" beside the count until he reads the room.
  await expect(room.getByTestId("unread-badge")).toHaveText("2");
  await expect(room.getByTestId("mention-badge")).toBeVisible();
  await expect.poll(notes).toEqual([{ title: `\u2068${alice.userName}\u2069 mentioned you in \u2068${name}\u2069`, body: text }]);
  // The tab's title and icon count it too (the mention only: the muted room's plain news stays out), as it was told.
  await expect(bob.page).toHaveTitle(/^\(1\) CIM/);
  await setHidden(bob.page, false);
  await room.click();
  const mention = message(bob.page, text).getByTestId("mention");
  await expect(mention).toHaveText(`@${bob.userName}`);
  await expect(mention).toHaveAttribute("data-me", "true");
  await expect(room.getByTestId("unread-badge")).toHaveCount(0);
  await expect(room.getByTestId("mention-badge")).toHaveCount(0);

  // On a phone, the list shown (Back from the room) is not the room: a mention there counts unread with its "@",
  // until bob opens the room again.
  await bob.page.setViewportSize({ width: 390, height: 760 });
  await bob.page.getByTestId("back-to-list").click();
  await expect(bob.page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
  await say(alice.page, `@${bob.userName} on the phone?`);
  await expect(room.getByTestId("unread-badge")).toHaveText("1");
  await expect(room.getByTestId("mention-badge")).toBeVisible();
  await room.click();
  await expect(message(bob.page, `@${bob.userName} on the phone?`)).toBeVisible();
  await expect(bob.page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");
  await bob.page.getByTestId("back-to-list").click();
  await expect(room.getByTestId("unread-badge")).toHaveCount(0);
  await expect(room.getByTestId("mention-badge")).toHaveCount(0);

  // The mouse picks too, and the box keeps the focus.
  await box.pressSequentially("thanks @B");
  await option.click();
  await expect(box).toHaveValue(`thanks @${bob.userName} `);
  await expect(box).toBeFocused();
});

test("in Everyone, '@' asks route for the users online whose names start with what is typed, never for all of them", async ({ pair: { alice, bob } }) => {
  await groupConversation(alice.page).click();
  const asked: string[] = [];
  alice.page.on("request", (request) => {
    const { pathname, search } = new URL(request.url());
    if (pathname === "/api/online" || pathname.startsWith("/api/rooms/everyone/members")) asked.push(pathname + search);
  });
  const box = alice.page.getByTestId("composer-input");
  const start = bob.userName.slice(0, 5);
  await box.pressSequentially(`hi @${start}`);
  const option = alice.page.getByTestId("mention-list").locator(`[data-testid="mention-option"][data-user-name="${bob.userName}"]`);
  await expect(option).toBeVisible();
  expect(asked.some((url) => url.startsWith("/api/rooms/everyone/members"))).toBe(false);
  expect(asked).toContain(`/api/online?limit=50&prefix=${encodeURIComponent(start)}`);
  await box.press("Enter");
  await expect(box).toHaveValue(`hi @${bob.userName} `);
});

test("a room of many: Members shows 50 with the count and more on request, '@' asks by the name typed, never the whole list", async ({ pair: { alice, bob }, request }) => {
  const roomId = await createRoom(alice.page, `Crowd ${Math.random().toString(36).slice(2, 7)}`, "public");
  const authorization = `Bearer ${await tokenOf(alice.page)}`;
  const invite = async (userId: string) => expect((await request.post(`/api/rooms/${roomId}/members`, { headers: { authorization }, data: { userId } })).status()).toBe(201);
  const bobId = ((await (await request.post("/api/login", { data: { userName: bob.userName, password: PASSWORD } })).json()) as { userId: string }).userId;
  await invite(bobId);
  const stem = `crowd-${Math.random().toString(36).slice(2, 7)}-`;
  for (let i = 0; i < 55; i += 5) {
    const made = await Promise.all(Array.from({ length: 5 }, async (_, j) => {
      const res = await request.post("/api/register", { data: { userName: `${stem}${i + j}`, password: PASSWORD } });
      expect(res.status()).toBe(201);
      return ((await res.json()) as { userId: string }).userId;
    }));
    for (const userId of made) await invite(userId);
  }
  const asked: string[] = [];
  alice.page.on("request", (r) => {
    const { pathname, search } = new URL(r.url());
    if (pathname === `/api/rooms/${roomId}/members`) asked.push(search);
  });

  // 57 members: the first 50 by name, the count of all, then the rest below them.
  await alice.page.getByTestId("room-members-button").click();
  const dialog = alice.page.getByTestId("members-dialog");
  await expect(dialog.getByTestId("member-item")).toHaveCount(50);
  await expect(dialog.getByTestId("members-count")).toHaveText("57 members; 50 shown");
  await dialog.getByTestId("members-more").click();
  await expect(dialog.getByTestId("member-item")).toHaveCount(57);
  await expect(dialog.getByTestId("members-more")).toHaveCount(0);
  // No count of those online: presence is asked for the rows on screen only, so it could not be right.
  await expect(dialog.getByTestId("members-count")).toHaveText("57 members");
  await alice.page.keyboard.press("Escape");

  // "@" and the start of a name: the members whose names start with it.
  const box = alice.page.getByTestId("composer-input");
  const start = bob.userName.slice(0, 5);
  await box.pressSequentially(`hi @${start}`);
  await expect(alice.page.getByTestId("mention-list").locator(`[data-testid="mention-option"][data-user-name="${bob.userName}"]`)).toBeVisible();
  await box.press("Enter");
  await expect(box).toHaveValue(`hi @${bob.userName} `);
  expect(asked).toContain(`?limit=50&prefix=${encodeURIComponent(start)}`);
  // Every request was a page: none asked for the whole list.
  expect(asked.filter((search) => search === "")).toEqual([]);
  expect(asked.length).toBeGreaterThanOrEqual(3);
});
