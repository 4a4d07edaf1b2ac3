// A room's owner manages it from the members dialog: renames it (every member's list follows) and removes a
// member, whose open app loses the room at once (or when it is back online, told why all the same); a rename made
// while a member is offline shows when it is back.
import type { Page } from "@playwright/test";
import { RouteApi } from "@cim/client";
import { closeContext } from "./context-close.js";
import { conversationKey, createRoom, expect, findUser, message, openDevice, PASSWORD, register, say, test, userIdOf } from "./fixtures.js";

function member(page: Page, userName: string) {
  return page.locator(`[data-testid="member-item"][data-user-name="${userName}"]`);
}

test("the owner renames a room and removes a member, whose window drops the room", async ({ pair: { alice, bob } }) => {
  const suffix = Math.random().toString(36).slice(2, 7);
  const roomId = await createRoom(alice.page, `Crew ${suffix}`, "private");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  await say(alice.page, "hello crew");
  await conversationKey(bob.page, roomId).click();
  await expect(message(bob.page, "hello crew")).toBeVisible();

  // Bob, not the owner, sees neither Rename nor Remove, and who the owner is (the one to ask).
  await bob.page.getByTestId("room-members-button").click();
  await expect(member(bob.page, alice.userName)).toBeVisible();
  await expect(member(bob.page, alice.userName).getByTestId("member-owner")).toHaveText("owner");
  await expect(member(bob.page, bob.userName).getByTestId("member-owner")).toHaveCount(0);
  await expect(bob.page.getByTestId("rename-room")).toHaveCount(0);
  await expect(bob.page.getByTestId("remove-member")).toHaveCount(0);
  await bob.page.keyboard.press("Escape");
  // The room's name in his header opens the same dialog, without a name box.
  await bob.page.getByTestId("room-title-button").click();
  await expect(member(bob.page, alice.userName)).toBeVisible();
  await expect(bob.page.getByTestId("rename-input")).toHaveCount(0);
  await bob.page.keyboard.press("Escape");

  // The owner renames it: her header and Bob's list show the new name.
  await alice.page.getByTestId("room-members-button").click();
  const members = alice.page.getByTestId("members-dialog");
  // From the keyboard: the name box takes the focus, Enter saves, and the focus is back on Rename.
  await members.getByTestId("rename-room").click();
  await expect(members.getByTestId("rename-input")).toBeFocused();
  await alice.page.keyboard.type(`Renamed ${suffix}`);
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(`Renamed ${suffix}`);
  await expect(members.getByTestId("rename-room")).toBeFocused();
  await expect(conversationKey(bob.page, roomId)).toContainText(`Renamed ${suffix}`);
  // Bob has the room open: a quiet line there says who renamed it, after the last message (the first line, above
  // the messages, says who added him); Alice's says "You".
  await expect(bob.page.getByTestId("room-notice")).toHaveText([`${alice.userName} added you to the room`, `${alice.userName} renamed the room to Renamed ${suffix}`]);
  expect(await message(bob.page, "hello crew").evaluate((el) => el.nextElementSibling?.getAttribute("data-testid"))).toBe("room-notice");
  await expect(alice.page.getByTestId("room-notice")).toHaveText([`You added ${bob.userName} to the room`, `You renamed the room to Renamed ${suffix}`]);
  // Kept in the room's history: after a reload both lines are still there, in their places.
  await bob.page.reload();
  await conversationKey(bob.page, roomId).click();
  await expect(message(bob.page, "hello crew")).toBeVisible();
  await expect(bob.page.getByTestId("room-notice")).toHaveText([`${alice.userName} added you to the room`, `${alice.userName} renamed the room to Renamed ${suffix}`]);
  expect(await message(bob.page, "hello crew").evaluate((el) => el.nextElementSibling?.getAttribute("data-testid"))).toBe("room-notice");

  // The owner removes Bob after confirming: the room leaves Bob's open window, and the member list loses him.
  await expect(member(alice.page, alice.userName).getByTestId("remove-member")).toHaveCount(0);
  // The confirmation takes the focus (Cancel gives it back to Remove); Enter confirms, and the count gets it.
  await member(alice.page, bob.userName).getByTestId("remove-member").click();
  await expect(member(alice.page, bob.userName).getByTestId("remove-confirm")).toBeFocused();
  await member(alice.page, bob.userName).getByRole("button", { name: "Cancel" }).click();
  await expect(member(alice.page, bob.userName).getByTestId("remove-member")).toBeFocused();
  await alice.page.keyboard.press("Enter");
  await expect(member(alice.page, bob.userName).getByTestId("remove-confirm")).toBeFocused();
  await alice.page.keyboard.press("Enter");
  await expect(members.getByTestId("member-item")).toHaveCount(1);
  await expect(members.getByTestId("members-count")).toBeFocused();
  await expect(conversationKey(bob.page, roomId)).toHaveCount(0);
  await expect(bob.page.getByTestId("room-notice")).toContainText(`You were removed from Renamed ${suffix}`);
  await expect(bob.page.getByTestId("conversation-title")).toHaveText("Everyone");
  await bob.page.getByTestId("room-notice-dismiss").click();
  await expect(bob.page.getByTestId("room-notice")).toHaveCount(0);

  // Invited again, then removed while his browser is offline: back online, the room goes and he is told why.
  await alice.page.keyboard.press("Escape");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  // Renamed while his browser is offline (its socket dropped): back online, his list and open room show the new name.
  await conversationKey(bob.page, roomId).click();
  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
  // This time from the room's name in the header, which opens the members dialog with the name box ready.
  await alice.page.getByTestId("room-title-button").click();
  await expect(members.getByTestId("rename-input")).toBeFocused();
  await expect(members.getByTestId("rename-input")).toHaveValue(`Renamed ${suffix}`);
  await members.getByTestId("rename-input").fill(`Again ${suffix}`);
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(`Again ${suffix}`);
  await bob.context.setOffline(false);
  await expect(bob.page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
  await expect(conversationKey(bob.page, roomId)).toContainText(`Again ${suffix}`);
  await expect(bob.page.getByTestId("conversation-title")).toHaveText(`Again ${suffix}`);
  await alice.page.keyboard.press("Escape");

  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "online");
  await alice.page.getByTestId("room-members-button").click();
  await member(alice.page, bob.userName).getByTestId("remove-member").click();
  await member(alice.page, bob.userName).getByTestId("remove-confirm").click();
  await expect(members.getByTestId("member-item")).toHaveCount(1);
  await bob.context.setOffline(false);
  await expect(conversationKey(bob.page, roomId)).toHaveCount(0);
  await expect(bob.page.getByTestId("room-notice")).toContainText(`You are no longer a member of Again ${suffix}`);

  // Invited back, the notice is no longer true: it goes by itself (it stayed, under the room he was back in), and
  // says who added him back instead, until he opens the room.
  await alice.page.keyboard.press("Escape");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  await expect(bob.page.getByTestId("room-notice")).toContainText(`${alice.userName} added you to Again ${suffix}`);
  await conversationKey(bob.page, roomId).click();
  await expect(bob.page.getByTestId("room-notice-dismiss")).toHaveCount(0);
});

test("on a phone showing the room, a removal goes back to the list, which says why", async ({ browser, stack }) => {
  const { context: phone, page } = await openDevice(browser, stack.url, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    const api = new RouteApi(stack.url);
    const owner = `olga-${Math.random().toString(36).slice(2, 8)}`;
    await api.register(owner, PASSWORD);
    const { token } = await api.login(owner, PASSWORD);
    await register(page, `pete-${Math.random().toString(36).slice(2, 8)}`);
    const userId = await userIdOf(page);
    const room = await api.createRoom(token, { name: `Band ${Math.random().toString(36).slice(2, 6)}`, visibility: "private" });
    await api.invite(token, room.roomId, userId);
    await conversationKey(page, room.roomId).tap();
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "conversation");

    await api.removeMember(token, room.roomId, userId);
    await expect(page.getByTestId("chat-screen")).toHaveAttribute("data-view", "list");
    await expect(page.getByTestId("room-notice-dismiss")).toBeVisible();
    await expect(page.locator('[data-testid="room-notice"][aria-label="Notice"]')).toContainText(`You were removed from ${room.name}`);
  } finally {
    await closeContext(browser, phone);
  }
});

test("the owner's Leave says that nobody can rename the room or remove members until the owner is back", async ({ newUser }) => {
  // ux23: the owner's Leave said only "You can join it again from the room directory"; route keeps the owner's rights
  // for the owner's return, so a room left by its owner cannot be renamed nor its members removed by anyone meanwhile.
  const { page } = await newUser("owner");
  for (const visibility of ["public", "private"] as const) {
    await createRoom(page, `Left by its owner ${visibility}`, visibility);
    await page.getByTestId("room-leave-button").click();
    await expect(page.getByTestId("leave-room-dialog")).toContainText("You own it: until you are a member again, nobody can rename it or remove members.");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("leave-room-dialog")).toHaveCount(0);
  }
  // After a reload too, where the owner comes from route's list of rooms.
  await page.reload();
  await expect(page.getByTestId("conversation-title")).toHaveText("Left by its owner private");
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online");
  await page.getByTestId("room-leave-button").click();
  await expect(page.getByTestId("leave-room-dialog")).toContainText("You own it");
});
