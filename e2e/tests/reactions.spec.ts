// Reactions between two browsers on different gateways: alice reacts to bob's message with the picker, bob sees the
// chip, alice takes it back with the keyboard, and a reload shows the same; the picker and chips pass axe.
import { axeViolationsInBothSchemes, expect, expectOnline, message, say, test } from "./fixtures.js";

test("a reaction reaches the other browser on the other gateway, is taken back, and a reload shows the same", async ({ pair }) => {
  const { alice, bob } = pair;
  const text = `lunch at noon? ${Math.random().toString(36).slice(2, 8)}`;
  await say(bob.page, text);
  const onAlice = () => message(alice.page, text);
  const onBob = () => message(bob.page, text);
  await expect(onAlice()).toBeVisible();
  await expect(onBob()).toHaveAttribute("data-status", /sent|delivered|seen/);
  const shown = await bob.page.getByTestId("message").count();

  // Alice reacts 👍 to bob's message from the picker.
  await onAlice().hover();
  await onAlice().getByTestId("action-react").click();
  await expect(onAlice().getByTestId("reaction-picker")).toBeVisible();
  expect(await axeViolationsInBothSchemes(alice.page)).toEqual([]);
  await onAlice().locator('[data-testid="reaction-choice"][data-emoji="👍"]').click();
  await expect(onAlice().getByTestId("reaction-picker")).toHaveCount(0);
  await expect(onAlice().getByTestId("reaction-chip")).toHaveText("👍 1");
  await expect(onAlice().getByTestId("reaction-chip")).toHaveAttribute("aria-pressed", "true");

  // Bob sees "👍 1", not his, with alice's name in its title; the event is no message of its own.
  const chip = onBob().getByTestId("reaction-chip");
  await expect(chip).toHaveText("👍 1");
  await expect(chip).toHaveAttribute("aria-pressed", "false");
  await expect(chip).toHaveAttribute("title", alice.userName);
  expect(await bob.page.getByTestId("message").count()).toBe(shown);
  expect(await axeViolationsInBothSchemes(bob.page)).toEqual([]);

  // After a reload (history and the cache), both see the same.
  await bob.page.reload();
  await expect(onBob().getByTestId("reaction-chip")).toHaveText("👍 1");
  expect(await bob.page.getByTestId("message").count()).toBe(shown);
  await alice.page.reload();
  await expect(onAlice().getByTestId("reaction-chip")).toHaveAttribute("aria-pressed", "true");
  // The cache shows it before the session is live; a reaction needs the session.
  await expectOnline(alice.page);

  // Alice takes it back from the keyboard (her chip, Enter): it disappears for bob, and stays gone after a reload.
  await onAlice().getByTestId("reaction-chip").focus();
  await alice.page.keyboard.press("Enter");
  await expect(onAlice().getByTestId("reaction-chip")).toHaveCount(0);
  await expect(onBob().getByTestId("reaction-chip")).toHaveCount(0);
  await bob.page.reload();
  await expect(onBob()).toBeVisible();
  await expect(onBob().getByTestId("reaction-chip")).toHaveCount(0);
  await alice.page.reload();
  await expect(onAlice()).toBeVisible();
  await expect(onAlice().getByTestId("reaction-chip")).toHaveCount(0);
  expect(alice.dialogs).toEqual([]);
});
