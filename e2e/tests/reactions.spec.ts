// Reactions between two browsers on different gateways: alice reacts to bob's message with the picker, bob sees the
// chip, alice takes it back with the keyboard, and a reload shows the same; the picker and chips pass axe.
import type { Page } from "@playwright/test";
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

test("emoji take the same room whatever font draws them: the picker's choices and chips of one count are alike in width", async ({ newUser }) => {
  // This machine's Chromium may have no emoji font (Debian without fonts-noto-color-emoji): glyphs fall back to boxes
  // or to text faces of other widths; the layout must not depend on which.
  const { page } = await newUser("emoji");
  const texts = [0, 1].map((i) => `emoji width ${i} ${Math.random().toString(36).slice(2, 8)}`);
  const widths = (locator: ReturnType<Page["locator"]>) => locator.evaluateAll((nodes) => nodes.map((node) => Math.round(node.getBoundingClientRect().width * 10) / 10));
  for (const [i, emoji] of ["👍", "😂"].entries()) {
    await say(page, texts[i]!);
    const row = message(page, texts[i]!);
    await expect(row).toHaveAttribute("data-status", /sent|delivered|seen/);
    await row.hover();
    await row.getByTestId("action-react").click();
    const choices = row.getByTestId("reaction-choice");
    await expect(choices).toHaveCount(6);
    const picker = await widths(choices);
    console.log(`picker choice widths: ${picker.join(", ")}`);
    expect(new Set(picker).size).toBe(1);
    await row.locator(`[data-testid="reaction-choice"][data-emoji="${emoji}"]`).click();
    await expect(row.getByTestId("reaction-chip")).toHaveText(`${emoji} 1`);
  }
  const chips = await widths(page.getByTestId("message").filter({ hasText: "emoji width" }).getByTestId("reaction-chip"));
  console.log(`chip widths: ${chips.join(", ")}`);
  expect(chips).toHaveLength(2);
  expect(chips[0]).toBe(chips[1]);
});
