import { describe, expect, it } from "vitest";
import { cacheNameOf, keepable, keepableShell, outdatedCaches, strategyOf, upstreamDown } from "./shell-rules.js";

const ORIGIN = "https://chat.example";
const get = (path: string, mode = "cors", authorization = false) => ({ method: "GET", url: `${ORIGIN}${path}`, mode, authorization });
const response = (status: number, headers: Record<string, string> = {}, type = "basic", redirected = false) =>
  ({ status, type, redirected, headers: { get: (name: string) => headers[name.toLowerCase()] ?? null } });

describe("strategyOf", () => {
  it("answers the app's navigations network first, with the shell as fallback", () => {
    expect(strategyOf(get("/", "navigate"), ORIGIN)).toBe("shell");
    expect(strategyOf(get("/admin", "navigate"), ORIGIN)).toBe("shell");
  });

  it("answers hashed assets from the cache", () => {
    expect(strategyOf(get("/assets/index-abc123.js"), ORIGIN)).toBe("asset");
    expect(strategyOf(get("/assets/index-abc123.css"), ORIGIN)).toBe("asset");
  });

  it("never touches the API, metrics, health, the worker, source maps or another origin, even when navigated to", () => {
    for (const path of ["/api/login", "/api/history?conversation=everyone", "/api", "/api/docs", "/metrics", "/healthz", "/sw.js", "/assets/index-abc123.js.map"]) {
      expect(strategyOf(get(path), ORIGIN), path).toBe("network");
      expect(strategyOf(get(path, "navigate"), ORIGIN), path).toBe("network");
    }
    expect(strategyOf({ ...get("/assets/x.js"), url: "https://cdn.example/assets/x.js" }, ORIGIN)).toBe("network");
    expect(strategyOf({ ...get("/", "navigate"), url: "not a url" }, ORIGIN)).toBe("network");
  });

  it("never touches a request with credentials in Authorization or one that is not a GET", () => {
    expect(strategyOf(get("/assets/index-abc123.js", "cors", true), ORIGIN)).toBe("network");
    expect(strategyOf(get("/", "navigate", true), ORIGIN)).toBe("network");
    expect(strategyOf({ ...get("/", "navigate"), method: "POST" }, ORIGIN)).toBe("network");
  });
});

describe("what may be kept", () => {
  it("keeps whole same-origin 200s only, and as the shell only HTML", () => {
    expect(keepable(response(200, { "cache-control": "public, max-age=31536000, immutable" }))).toBe(true);
    expect(keepable(response(404))).toBe(false);
    expect(keepable(response(206))).toBe(false);
    expect(keepable(response(200, {}, "opaque"))).toBe(false);
    expect(keepable(response(200, {}, "basic", true))).toBe(false);
    expect(keepable(response(200, { "cache-control": "no-store" }))).toBe(false);
    expect(keepable(response(200, { "cache-control": "private, max-age=0" }))).toBe(false);
    expect(keepableShell(response(200, { "content-type": "text/html; charset=UTF-8", "cache-control": "no-cache" }))).toBe(true);
    expect(keepableShell(response(200, { "content-type": "application/json" }))).toBe(false);
  });

  it("takes a proxy's 502 or 504 for route being down, not route's own answers", () => {
    expect(upstreamDown(502)).toBe(true);
    expect(upstreamDown(504)).toBe(true);
    expect(upstreamDown(200)).toBe(false);
    expect(upstreamDown(404)).toBe(false);
    expect(upstreamDown(500)).toBe(false);
  });

  it("deletes the caches of older builds only", () => {
    const current = cacheNameOf("new");
    expect(outdatedCaches([cacheNameOf("old"), current, "someone-else"], current)).toEqual([cacheNameOf("old")]);
  });
});
