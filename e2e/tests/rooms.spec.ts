// Rooms: a private room with an invited member, chatting across gateways while an outsider sees nothing; a public
// room found in the directory and joined; members with their online state; leaving.
import { CimApiError, RouteApi, type StoredLogin } from "@cim/client";
import type { Page } from "@playwright/test";
import { conversation, conversationKey, createRoom, expect, findUser, gatewayOf, groupConversation, message, say, SCREENSHOTS, test } from "./fixtures.js";

function storedLogin(page: Page): Promise<StoredLogin> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("cim.login") ?? "null") as StoredLogin);
}

function member(page: Page, userName: string) {
  return page.locator(`[data-testid="member-item"][data-user-name="${userName}"]`);
}

test("a private room: the owner invites a user by name, both chat across gateways, an outsider sees nothing", async ({ pair: { alice, bob }, newUser, stack }) => {
  const carol = await newUser("carol");
  expect(await gatewayOf(alice.page)).not.toBe(await gatewayOf(bob.page));
  const name = `Ops ${Math.random().toString(36).slice(2, 7)}`;
  const roomId = await createRoom(alice.page, name, "private");
  // The new room's message box has the focus (not the "+ New" that opened the dialog).
  await expect(alice.page.getByTestId("composer-input")).toBeFocused();
  await expect(conversationKey(alice.page, roomId)).toHaveAttribute("data-kind", "room");
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private room");

  // Invite Bob, found by his name.
  await alice.page.getByTestId("room-invite-button").click();
  const invite = alice.page.getByTestId("invite-dialog");
  await expect(invite.getByTestId("user-search-input")).toBeFocused();
  const row = await findUser(alice.page, bob.userName);
  await expect(row).toHaveAttribute("data-online", "true");
  await row.getByTestId("user-search-pick").click();
  await expect(row.getByTestId("user-search-done")).toHaveText("Invited");
  await alice.page.screenshot({ path: `${SCREENSHOTS}rooms-invite.png` });
  await alice.page.keyboard.press("Escape");
  await expect(invite).toBeHidden();

  // The room appears in Bob's list at once (membership event), and they chat in it from two gateways.
  await expect(conversationKey(bob.page, roomId)).toBeVisible();
  await say(alice.page, "welcome to the ops room");
  await expect(conversationKey(bob.page, roomId).getByTestId("unread-badge")).toHaveText("1");
  await conversationKey(bob.page, roomId).click();
  await expect(message(bob.page, "welcome to the ops room")).toBeVisible();
  // His room says who added him.
  await expect(bob.page.getByTestId("room-notice")).toHaveText(`${alice.userName} added you to the room`);
  await expect(message(bob.page, "welcome to the ops room").getByTestId("message-sender")).toHaveText(alice.userName);
  await say(bob.page, "glad to be here");
  await expect(message(alice.page, "glad to be here")).toBeVisible();
  await expect(message(bob.page, "glad to be here")).toHaveAttribute("data-status", "sent");

  // Members, with their online state.
  await alice.page.getByTestId("room-members-button").click();
  const members = alice.page.getByTestId("members-dialog");
  await expect(members.getByTestId("member-item")).toHaveCount(2);
  await expect(member(alice.page, bob.userName)).toHaveAttribute("data-online", "true");
  await expect(member(alice.page, carol.userName)).toHaveCount(0);
  await alice.page.screenshot({ path: `${SCREENSHOTS}rooms-members.png` });

  // Carol, not a member: no room in her list, nothing of it anywhere, not in the directory, refused by route.
  await expect(conversation(carol.page, name)).toHaveCount(0);
  await expect(conversationKey(carol.page, roomId)).toHaveCount(0);
  await expect(carol.page.getByTestId("message-list")).not.toContainText("welcome to the ops room");
  await carol.page.getByTestId("nav-browse-rooms").click();
  await carol.page.getByTestId("room-directory-search").fill(name);
  await expect(carol.page.getByTestId("room-directory-empty")).toBeVisible();
  await carol.page.keyboard.press("Escape");
  const api = new RouteApi(stack.url);
  const refused = await api.history((await storedLogin(carol.page)).token, { room: roomId }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(CimApiError);
  expect((refused as CimApiError).status).toBe(403);
  await groupConversation(carol.page).click();
  await expect(message(carol.page, "welcome to the ops room")).toHaveCount(0);
  await expect(message(carol.page, "glad to be here")).toHaveCount(0);

  await bob.page.screenshot({ path: `${SCREENSHOTS}rooms-private-bob.png` });

  // Bob leaves: the room goes from his list, and Alice's open member list loses him.
  await bob.page.getByTestId("room-leave-button").click();
  await expect(bob.page.getByTestId("leave-room-dialog")).toContainText("only a member can invite you back");
  await expect(bob.page.getByTestId("leave-room-dialog")).not.toContainText("You own it");
  await bob.page.getByTestId("leave-confirm").click();
  await expect(conversationKey(bob.page, roomId)).toHaveCount(0);
  await expect(bob.page.getByTestId("conversation-title")).toHaveText("Everyone");
  // Everyone's message box has the focus: the dialog and its Leave button are gone (it was left on the page's body).
  await expect(bob.page.getByTestId("composer-input")).toBeFocused();
  await expect(members.getByTestId("member-item")).toHaveCount(1);
  await alice.page.keyboard.press("Escape");
  await say(alice.page, "after bob left");
  await expect(message(alice.page, "after bob left")).toHaveAttribute("data-status", "sent");
  await expect(bob.page.getByTestId("message-list")).not.toContainText("after bob left");
  expect([alice.dialogs, bob.dialogs, carol.dialogs]).toEqual([[], [], []]);
});

test("a public room is found in the directory by the start of its name and joined", async ({ pair: { alice, bob } }) => {
  const name = `Lobby ${Math.random().toString(36).slice(2, 7)}`;
  const roomId = await createRoom(alice.page, name, "public");
  await say(alice.page, "first in the lobby");
  await expect(message(alice.page, "first in the lobby")).toHaveAttribute("data-status", "sent");

  await bob.page.getByTestId("nav-browse-rooms").click();
  const directory = bob.page.getByTestId("room-directory-dialog");
  await bob.page.getByTestId("room-directory-search").fill(name.slice(0, 8).toLowerCase());
  const entry = directory.locator(`[data-testid="room-directory-item"][data-room-id="${roomId}"]`);
  await expect(entry).toContainText("1 member");
  await bob.page.screenshot({ path: `${SCREENSHOTS}rooms-directory.png` });
  await entry.getByTestId("room-join").click();
  await expect(directory).toBeHidden();

  // Joined: the room is open with its history, and live messages flow both ways.
  await expect(bob.page.getByTestId("conversation-title")).toHaveText(name);
  await expect(message(bob.page, "first in the lobby")).toBeVisible();
  await say(bob.page, "joined from the directory");
  await expect(message(alice.page, "joined from the directory")).toBeVisible();
  await alice.page.getByTestId("room-members-button").click();
  await expect(alice.page.locator(`[data-testid="member-item"][data-user-name="${bob.userName}"]`)).toHaveAttribute("data-online", "true");
  await alice.page.keyboard.press("Escape");
  await expect(alice.page.getByTestId("members-dialog")).toBeHidden();

  // Alice, in the room, saw Bob come in after her first message; he sees it too, and both after a reload, in place.
  const joined = `${bob.userName} joined the room`;
  await expect(alice.page.getByTestId("room-notice")).toHaveText(joined);
  expect(await message(alice.page, "first in the lobby").evaluate((el) => el.nextElementSibling?.getAttribute("data-testid"))).toBe("room-notice");
  await expect(bob.page.getByTestId("room-notice")).toHaveText("You joined the room");
  await alice.page.reload();
  await conversationKey(alice.page, roomId).click();
  await expect(message(alice.page, "joined from the directory")).toBeVisible();
  await expect(alice.page.getByTestId("room-notice")).toHaveText(joined);
  expect(await message(alice.page, "first in the lobby").evaluate((el) => el.nextElementSibling?.getAttribute("data-testid"))).toBe("room-notice");

  // He leaves: her line says so, after his last message.
  await bob.page.getByTestId("room-leave-button").click();
  await bob.page.getByTestId("leave-confirm").click();
  await expect(alice.page.getByTestId("room-notice")).toHaveText([joined, `${bob.userName} left the room`]);
});

test("in a new room, the lines of who was added sit under the day's separator, with the first message of that day", async ({ pair: { alice, bob } }) => {
  const roomId = await createRoom(alice.page, `Day ${Math.random().toString(36).slice(2, 7)}`, "private");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  await say(alice.page, "first of the day");
  await conversationKey(bob.page, roomId).click();
  await expect(message(bob.page, "first of the day")).toBeVisible();
  const lines = () => bob.page.getByTestId("message-list").locator('[data-testid="day-separator"], [data-testid="room-notice"]').allInnerTexts();
  await expect.poll(lines).toEqual(["Today", `${alice.userName} added you to the room`]);
  // The same after a reload, where the line comes from route's history.
  await bob.page.reload();
  await expect(message(bob.page, "first of the day")).toBeVisible();
  await expect.poll(lines).toEqual(["Today", `${alice.userName} added you to the room`]);
});

test("two public rooms of one name are told apart in the directory by their owners", async ({ pair: { alice, bob }, newUser }) => {
  const carol = await newUser("carol");
  const name = `Weekend ${Math.random().toString(36).slice(2, 7)}`;
  const aliceRoom = await createRoom(alice.page, name, "public");
  const bobRoom = await createRoom(bob.page, name, "public");
  await carol.page.getByTestId("nav-browse-rooms").click();
  const directory = carol.page.getByTestId("room-directory-dialog");
  await carol.page.getByTestId("room-directory-search").fill(name);
  const item = (roomId: string) => directory.locator(`[data-testid="room-directory-item"][data-room-id="${roomId}"]`);
  await expect(directory.getByTestId("room-directory-item")).toHaveCount(2);
  await expect(item(aliceRoom).getByTestId("room-directory-owner")).toHaveText(`by ${alice.userName}`);
  await expect(item(bobRoom).getByTestId("room-directory-owner")).toHaveText(`by ${bob.userName}`);
  await expect(item(bobRoom)).toContainText("1 member");
});

test("a user added to a room is told who added them and where, until they open it: it no longer just appears in the list", async ({ pair: { alice, bob } }) => {
  const name = `Crew ${Math.random().toString(36).slice(2, 7)}`;
  const roomId = await createRoom(alice.page, name, "private");
  await alice.page.getByTestId("room-invite-button").click();
  await (await findUser(alice.page, bob.userName)).getByTestId("user-search-pick").click();
  await alice.page.keyboard.press("Escape");
  const banner = bob.page.locator('[data-testid="room-notice"][aria-label="Notice"]');
  await expect(banner).toContainText(`${alice.userName} added you to ${name}`);
  await conversationKey(bob.page, roomId).click();
  await expect(banner).toHaveCount(0);
});
