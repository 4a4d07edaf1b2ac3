// Muting a conversation on this device: its messages still arrive and count unread in the list, but bring no
// notification and no count in the title; the choice survives a reload, and unmuting brings the alerts back.
import { conversation, expect, expectOnline, groupConversation, onlineUser, recordNotifications, say, setHidden, shownNotifications, test } from "./fixtures.js";

test("a muted chat counts unread in the list but brings no notification or title count, across a reload; unmuted it does again", async ({ pair: { alice, bob } }) => {
  await recordNotifications(bob.context);
  await bob.page.reload();
  await expectOnline(bob.page);
  const notes = () => shownNotifications(bob.page);
  const chat = conversation(bob.page, alice.userName);
  const mute = bob.page.getByTestId("mute-button");

  await onlineUser(alice.page, bob.userName).click();
  await say(alice.page, "hello bob");
  await chat.click();
  // Read once shown on screen (the app reads what the user saw): under load that can come after the next clicks.
  await expect(chat.getByTestId("unread-badge")).toHaveCount(0);
  await expect(mute).toHaveAttribute("aria-pressed", "false");
  await mute.click();
  await expect(mute).toHaveAttribute("aria-pressed", "true");
  await expect(chat).toHaveAttribute("data-muted", "true");
  await groupConversation(bob.page).click();

  await setHidden(bob.page, true);
  await say(alice.page, "while muted");
  await expect(chat.getByTestId("unread-badge")).toHaveText("1");
  await expect(bob.page).toHaveTitle(/^CIM/);
  expect(await notes()).toEqual([]);

  // Still muted after a reload; unmuted, a message alerts again.
  await bob.page.reload();
  await expectOnline(bob.page);
  await expect(chat).toHaveAttribute("data-muted", "true");
  await expect(bob.page).toHaveTitle(/^CIM/);
  await chat.click();
  await mute.click();
  await expect(mute).toHaveAttribute("aria-pressed", "false");
  await groupConversation(bob.page).click();
  await setHidden(bob.page, true);
  await say(alice.page, "after unmuting");
  await expect.poll(notes).toEqual([{ title: `\u2068${alice.userName}\u2069`, body: "after unmuting" }]);
  await expect(bob.page).toHaveTitle(/^\(1\) CIM/);
});
