// Reactions between two browsers on different gateways: alice reacts to bob's message with the picker, bob sees the
// chip, alice takes it back with the keyboard, and a reload shows the same; the picker and chips pass axe.
import type { Page } from "@playwright/test";
import { closeContext, rememberContextId } from "./context-close.js";
import { axeViolationsInBothSchemes, expect, expectOnline, groupConversation, message, register, say, test } from "./fixtures.js";

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

test("on a touch screen each reaction of the picker is a whole fingertip wide, all on the screen", async ({ browser, stack }) => {
  // Each choice was one emoji wide (22 px) beside the next: a thumb meant for 👍 gave ❤️ to everyone in the room.
  const phone = await browser.newContext({ baseURL: stack.url, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  try {
    const page = await phone.newPage();
    await rememberContextId(phone, page);
    await page.goto("/");
    await register(page, `thumb-${Math.random().toString(36).slice(2, 8)}`);
    await groupConversation(page).tap();
    const text = `pick one ${Math.random().toString(36).slice(2, 8)}`;
    await say(page, text);
    const row = message(page, text);
    await expect(row).toHaveAttribute("data-status", /sent|delivered|seen/);
    await row.getByTestId("message-text").tap();
    await row.getByTestId("action-react").tap();
    const choices = row.getByTestId("reaction-choice");
    await expect(choices).toHaveCount(6);
    const boxes = await choices.evaluateAll((nodes) => nodes.map((node) => {
      const r = node.getBoundingClientRect();
      return { left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top), bottom: Math.round(r.bottom), width: Math.round(r.width), height: Math.round(r.height) };
    }));
    console.log(`picker choices on a phone: ${boxes.map((b) => `${b.width}x${b.height} at ${b.left},${b.top}`).join("; ")}`);
    for (const b of boxes) {
      expect(b.width, "a choice's width").toBeGreaterThanOrEqual(44);
      expect(b.height, "a choice's height").toBeGreaterThanOrEqual(44);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(390);
    }
    // The whole bar is in the list's view, above the first message of the conversation too (three lines high, its
    // Reply and React went out of reach over the list's top).
    const bar = await row.getByTestId("message-actions").boundingBox();
    const list = await page.getByTestId("message-list").boundingBox();
    expect(bar!.y).toBeGreaterThanOrEqual(list!.y);
    await expect(row.getByTestId("action-react")).toHaveAttribute("aria-expanded", "true");
    // The last one picked is the one tapped.
    await row.locator('[data-testid="reaction-choice"][data-emoji="❤️"]').tap();
    await expect(row.getByTestId("reaction-chip")).toHaveText("❤️ 1");
  } finally {
    await closeContext(browser, phone);
  }
});
