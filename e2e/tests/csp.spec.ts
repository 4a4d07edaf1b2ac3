// The production build under the strict Content-Security-Policy route sends: no inline script, no eval, no
// public source maps; the chat, a reload and /admin all work with no violation.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "@playwright/test";
import { closeContext } from "./context-close.js";
import { expect, expectOnline, message, openDevice, register, say, test } from "./fixtures.js";

const DIST = fileURLToPath(new URL("../../apps/web/dist/", import.meta.url));

/** The policy of route's answers (apps/route), with this cluster's gateway WebSocket URLs. */
function policy(gatewayWsUrls: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${gatewayWsUrls.join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/**
 * Serves every page of `page` with `csp` added to its real response (CDP Fetch at the response stage).
 * Playwright's route.fulfill would do, but Chromium then treats the page as public and its Local Network
 * Access checks block the WebSockets to the loopback gateways, which no real deployment sees.
 */
async function withPolicy(context: BrowserContext, page: Page, csp: string): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*", resourceType: "Document", requestStage: "Response" }] });
  cdp.on("Fetch.requestPaused", (event) => {
    const headers = (event.responseHeaders ?? []).filter((h) => h.name.toLowerCase() !== "content-security-policy");
    void cdp.send("Fetch.continueResponse", {
      requestId: event.requestId,
      responseCode: event.responseStatusCode,
      responseHeaders: [...headers, { name: "Content-Security-Policy", value: csp }],
    });
  });
}

/** Collects CSP violations (events and console reports) and page errors of `page`. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|unsafe-eval|EvalError/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (error) => seen.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    const store: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = store;
    document.addEventListener("securitypolicyviolation", (e) => store.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...seen, ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []))];
}

test("the built page has no inline script and no source maps", async ({ request }) => {
  const html = await (await request.get("/")).text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\bsrc="\/assets\//);
    expect(body!.trim()).toBe("");
  }
  expect(html).not.toMatch(/\son[a-z]+=/i);
  const js = await (await request.get(/src="([^"]+\.js)"/.exec(html)![1]!)).text();
  expect(js).not.toContain("sourceMappingURL");
  expect(existsSync(`${DIST}assets`)).toBe(true);
  expect(readdirSync(`${DIST}assets`).filter((name) => name.endsWith(".map"))).toEqual([]);
});

test("chat, reload and the admin dashboard work under the strict policy with no violation", async ({ browser, stack }) => {
  const csp = policy(stack.cluster.gateways.map((g) => `${g.url.replace(/^http/, "ws")}/ws`));
  let violations: () => Promise<string[]> = async () => [];
  const { context, page, response } = await openDevice(browser, stack.url, {
    beforeLoad: async (page, context) => {
      await withPolicy(context, page, csp);
      violations = await watchViolations(page);
    },
  });
  try {
    expect(response?.headers()["content-security-policy"]).toBe(csp);
    await register(page, `csp-${Math.random().toString(36).slice(2, 8)}`);
    await say(page, "under a strict policy");
    await expect(message(page, "under a strict policy")).toHaveAttribute("data-status", "sent");
    // Its time is the SendAck's int64 ts, read as a number without long.js (which the policy would refuse).
    await expect(message(page, "under a strict policy").getByTestId("message-time")).toHaveText(/\d{1,2}:\d{2}/);
    await page.reload();
    await expectOnline(page);
    await expect(message(page, "under a strict policy")).toBeVisible();

    await page.goto("/admin");
    await page.getByTestId("admin-token").fill(stack.adminToken);
    await page.getByTestId("admin-submit").click();
    await expect(page.getByTestId("admin-online")).toHaveText(/\d+/);
    await expect.poll(async () => Number(await page.getByTestId("online-chart").getAttribute("data-points"))).toBeGreaterThanOrEqual(2);
    expect(await violations()).toEqual([]);
    // The policy is really enforced: an inline script is refused, and that is seen.
    await page.evaluate(() => document.head.append(Object.assign(document.createElement("script"), { textContent: "window.name = 'ran'" })));
    await expect.poll(violations).toContainEqual(expect.stringContaining("script-src"));
  } finally {
    await closeContext(browser, context);
  }
});
