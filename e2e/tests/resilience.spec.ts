// A gateway that cannot complete logins for a moment (Redis blip: Error `unavailable`, close 1011) must not
// sign the user out: the page retries and comes back online by itself. The browser going offline shows at once,
// and coming back loses and doubles nothing. Route killed: the chat goes on over the gateways, the page says the
// server is unreachable, and a page whose gateway died meanwhile comes back once route does.
import type { WebSocketRoute } from "@playwright/test";
import { encodeFrame, ErrorCode } from "@cim/protocol";
import { newUser as newSdkUser } from "@cim/devstack";
import { closeContext } from "./context-close.js";
import { conversation, duplicatesDropped, expect, expectOnline, gatewayOf, logIn, message, onlineUser, openDevice, register, say, test } from "./fixtures.js";

/** What a gateway answers a Login it could not complete (apps/gateway frame-handler). */
const LOGIN_UNAVAILABLE = Buffer.from(encodeFrame({ kind: "error", body: { code: ErrorCode.Unavailable, message: "login failed, retry" } }));
const SERVER_FAILURE = 1011;

test("a gateway failing logins for a moment (unavailable, 1011) does not sign the user out", async ({ browser, stack }) => {
  let refuse = 0;
  const passed: WebSocketRoute[] = [];
  const { context, page } = await openDevice(browser, stack.url, {
    // Every gateway connection goes through here: the next `refuse` ones are answered like a Redis blip.
    beforeLoad: (page) =>
      page.routeWebSocket(/\/ws$/, (ws) => {
        if (refuse > 0) {
          refuse--;
          ws.onMessage(() => {
            ws.send(LOGIN_UNAVAILABLE);
            ws.close({ code: SERVER_FAILURE, reason: "login failed, retry" });
          });
          return;
        }
        ws.connectToServer();
        passed.push(ws);
      }),
  });
  try {
    await register(page, `flo-${Math.random().toString(36).slice(2, 8)}`);

    // A reload resumes the stored login; its first two Logins fail on the gateway's side.
    refuse = 2;
    await page.reload();
    await expectOnline(page);
    expect(refuse).toBe(0);
    await expect(page.getByTestId("login-screen")).toHaveCount(0);

    // A live session closed with 1011, whose next Login fails too: the SDK reconnects with its backoff.
    refuse = 1;
    passed.at(-1)!.close({ code: SERVER_FAILURE, reason: "server failure" });
    await expect.poll(() => refuse).toBe(0);
    await expectOnline(page);
    await say(page, "still signed in");
    await expect(message(page, "still signed in")).toHaveAttribute("data-status", "sent");
    await expect(page.getByTestId("login-screen")).toHaveCount(0);
    // Reconnecting replayed nothing twice.
    const stats = await page.evaluate(() => (window as unknown as { cim: { stats: () => { duplicatesDropped: number } } }).cim.stats());
    expect(stats).toEqual({ duplicatesDropped: 0 });
  } finally {
    await closeContext(browser, context);
  }
});

test("the network going away shows at once, and coming back loses and doubles no message", async ({ pair: { alice, bob } }) => {
  await onlineUser(bob.page, alice.userName).click();
  await say(bob.page, "before the network went");
  await conversation(alice.page, bob.userName).click();
  await expect(message(alice.page, "before the network went")).toBeVisible();

  await alice.context.setOffline(true);
  await expect(alice.page.getByTestId("connection-state")).toHaveAttribute("data-state", "reconnecting");
  await say(alice.page, "typed without a network");
  await expect(message(alice.page, "typed without a network")).toHaveAttribute("data-status", "sending");
  await say(bob.page, "sent while she was away");

  await alice.context.setOffline(false);
  await expectOnline(alice.page);
  await expect(message(bob.page, "typed without a network")).toHaveCount(1);
  await expect(message(alice.page, "typed without a network")).not.toHaveAttribute("data-status", "sending");
  // The server's order: Bob's message was stored first.
  await expect(alice.page.getByTestId("message-text")).toHaveText(["before the network went", "sent while she was away", "typed without a network"]);
  await expect(bob.page.getByTestId("message-text")).toHaveText(["before the network went", "sent while she was away", "typed without a network"]);
});

test("route killed: chat goes on, the badge says the server is unreachable, and a page whose gateway died comes back with route", async ({ pair: { alice, bob }, stack }) => {
  await onlineUser(bob.page, alice.userName).click();
  await say(bob.page, "before route went");
  await conversation(alice.page, bob.userName).click();
  await expect(message(alice.page, "before route went")).toBeVisible();
  const badge = alice.page.getByTestId("connection-state");
  const aliceGateway = await gatewayOf(alice.page);

  await stack.killRoute();
  try {
    await say(alice.page, "while route is down");
    await expect(message(bob.page, "while route is down")).toBeVisible();
    await expect(message(alice.page, "while route is down")).not.toHaveAttribute("data-status", "sending");
    // The online list (asked every 10 s) finds route gone; before, the page said "online" and nothing else.
    await expect(badge).toHaveAttribute("data-route-down", "true", { timeout: 30_000 });
    await expect(badge).toContainText("server unreachable");

    // Her gateway dies too: the page reconnects through route, which is down, so it keeps trying.
    await stack.kill(aliceGateway);
    await expect(badge).toHaveAttribute("data-state", "reconnecting");
    await say(bob.page, "sent while her gateway was down");
    await say(alice.page, "typed while reconnecting");
    await expect(message(alice.page, "typed while reconnecting")).toHaveAttribute("data-status", "sending");
    await stack.reviveRoute();

    await expectOnline(alice.page);
    await expect(badge).toHaveAttribute("data-route-down", "false");
    await expect(badge).not.toContainText("unreachable");
    const texts = ["before route went", "while route is down", "sent while her gateway was down", "typed while reconnecting"];
    await expect(alice.page.getByTestId("message-text")).toHaveText(texts);
    await expect(bob.page.getByTestId("message-text")).toHaveText(texts);
    await expect(message(alice.page, "typed while reconnecting")).not.toHaveAttribute("data-status", "sending");
    expect(await duplicatesDropped(alice.page)).toBe(0);
  } finally {
    await stack.reviveRoute();
    await stack.revive(aliceGateway);
  }
});

test("a conversation opened while route is down gets its history once route is back", async ({ browser, stack }) => {
  // Carol's other device got Dan's twelve messages (and acknowledged them), so her page previews the chat from route's
  // list (its newest message) and loads none of them until the chat's history is loaded.
  const carolDevice = await newSdkUser(stack.url, "carol");
  const dan = await newSdkUser(stack.url, "dan");
  const acknowledged: string[] = [];
  dan.onDelivered((receipt) => acknowledged.push(receipt.msgId));
  const texts = Array.from({ length: 12 }, (_, i) => `dan says ${i + 1}`);
  let last = "";
  for (const text of texts) last = (await dan.send({ to: carolDevice.session!.userId, text })).msgId;
  await expect.poll(() => acknowledged.includes(last)).toBe(true);
  carolDevice.close();
  const { context, page } = await openDevice(browser, stack.url);
  try {
    await logIn(page, carolDevice.session!.userName);
    await expect(conversation(page, dan.session!.userName)).toContainText("dan says 12");

    await stack.killRoute();
    try {
      await conversation(page, dan.session!.userName).click();
      await expect(page.getByTestId("connection-state")).toHaveAttribute("data-route-down", "true");
      await expect(page.getByTestId("message-text")).toHaveCount(0);
    } finally {
      await stack.reviveRoute();
    }
    // Before, the history that failed was asked again only when the chat was opened again.
    await expect(page.getByTestId("message-text")).toHaveText(texts);
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-route-down", "false");
  } finally {
    await closeContext(browser, context);
    dan.close();
  }
});

test("route frozen (SIGSTOP): the badge says the server is unreachable, and clears when route goes on", async ({ newUser, stack }) => {
  const erin = await newUser("erin");
  const badge = erin.page.getByTestId("connection-state");
  stack.cluster.route.process.child.kill("SIGSTOP");
  try {
    // The online list's next request (every 10 s) gets no answer; before, the page said "online" and waited.
    await expect(badge).toHaveAttribute("data-route-down", "true", { timeout: 30_000 });
    await expect(badge).toContainText("server unreachable");
  } finally {
    stack.cluster.route.process.child.kill("SIGCONT");
  }
  await expect(badge).toHaveAttribute("data-route-down", "false");
  await expect(badge).toHaveAttribute("data-state", "online");
});
