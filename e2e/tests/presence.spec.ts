// The online panel: route's list by name, searched by the start of a name; presence comes for what is on screen.
import { expect, onlineUser, test } from "./fixtures.js";

test("the online panel finds users by the start of their name, and an open chat's peer going offline shows, with when", async ({ pair: { alice, bob } }) => {
  await expect(onlineUser(alice.page, bob.userName)).toBeVisible();
  await alice.page.getByTestId("online-search").fill(bob.userName.slice(0, -2));
  await expect(onlineUser(alice.page, bob.userName)).toBeVisible();
  await expect(onlineUser(alice.page, alice.userName)).toHaveCount(0);
  await expect(alice.page.getByTestId("online-count")).toHaveText(/^\d+$/);

  // Bob is on screen (panel, open chat): Alice's page subscribed his presence, so his leaving reaches her.
  await onlineUser(alice.page, bob.userName).click();
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · online");
  // Alice's own network gone: her page hears no presence, so it claims none (it kept saying "online").
  const chatItem = alice.page.locator(`[data-testid="conversation-item"][data-title="${bob.userName}"]`);
  await expect(chatItem.getByTestId("presence-dot")).toHaveAttribute("data-online", "true");
  await alice.context.setOffline(true);
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation");
  // Nor do the chat's line in the list and the online panel, which say why.
  await expect(chatItem.getByTestId("presence-dot")).toHaveCount(0);
  await expect(alice.page.getByTestId("online-stale")).toHaveText("Not connected: who is online shows again once you are.");
  await expect(alice.page.getByTestId("online-count")).toHaveCount(0);
  await alice.context.setOffline(false);
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · online", { timeout: 20_000 });
  await expect(chatItem.getByTestId("presence-dot")).toHaveAttribute("data-online", "true");
  await expect(alice.page.getByTestId("online-stale")).toHaveCount(0);
  await bob.context.close();
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · offline");
  await expect(onlineUser(alice.page, bob.userName)).toHaveCount(0);
  // When he was last online, as route kept it; after a reload too (from route, not from the change heard).
  await expect(alice.page.getByTestId("last-seen")).toHaveText(/^· last seen today at \d{1,2}:\d{2}/);
  await alice.page.reload();
  await expect(alice.page.getByTestId("conversation-subtitle")).toHaveText("Private conversation · offline");
  await expect(alice.page.getByTestId("last-seen")).toHaveText(/^· last seen today at \d{1,2}:\d{2}/);
});

test("on a phone, a private chat's header says under the name whether the peer is online", async ({ pair: { alice, bob } }) => {
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await onlineUser(alice.page, bob.userName).click();
  await expect(alice.page.getByTestId("conversation-title")).toHaveText(bob.userName);
  // What a private conversation is gives its room to the buttons; its peer's state stays, as a phone's chat app shows it.
  const subtitle = alice.page.getByTestId("conversation-subtitle");
  await expect(subtitle).toBeInViewport();
  await expect.poll(() => subtitle.innerText()).toBe("online");
  expect(await alice.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await bob.context.close();
  await expect.poll(() => subtitle.innerText()).toBe("offline");
  await expect(alice.page.getByTestId("last-seen")).toBeInViewport();
});

test("Everyone's members dialog counts the users online as they come and go, while it is open", async ({ pair: { alice, bob } }) => {
  await alice.page.locator('[data-testid="conversation-item"][data-key="everyone"]').click();
  await alice.page.getByTestId("room-members-button").click();
  const count = alice.page.getByTestId("members-dialog").getByTestId("members-count");
  await expect(count).toHaveText(/^\d+ online$/);
  const before = Number.parseInt(await count.innerText(), 10);
  expect(before).toBeGreaterThanOrEqual(2);
  await bob.context.close();
  // Route's count, asked again every 10 s by the online panel.
  await expect.poll(async () => Number.parseInt(await count.innerText(), 10), { timeout: 30_000 }).toBeLessThan(before);
});

test("Everyone's members dialog lists a user who registers while it is open, whom the page does not watch", async ({ pair: { alice }, newUser }) => {
  // The online panel filtered by a name (as it holds only the first 50 by name when more are online): a newcomer is
  // not among the users the page watches, so no presence frame tells the page about them.
  await alice.page.getByTestId("online-search").fill(alice.userName);
  await expect(alice.page.getByTestId("online-user")).toHaveCount(1);
  await alice.page.locator('[data-testid="conversation-item"][data-key="everyone"]').click();
  await alice.page.getByTestId("room-members-button").click();
  const dialog = alice.page.getByTestId("members-dialog");
  await expect(dialog.getByTestId("member-item").first()).toBeVisible();
  const { userName } = await newUser("nina");
  // Asked again with the online panel, every 10 s.
  await expect(dialog.locator(`[data-testid="member-item"][data-user-name="${userName}"]`)).toBeVisible({ timeout: 30_000 });
});
