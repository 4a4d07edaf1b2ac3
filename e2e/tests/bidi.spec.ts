// A name inside a sentence is isolated (<bdi>): a right-to-left name, or one ending in "." or "-", else takes the
// words around it into its direction ("You added .سارة to the room" with the period on the wrong side).
import { closeContext } from "./context-close.js";
import { conversationKey, createRoom, expect, findUser, openDevice, register, test } from "./fixtures.js";
import { leftOf } from "./text-position.js";

test("a right-to-left name ending in a period stays whole in the room lines, the typing line and dialog titles", async ({ newUser, browser, baseURL }) => {
  const tom = await newUser("tom");
  const { context, page } = await openDevice(browser, baseURL!);
  try {
    const sara = `سارة${Date.now() % 1_000_000}.`;
    await register(page, sara);

    const roomId = await createRoom(tom.page, `Plans ${Date.now() % 100_000}`, "public");
    await tom.page.getByTestId("room-invite-button").click();
    const row = await findUser(tom.page, sara, sara.slice(0, 4));
    await row.getByTestId("user-search-pick").click();
    await expect(row.getByTestId("user-search-done")).toHaveText("Invited");
    await tom.page.keyboard.press("Escape");

    // "You added سارة123. to the room": the name is one piece, its period drawn on its left as Arabic reads.
    const line = tom.page.getByTestId("room-notice").filter({ hasText: "You added" });
    await expect(line.locator("bdi")).toHaveText(sara);
    expect(await leftOf(line, ".")).toBeLessThan(await leftOf(line, "سارة"));

    // Sara types in the room: "سارة123. is typing…" on Tom's screen.
    await conversationKey(page, roomId).click();
    await page.getByTestId("composer-input").pressSequentially("hi");
    const typing = tom.page.getByTestId("typing-indicator");
    await expect(typing.locator("bdi")).toHaveText(sara);
    expect(await leftOf(typing, ".")).toBeLessThan(await leftOf(typing, "سارة"));

    // A dialog's title naming the room.
    await tom.page.getByTestId("room-title-button").click();
    await expect(tom.page.getByTestId("members-dialog").locator("h2 bdi")).toHaveText(/^Plans \d+$/);
  } finally {
    await closeContext(browser, context);
  }
});
