// The composer as people expect it of a chat app: each conversation keeps its unsent text (also across a reload,
// shown as a draft in the list), the keyboard does the usual things (Alt+Up/Down change conversation, Up arrow
// edits one's newest message, Escape cancels an edit or a reply, the cursor comes back to the composer), and a message that was not sent says why in
// words and offers Retry.
import type { WebSocketRoute } from "@playwright/test";
import { decodeFrame, encodeFrame, ErrorCode } from "@cim/protocol";
import { closeContext } from "./context-close.js";
import { conversation, expect, groupConversation, logIn, message, onlineUser, openDevice, register, say, test } from "./fixtures.js";

test("drafts per conversation survive switching and a reload; Up edits, Escape cancels, a failed send is retried once", async ({ pair: { alice, bob } }) => {
  const page = alice.page;
  const input = page.getByTestId("composer-input");
  // The next Send of the page is answered like a gateway refusing it (rate limited) and never reaches the server.
  let refuseNextSend = false;
  await page.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((data) => {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      const frame = decodeFrame(bytes);
      if (refuseNextSend && frame.kind === "send") {
        refuseNextSend = false;
        ws.send(Buffer.from(encodeFrame({ kind: "error", body: { code: ErrorCode.RateLimited, message: "too many messages", clientMsgId: frame.body.clientMsgId } })));
        return;
      }
      server.send(data);
    });
  });

  // Each conversation keeps what was typed in it; the list shows the other one's draft.
  await onlineUser(page, bob.userName).click();
  await expect(input).toBeFocused();
  // A private chat with no message yet (route does not list it) is still open after a reload, under its name.
  await page.reload();
  await expect(page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(conversation(page, bob.userName)).toBeVisible();
  await input.fill("half-typed for bob");
  // Alt+Up: the conversation above in the list (Everyone); the cursor stays in the composer.
  await input.press("Alt+ArrowUp");
  await expect(page.getByTestId("conversation-title")).toHaveText("Everyone");
  await expect(input).toHaveValue("");
  await expect(input).toBeFocused();
  await expect(conversation(page, bob.userName).getByTestId("conversation-draft")).toBeVisible();
  await expect(conversation(page, bob.userName).getByTestId("conversation-preview")).toContainText("half-typed for bob");
  await input.fill("line one");
  await input.press("Shift+Enter");
  await input.pressSequentially("line two");

  // A reload (through the socket route above) brings both drafts back.
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "online", { timeout: 20_000 });
  await expect(input).toHaveValue("line one\nline two");
  await input.press("Alt+ArrowDown");
  await expect(page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(input).toHaveValue("half-typed for bob");
  await input.fill("");

  // Up arrow in the empty composer edits the newest own message; Enter saves, and the cursor is back.
  await say(page, "first try");
  await expect(message(page, "first try")).toHaveAttribute("data-status", /sent|delivered|seen/);
  await input.press("ArrowUp");
  const edit = page.getByTestId("edit-input");
  await expect(edit).toBeFocused();
  await expect(edit).toHaveValue("first try");
  await edit.fill("second try");
  // Refused once: the reason in words, the editor still open; the second Enter saves and the reason goes.
  refuseNextSend = true;
  await edit.press("Enter");
  const refusal = message(page, "first try").getByRole("alert");
  await expect(refusal).toHaveText("Not changed. You are sending too fast. Wait a moment, then retry.");
  await edit.press("Enter");
  await expect(message(page, "second try").getByTestId("message-edited")).toBeVisible();
  await expect(message(page, "second try").getByRole("alert")).toHaveCount(0);
  await expect(input).toBeFocused();
  // Escape cancels an edit, and a reply.
  await input.press("ArrowUp");
  await expect(edit).toBeFocused();
  await edit.press("Escape");
  await expect(page.getByTestId("edit-form")).toHaveCount(0);
  await expect(input).toBeFocused();
  // Alt+Up in the empty composer only changes conversation: it used to open the edit of the newest message too, found
  // open on coming back.
  await input.press("Alt+ArrowUp");
  await expect(page.getByTestId("conversation-title")).toHaveText("Everyone");
  await input.press("Alt+ArrowDown");
  await expect(page.getByTestId("conversation-title")).toHaveText(bob.userName);
  await expect(message(page, "second try")).toBeVisible();
  await expect(page.getByTestId("edit-form")).toHaveCount(0);
  await expect(input).toBeFocused();
  await message(page, "second try").hover();
  await message(page, "second try").getByTestId("action-reply").click();
  await expect(page.getByTestId("reply-bar")).toBeVisible();
  await expect(input).toBeFocused();
  await input.press("Escape");
  await expect(page.getByTestId("reply-bar")).toHaveCount(0);

  // A picture pasted (a screenshot) or a file dropped is not sent, and the box says why instead of doing nothing; the
  // drop is taken, so the browser does not open the file in place of the app. The notice goes with the next edit.
  await input.evaluate((box) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array([137, 80, 78, 71])], "screenshot.png", { type: "image/png" }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const filesRefused = page.getByTestId("composer-files-refused");
  await expect(filesRefused).toHaveText("Pictures and files cannot be sent here: CIM sends text only.");
  await input.pressSequentially("ok");
  await expect(filesRefused).toHaveCount(0);
  const dropTaken = await page.getByTestId("message-list").evaluate((list) => {
    const data = new DataTransfer();
    data.items.add(new File(["%PDF"], "notes.pdf", { type: "application/pdf" }));
    const drop = new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
    list.dispatchEvent(drop);
    return drop.defaultPrevented;
  });
  expect(dropTaken).toBe(true);
  await expect(filesRefused).toBeVisible();
  await input.fill("");

  // A send the gateway refuses shows "not sent" with Retry; the retry reaches bob once.
  refuseNextSend = true;
  await say(page, "refused at first");
  const failed = message(page, "refused at first");
  await expect(failed).toHaveAttribute("data-status", "failed");
  await expect(failed.getByTestId("message-status")).toHaveText("not sent");
  await expect(failed.getByTestId("message-failure")).toHaveText("You are sending too fast. Wait a moment, then retry.");
  // The conversation's line in the list says it too.
  const line = page.locator('[data-testid="conversation-item"][aria-current="true"]');
  await expect(line.getByTestId("preview-unsent")).toHaveText("not sent");
  await failed.getByTestId("action-retry").click();
  await expect(failed).toHaveAttribute("data-status", /sent|delivered|seen/);
  await expect(line.getByTestId("preview-unsent")).toHaveCount(0);
  await conversation(bob.page, alice.userName).click();
  await expect(message(bob.page, "refused at first")).toHaveCount(1);
  // Delete drops a failed message from the page.
  refuseNextSend = true;
  await say(page, "given up");
  await expect(message(page, "given up")).toHaveAttribute("data-status", "failed");
  await message(page, "given up").getByTestId("action-discard").click();
  await expect(message(page, "given up")).toHaveCount(0);
});

test("the message list is one Tab stop: Up and Down move between messages, and Tab reaches the focused one's actions", async ({ pair: { alice, bob } }) => {
  await onlineUser(alice.page, bob.userName).click();
  for (let i = 1; i <= 5; i++) await say(alice.page, `line ${i}`);
  const page = bob.page;
  await conversation(page, alice.userName).click();
  await expect(message(page, "line 5")).toBeVisible();
  const list = page.getByTestId("message-list");
  const inList = () => list.evaluate((box) => box.contains(document.activeElement) && box !== document.activeElement);
  const focusedText = () => page.evaluate(() => document.activeElement?.closest("[data-testid='message']")?.querySelector("[data-testid='message-text']")?.textContent ?? "");

  // The chat's history page is read (5 messages: nothing older), so the list shows no "Load older messages", which
  // is a Tab stop of its own inside the list until then.
  await expect(page.getByTestId("load-older")).toHaveCount(0);
  // One Tab from the list leaves it (it went to the first message's Reply, then React, ... two stops a message).
  await list.focus();
  await page.keyboard.press("Tab");
  expect(await inList()).toBe(false);
  // Shift+Tab comes back to the list itself, not into the newest message's actions.
  await page.keyboard.press("Shift+Tab");
  await expect(list).toBeFocused();

  // Up from the list: the newest message shown; Up again: the one before. Home and End: the first and the last.
  await page.keyboard.press("ArrowUp");
  expect(await focusedText()).toBe("line 5");
  await page.keyboard.press("ArrowUp");
  expect(await focusedText()).toBe("line 4");
  await page.keyboard.press("Home");
  expect(await focusedText()).toBe("line 1");
  await page.keyboard.press("End");
  expect(await focusedText()).toBe("line 5");
  await page.keyboard.press("ArrowUp");

  // Tab reaches the focused message's actions, shown, then leaves the list.
  await page.keyboard.press("Tab");
  await expect(message(page, "line 4").getByTestId("action-reply")).toBeFocused();
  await expect(message(page, "line 4").getByTestId("message-actions")).toHaveCSS("opacity", "1");
  await page.keyboard.press("Tab");
  await expect(message(page, "line 4").getByTestId("action-react")).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await inList()).toBe(false);
  // Down from an action moves to the next message; Enter on Reply still replies.
  await page.keyboard.press("Shift+Tab");
  await expect(list).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  expect(await focusedText()).toBe("line 5");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("reply-bar")).toContainText("line 5");
  await expect(page.getByTestId("composer-input")).toBeFocused();
});

test("Send by a click, a tap or the keyboard leaves the cursor in the message box (a phone's keyboard stays open), where Enter is a new line (in the editor too); Reply takes it there too", async ({ newUser, browser, baseURL }) => {
  const { page, userName } = await newUser("sam");
  const input = page.getByTestId("composer-input");
  const send = page.getByTestId("composer-send");
  // A click: the button took the focus, was disabled by the emptied box, and the focus fell to the page's body.
  await input.fill("sent with the mouse");
  await send.click();
  // Once: a history page that comes between the send and its SendAck shows the stored copy beside the one being
  // sent, until the SendAck drops it (conversations.ts acknowledge), so wait for the one.
  await expect(message(page, "sent with the mouse")).toHaveCount(1);
  await expect(input).toBeFocused();
  // Tab to Send and Enter: the focus comes back to the box, where the next message is typed.
  await input.fill("sent with Tab and Enter");
  await page.keyboard.press("Tab");
  await expect(send).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(message(page, "sent with Tab and Enter")).toHaveCount(1);
  await expect(input).toBeFocused();

  // A phone: the box tapped (the keyboard opens), then Send tapped; the box keeps the focus, so the keyboard stays.
  const { context: phone, page: mobile } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await logIn(mobile, userName);
    await groupConversation(mobile).tap();
    const box = mobile.getByTestId("composer-input");
    await box.tap();
    await expect(box).toBeFocused();
    await box.fill("sent with a tap");
    await mobile.getByTestId("composer-send").tap();
    await expect(message(mobile, "sent with a tap")).toHaveCount(1);
    await expect(box).toBeFocused();
    // The keyboard's Enter starts a new line (ux23: it sent, and a phone's keyboard has no Shift+Enter, so no message
    // could hold two lines); Send sends both.
    await box.fill("first line");
    await box.press("Enter");
    await box.pressSequentially("second line");
    await expect(box).toHaveValue("first line\nsecond line");
    await mobile.getByTestId("composer-send").tap();
    const twoLines = mobile.getByTestId("message").filter({ hasText: "second line" });
    await expect(twoLines.getByTestId("message-text")).toHaveText(/^first line\s*second line$/);
    await expect(twoLines.getByTestId("message-text").locator("br")).toHaveCount(1);
    await expect(mobile.getByTestId("message").filter({ hasText: /^first line$/ })).toHaveCount(0);
    // Reply: the box takes the cursor, so the keyboard opens for the answer (ux23: it needed a tap on the box, where
    // choosing a conversation rightly leaves it).
    await box.evaluate((element) => element.blur());
    await expect(box).not.toBeFocused();
    await twoLines.tap({ position: { x: 6, y: 6 } });
    await twoLines.getByTestId("action-reply").tap();
    await expect(mobile.getByTestId("reply-bar")).toBeVisible();
    await expect(box).toBeFocused();
    // The editor likewise: Enter adds a line, Save saves.
    await mobile.getByTestId("reply-cancel").tap();
    await twoLines.tap({ position: { x: 6, y: 6 } });
    await twoLines.getByTestId("action-edit").tap();
    const editor = twoLines.getByTestId("edit-input");
    // The caret to the end as a finger puts it (End is a physical keyboard's key, after which Enter saves).
    await editor.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(element.value.length, element.value.length));
    await editor.press("Enter");
    await editor.pressSequentially("third line");
    await expect(editor).toHaveValue("first line\nsecond line\nthird line");
    await twoLines.getByTestId("edit-save").tap();
    await expect(twoLines.getByTestId("message-text").locator("br")).toHaveCount(2);
  } finally {
    await closeContext(browser, phone);
  }
});

test("on a touch screen with a keyboard attached Enter sends and Shift+Enter is a new line; the on-screen keyboard's Enter is a new line", async ({ browser, baseURL }) => {
  const { context: tablet, page } = await openDevice(browser, baseURL!, { context: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
  try {
    await register(page, `kay-${Math.random().toString(36).slice(2, 8)}`);
    await groupConversation(page).tap();
    const box = page.getByTestId("composer-input");
    await box.tap();
    const cdp = await tablet.newCDPSession(page);
    // The on-screen keyboard as Android's sends it: its letters as "Unidentified" (229) keys and text, its Enter a key
    // of its own.
    const onScreen = async (text: string) => {
      await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", key: "Unidentified", code: "", windowsVirtualKeyCode: 229 });
      await cdp.send("Input.insertText", { text });
      await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", key: "Unidentified", code: "", windowsVirtualKeyCode: 229 });
    };
    const onScreenEnter = async () => {
      await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", key: "Enter", code: "", windowsVirtualKeyCode: 13, text: "\r" });
      await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", key: "Enter", code: "", windowsVirtualKeyCode: 13 });
    };
    await onScreen("typed on the glass");
    await onScreenEnter();
    await expect(box).toHaveValue("typed on the glass\n");
    await box.fill("");

    // A Bluetooth keyboard: a capital typed with Shift (no on-screen keyboard sends a Shift of its own), then Enter sends.
    await page.keyboard.press("Shift+KeyS");
    await page.keyboard.type("ent from the keyboard");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("its second line");
    await expect(box).toHaveValue("Sent from the keyboard\nits second line");
    await page.keyboard.press("Enter");
    const sent = page.getByTestId("message").filter({ hasText: "its second line" });
    await expect(sent.getByTestId("message-text").locator("br")).toHaveCount(1);
    await expect(box).toHaveValue("");

    // The on-screen keyboard again (the keyboard put away): its Enter is a new line once more.
    await onScreen("back on the glass");
    await onScreenEnter();
    await expect(box).toHaveValue("back on the glass\n");
    await expect(page.getByTestId("message").filter({ hasText: "back on the glass" })).toHaveCount(0);
  } finally {
    await closeContext(browser, tablet);
  }
});
