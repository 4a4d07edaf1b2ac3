// Route's HTTP defences, through app.request() on real Redis and ZooKeeper: content types, methods, caching and CSP
// headers, the web app's assets, and the admin and metrics tokens. Each test is an attack that used to work.
import { brotliDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PASSWORD, useSecurityHarness } from "./testing/security-harness.js";

const { h, unique, json, register, signedIn } = useSecurityHarness();

describe("cross-site requests", () => {
  it("answers 415 to bodies that are not application/json, before reading them", async () => {
    const name = unique("csrf");
    await register(name, "10.6.0.1");
    const body = JSON.stringify({ userName: name, password: PASSWORD });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      for (const path of ["/api/login", "/api/register"]) {
        const res = await h.call("POST", path, { body, headers: { "content-type": type }, from: "10.6.0.2" });
        expect(res.status).toBe(415);
        expect((await json(res)).error.code).toBe("unsupported_media_type");
      }
    }
    expect((await h.call("POST", "/api/login", { body, headers: { "content-type": "application/json; charset=utf-8" }, from: "10.6.0.2" })).status).toBe(200);
  });
});

describe("headers and endpoints", () => {
  it("serves the web app with a strict CSP naming the live gateways, and no source maps", async () => {
    const res = await h.app.request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:39999/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await h.app.request("/assets/app.js")).status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect((await h.app.request("/assets/app.js.map")).status).toBe(404);
    expect((await h.app.request("/api/online")).headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers the API with Cache-Control: no-store, tokens and messages alike; the page stays no-cache", async () => {
    // API answers had no Cache-Control: a login's token or a history page could be kept by a cache.
    const name = unique("nostore");
    await register(name, "10.9.8.1");
    const login = await h.call("POST", "/api/login", { body: { userName: name, password: PASSWORD }, from: "10.9.8.1" });
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    const token = ((await login.json()) as { token: string }).token;
    for (const path of ["/api/history", "/api/rooms", "/api/online"]) {
      const res = await h.call("GET", path, { token });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await h.call("GET", "/api/rooms")).headers.get("cache-control")).toBe("no-store");
    expect((await h.app.request("/")).headers.get("cache-control")).toBe("no-cache");
  });

  it("serves the web app compressed, hashed assets cached for a year", async () => {
    const brotli = await h.app.request("/assets/app.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(brotli.headers.get("content-encoding")).toBe("br");
    expect(brotli.headers.get("vary")).toContain("Accept-Encoding");
    expect(brotli.headers.get("content-type")).toMatch(/javascript/);
    expect(brotli.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(Buffer.from(await brotli.arrayBuffer())).toString()).toContain("cim cim");
    const asset = await h.app.request("/assets/app.js", { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const text = await new Response(asset.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    expect(text).toContain("cim cim");
    const page = await h.app.request("/admin", { headers: { "accept-encoding": "gzip" } });
    expect(page.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers 404 for an asset that is not there (an older build's), never the page cached for a year under its name", async () => {
    for (const path of ["/assets/index-0ldHash.js", "/assets/gone.css", "/assets/"]) {
      const missing = await h.app.request(path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get("cache-control"), path).toBeNull();
      expect(await missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    }
    expect((await h.app.request("/some/client/route")).status).toBe(200);
  });

  it("answers a known path asked with another method 405 with Allow; an unknown path stays 404", async () => {
    // Paths behind the login check answer 401 to a request without a token whatever its method; with one, 405.
    const token = await signedIn("methods", "10.9.7.1");
    const wrong: Array<[string, string, string]> = [
      ["PUT", "/api/login", "POST"],
      ["DELETE", "/api/online", "GET, HEAD"],
      ["GET", "/api/rooms/r1/join", "POST"],
      ["POST", "/api/rooms/r1/members/42", "DELETE"],
    ];
    for (const [method, path, allow] of wrong) {
      const res = await h.call(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")?.split(", ").sort().join(", "), path).toBe(allow);
      expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
    }
    const unknown = await h.app.request("/api/nothing-here", { method: "DELETE" });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("not_found");
    // The right method still reaches the route (its own answer, not 405).
    expect((await h.app.request("/api/online")).status).toBe(401);
  });

  it("answers a path behind the login check 401 without a valid token whatever its method, as CONTRACT says; 405 with one", async () => {
    // Those whose routes check the token themselves (not a router's middleware) answered 405 first.
    const wrong: Array<[string, string]> = [["PUT", "/api/online"], ["POST", "/api/history"], ["GET", "/api/messages"], ["GET", "/api/logout"],
      ["GET", "/api/logout/others"], ["GET", "/api/password"], ["GET", "/api/account"], ["GET", "/api/reconnect"], ["PUT", "/api/rooms"]];
    const token = await signedIn("tokenfirst", "10.9.7.2");
    for (const [method, path] of wrong) {
      for (const headers of [{}, { authorization: "Bearer not-a-token" }] as Array<Record<string, string>>) {
        const res = await h.app.request(path, { method, headers });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get("www-authenticate"), `${method} ${path}`).toMatch(/^Bearer realm="cim"/);
        expect((await json(res)).error.code).toBe("unauthorized");
      }
      const res = await h.call(method, path, { token });
      expect(res.status, `${method} ${path} with a token`).toBe(405);
      expect((await json(res)).error.code).toBe("method_not_allowed");
    }
    // Paths that need no token keep answering 405 without one.
    expect((await h.app.request("/api/login", { method: "GET" })).status).toBe(405);
    expect((await h.app.request("/api/register", { method: "PUT" })).status).toBe(405);
    expect((await h.app.request("/api/openapi.json", { method: "POST" })).status).toBe(405);
  });

  it("answers an unknown path under /api/ 404 not_found, with a token or without", async () => {
    // Under the routers that check the token in a middleware (rooms, users, conversations, search, blocks, admin) such a
    // path answered 401 without a token, where CONTRACT says 404; the other unknown paths answered 404.
    const token = await signedIn("unknownpath", "10.9.7.3");
    for (const path of ["/api/rooms/r1/nothing", "/api/rooms/a/b/c", "/api/users/x/y", "/api/conversations/x", "/api/blocks/1/2", "/api/search/x", "/api/admin/nope", "/api/account/x"]) {
      for (const headers of [{}, { authorization: "Bearer not-a-token" }, { authorization: `Bearer ${token}` }] as Array<Record<string, string>>) {
        const res = await h.app.request(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers).slice(0, 40)}`).toBe(404);
        expect((await json(res)).error.code).toBe("not_found");
      }
    }
  });

  it("answers the web app's paths GET and HEAD only: another method is 405 with Allow, never the page or a body-less 200", async () => {
    // OPTIONS was answered 200 with the page's Content-Length and no body (a client read a truncated response), POST /
    // the page itself, POST /some/route 404.
    for (const path of ["/", "/index.html", "/assets/app.js", "/sw.js", "/some/client/route"]) {
      for (const method of ["OPTIONS", "POST", "PUT", "DELETE", "PATCH"]) {
        const res = await h.app.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toBe("GET, HEAD");
        expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
      }
      expect((await h.app.request(path)).status, `GET ${path}`).toBe(200);
      expect((await h.app.request(path, { method: "HEAD" })).status, `HEAD ${path}`).toBe(200);
    }
    expect((await h.app.request("/healthz", { method: "POST" })).headers.get("allow")).toBe("GET, HEAD");
  });

  it("serves the service worker as a script revalidated on every use, under the same policy", async () => {
    const worker = await h.app.request("/sw.js");
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toMatch(/javascript/);
    // A worker kept in a cache would keep serving an old app: browsers must ask route each time.
    expect(worker.headers.get("cache-control")).toBe("no-cache");
    expect(worker.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await worker.text()).toContain("addEventListener");
  });

  it("slows wrong admin tokens per address with 429", async () => {
    for (let i = 0; i < 5; i++) expect((await h.call("GET", "/api/admin/stats", { token: `wrong-admin-token-${i}`, from: "10.9.6.6" })).status).toBe(401);
    expect((await h.call("GET", "/api/admin/stats", { token: "wrong-admin-token-x", from: "10.9.6.6" })).status).toBe(429);
    expect((await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token", from: "10.9.0.1" })).status).toBe(200);
  });

  it("restricts /metrics to the metrics token when one is set", async () => {
    expect((await h.app.request("/metrics")).status).toBe(401);
    expect((await h.call("GET", "/metrics", { token: "wrong-metrics-token-000" })).status).toBe(401);
    const res = await h.call("GET", "/metrics", { token: "metrics-token-0123456789" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("cim_route_requests_total");
  });
});
