// The OpenAPI document at /api/openapi.json: valid OpenAPI 3.1, complete (every /api route of the app), the
// reference page at /api/docs, and the SDK's RouteApi calling only what the document describes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RouteApi } from "@cim/client";
import { REPO_ROOT } from "@cim/devstack";
import { TEST_ADMIN_TOKEN } from "@cim/devstack";
import { newUser } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface Operation {
  summary?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { pattern?: string; description?: string } }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

let h: RouteHarness;
let doc: Document;

/** Each endpoint row of CONTRACT's tables: its method and path, the document's answers for it, and its answer cell. */
function* contractRows(): Generator<{ method: string; path: string; responses: Record<string, { description?: string } | undefined>; answer: string }> {
  const contract = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8");
  for (const line of contract.split("\n")) {
    const row = /^\s*\| `(GET|POST|PUT|DELETE|PATCH) (\/api\/[^`?]+)`[^|]*\|.*\|\s*$/.exec(line);
    if (!row) continue;
    const [, method, path] = row as unknown as [string, string, string];
    const responses = (doc.paths[path]?.[method.toLowerCase()]?.responses ?? {}) as Record<string, { description?: string } | undefined>;
    const cells = line.split("|");
    yield { method, path, responses, answer: cells[cells.length - 2]! };
  }
}

beforeAll(async () => {
  h = await startRouteHarness();
  const res = await h.call("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(async () => {
  await h?.stop();
});

/** "METHOD /api/path/{param}" of every handler the app has under /api (middleware and the 404 catch-all are ALL). */
function appOperations(): Set<string> {
  const operations = new Set<string>();
  for (const route of h.app.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/")) continue;
    operations.add(`${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return operations;
}

function documentOperations(): Set<string> {
  return new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
}

/** The document's path template matching `pathname` and its operation for `method`, if any. */
function operationFor(method: string, pathname: string): { path: string; operation: Operation } | undefined {
  for (const [path, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`);
    const operation = item[method.toLowerCase()];
    if (pattern.test(pathname) && operation) return { path, operation };
  }
  return undefined;
}

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document, served without a token", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it("describes every /api route of the app, and nothing the app does not route", () => {
    const app = appOperations();
    expect(app.size).toBeGreaterThan(15);
    expect([...app].filter((op) => !documentOperations().has(op))).toEqual([]);
    expect([...documentOperations()].filter((op) => !app.has(op))).toEqual([]);
  });

  it("shows the schemas that validate requests: a limit the document states is the one enforced", async () => {
    const userName = doc.paths["/api/register"]!.post!.requestBody!.content["application/json"]!.schema.properties!.userName as { maxLength: number };
    const res = await h.call("POST", "/api/register", { body: { userName: "a".repeat(userName.maxLength + 1), password: "long enough pass 1" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^userName: /);
  });

  it("states the bounds of history's before as it does a limit's (CONTRACT: 1 to 18446744073709551615, decimal digits)", () => {
    const before = doc.paths["/api/history"]!.get!.parameters!.find((p) => p.name === "before")!;
    expect(before.schema?.pattern).toBe("^[0-9]{1,20}$");
    expect(before.schema?.description).toContain("from 1 to 18446744073709551615");
  });

  it("lists every status and answer field CONTRACT's tables name for an operation", () => {
    const contract = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8");
    const problems: string[] = [];
    let rows = 0;
    for (const line of contract.split("\n")) {
      const row = /^\s*\| `(GET|POST|PUT|DELETE|PATCH) (\/api\/[^`?]+)`[^|]*\|.*\|\s*$/.exec(line);
      if (!row) continue;
      rows++;
      const [, method, path] = row as unknown as [string, string, string];
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) {
        problems.push(`${method} ${path} is not in the document`);
        continue;
      }
      const cells = line.split("|");
      const answer = cells[cells.length - 2]!;
      // The statuses the answer cell names (`201`, `403 forbidden`), but for a remark on another operation's.
      const statuses = [...answer.matchAll(/`([1-5]\d\d)\b/g)].map((m) => m[1]!).filter((status) => !(path === "/api/rooms/public" && status === "201"));
      for (const status of statuses) if (!(status in operation.responses)) problems.push(`${method} ${path}: ${status} is not listed`);
      // The fields of its first success answer, `200 {users:[{userId, userName}]}`, in the answer's description.
      const success = /`(2\d\d) (\{[^`]*\})`/.exec(answer);
      if (!success) continue;
      const description = (operation.responses[success[1]!] as { description?: string } | undefined)?.description ?? "";
      for (const [, field] of success[2]!.matchAll(/([A-Za-z]+)\??(?=[:,}\]])/g)) {
        if (!new RegExp(`\\b${field}\\b`).test(description)) problems.push(`${method} ${path}: ${field} is not in its ${success[1]} answer`);
      }
    }
    expect(rows).toBeGreaterThan(20);
    // Fields CONTRACT names in prose for the paged forms.
    const conversations = (doc.paths["/api/conversations"]!.get!.responses["200"] as { description: string }).description;
    for (const field of ["nextCursor", "visibility", "owner"]) if (!conversations.includes(field)) problems.push(`GET /api/conversations: ${field} is not in its 200 answer`);
    expect(problems).toEqual([]);
  });

  // A header CONTRACT's table names with a status (`429 rate_limited` (+ `Retry-After`), `204` (header
  // `Cim-Logins-Ended` ...)) is in that status' description: the document is what an outside client reads.
  it("names the headers CONTRACT's tables give an answer with, in that answer", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { method, path, responses, answer } of contractRows()) {
      // Each status' clause runs to the next status the cell names.
      const clauses = answer.split(/(?=`[1-5]\d\d\b)/);
      for (const clause of clauses) {
        const status = /^`([1-5]\d\d)\b/.exec(clause)?.[1];
        if (!status) continue;
        for (const header of ["Retry-After", "Cim-Logins-Ended"]) {
          if (!clause.includes(header)) continue;
          checked++;
          if (!responses[status]?.description?.includes(header)) problems.push(`${method} ${path}: ${status} does not name ${header}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  // An error code CONTRACT's tables give with a status (`400 weak_password`, `409 too_many_blocks`, `403 blocked`) is
  // named in that status' description, as the headers are above: a client learns the codes to expect from it.
  it("names the error codes CONTRACT's tables give a status, in that status' answer", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { method, path, responses, answer } of contractRows()) {
      for (const [, status, code] of answer.matchAll(/`([45]\d\d) ([a-z_]+)`/g)) {
        checked++;
        if (!new RegExp(`\\b${code!}\\b`).test(responses[status!]?.description ?? "")) problems.push(`${method} ${path}: ${status} does not name ${code}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  // CONTRACT names fields of history's messages and search's hits outside the tables' answer cells: `sentHere` (the
  // history row, 2026-11-29), a reply's quote `replyFrom`, `replyFromName`, `replyText` ("history and the recovery
  // after a reconnect carry them too"; search's hits their `replyText`, following edits since 2026-11-30).
  it("names the fields CONTRACT gives history's messages and search's hits in prose", () => {
    const describe = (path: string) => (doc.paths[path]!.get!.responses["200"] as { description: string }).description;
    const missing = [
      ...["sentHere", "replyFrom", "replyFromName", "replyText"].filter((field) => !new RegExp(`\\b${field}\\b`).test(describe("/api/history"))).map((field) => `history: ${field}`),
      ...["replyText"].filter((field) => !new RegExp(`\\b${field}\\b`).test(describe("/api/search"))).map((field) => `search: ${field}`),
    ];
    expect(missing).toEqual([]);
  });

  // CONTRACT: the 503 of a POST /api/messages names the clientMsgId it was stored under, beside `code` (added
  // 2026-11-30): the document's error body for it must let that field through, and say so.
  it("lets the 503 of POST /api/messages carry error.clientMsgId, and says so", () => {
    const answer = doc.paths["/api/messages"]!.post!.responses["503"] as { description: string; content: Record<string, { schema: unknown }> };
    expect(answer.description).toContain("error.clientMsgId");
    const resolve = (schema: unknown): Record<string, unknown> => {
      const ref = (schema as { $ref?: string }).$ref;
      return ref ? (doc as unknown as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas[ref.split("/").pop()!]! : schema as Record<string, unknown>;
    };
    const body = resolve(answer.content["application/json"]!.schema);
    const error = resolve((body.properties as Record<string, unknown>).error);
    expect(Object.keys(error.properties as object)).toContain("clientMsgId");
    // Not required: a 503 from before the send was read (the token's check, the send limit's count) names none.
    expect(error.required).not.toContain("clientMsgId");
  });

  // CONTRACT: "Any request that failed because Redis was unreachable ... is answered 503 unavailable with Retry-After":
  // registration and login too, and an operation whose 503 has a meaning of its own (no_gateway) has this one as well.
  it("lists 503 unavailable for Redis down on every operation that reads Redis, beside a 503 of its own", () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path === "/api/openapi.json" || path === "/api/docs") continue;
      for (const [method, operation] of Object.entries(item) as Array<[string, Operation]>) {
        const description = (operation.responses as Record<string, { description?: string } | undefined>)["503"]?.description ?? "";
        if (!/unavailable \(with Retry-After\): Redis/.test(description)) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  // CONTRACT: "A body over CIM_MAX_BODY_BYTES (16 KiB) gets 413 payload_too_large", whatever the operation: the document
  // is where a client generated from it learns that answer.
  it("lists 413 payload_too_large on every operation that takes a body, which each answers to a body over 16 KiB", async () => {
    const user = await newUser(h, "large");
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item) as Array<[string, Operation]>) {
        if (!operation.requestBody) continue;
        const op = `${method.toUpperCase()} ${path}`;
        if (!/payload_too_large/.test((operation.responses as Record<string, { description?: string } | undefined>)["413"]?.description ?? "")) problems.push(`${op}: not in the document`);
        const res = await h.call(method.toUpperCase(), path.replace(/\{\w+\}/g, "1"), { token: user.token, body: { text: "x".repeat(17 * 1024) } });
        const body = (await res.json()) as { error?: { code?: string } };
        if (res.status !== 413 || body.error?.code !== "payload_too_large") problems.push(`${op}: answered ${res.status} ${body.error?.code}`);
      }
    }
    expect(problems).toEqual([]);
  });

  // CONTRACT: a known path asked with a method it does not take is 405 method_not_allowed with Allow naming its methods
  // (HEAD wherever GET), behind a valid token. The document is where an outside client learns those methods.
  it("answers every documented path's other methods 405 with Allow naming the document's methods", async () => {
    const user = await newUser(h, "allow");
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const methods = Object.keys(item).map((method) => method.toUpperCase());
      if (methods.includes("GET")) methods.push("HEAD");
      // Every other method: a fixed path that also fits a pattern (/api/rooms/public, /api/rooms/{roomId}) was answered
      // by the pattern's route for the pattern's methods (PATCH /api/rooms/public: 404, no room "public").
      for (const other of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((method) => !methods.includes(method))) {
        const token = path.startsWith("/api/admin/") ? TEST_ADMIN_TOKEN : user.token;
        const res = await h.call(other, path.replace(/\{\w+\}/g, "1"), { token });
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/).sort();
        if (res.status !== 405 || allow.join() !== methods.sort().join()) problems.push(`${other} ${path}: ${res.status} Allow: ${res.headers.get("allow")} (document: ${methods.join(", ")})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("states the default limit of each paged form, as CONTRACT does (the schema's default would apply to the unpaged form too)", () => {
    const defaults: Array<[string, number]> = [["/api/online", 50], ["/api/rooms/{roomId}/members", 50], ["/api/conversations", 30], ["/api/rooms", 30]];
    for (const [path, limit] of defaults) expect(doc.paths[path]!.get!.summary, path).toContain(`default ${limit}`);
  });

  it("lists 429 rate_limited for every operation with a limit of its own (CONTRACT and README's limits)", () => {
    const limited = ["POST /api/register", "POST /api/login", "POST /api/password", "POST /api/messages", "POST /api/rooms", "PATCH /api/rooms/{roomId}",
      "DELETE /api/rooms/{roomId}/members/{userId}", "PUT /api/blocks/{userId}", "DELETE /api/blocks/{userId}", "GET /api/search"];
    const missing = limited.filter((op) => {
      const [method, path] = op.split(" ") as [string, string];
      return !("429" in (doc.paths[path]?.[method.toLowerCase()]?.responses ?? {}));
    });
    expect(missing).toEqual([]);
    // And CONTRACT's row of each says so: POST /api/register, /api/login and /api/rooms named their limits' 429 nowhere
    // in their rows (login's and registration's were in prose elsewhere, room creation's only in SECURITY and README).
    const rows = [...contractRows()].map((row) => [`${row.method} ${row.path}`, row.answer] as const);
    const unsaid = limited.filter((op) => rows.some(([name]) => name === op) && !rows.some(([name, answer]) => name === op && /`429\b/.test(answer)));
    expect(unsaid).toEqual([]);
  });

  it("lists 429 for the cap of the user's requests in progress and 503 for Redis down on every operation behind a user token", () => {
    // requireUser answers 429 (CIM_MAX_REQUESTS_PER_USER in progress and CIM_MAX_WAITING_REQUESTS_PER_USER waiting) to
    // any of them but the logouts, never refused; app.onError answers 503 to any that finds Redis unavailable.
    const neverQueued = new Set(["POST /api/logout", "POST /api/logout/others"]);
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path.startsWith("/api/admin/")) continue;
      for (const [method, operation] of Object.entries(item) as Array<[string, Operation & { security?: unknown[] }]>) {
        if (!operation.security?.length) continue;
        const op = `${method.toUpperCase()} ${path}`;
        const responses = operation.responses as Record<string, { description?: string } | undefined>;
        if (!neverQueued.has(op) && !/CIM_MAX_REQUESTS_PER_USER/.test(responses["429"]?.description ?? "")) missing.push(`${op} 429`);
        if (!responses["503"]) missing.push(`${op} 503`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("GET /api/docs", () => {
  it("renders every operation as HTML without scripts, under the strict CSP", async () => {
    const res = await h.call("GET", "/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    for (const op of documentOperations()) expect(html).toContain(op);
  });
});

describe("the SDK's RouteApi", () => {
  it("calls only operations of the document, with declared query parameters and body fields", async () => {
    const seen: string[] = [];
    const problems: string[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      const method = init?.method ?? "GET";
      const found = operationFor(method, url.pathname);
      if (!found) {
        problems.push(`${method} ${url.pathname} is not in the document`);
        return new Response("{}", { status: 200 });
      }
      seen.push(`${method} ${found.path}`);
      const declared = new Set((found.operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
      for (const name of url.searchParams.keys()) if (!declared.has(name)) problems.push(`${method} ${found.path}: query ${name} is not declared`);
      const schema = found.operation.requestBody?.content["application/json"]?.schema;
      if (init?.body !== undefined && init.body !== null) {
        if (!schema) problems.push(`${method} ${found.path}: sends a body the document does not take`);
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        for (const key of Object.keys(body)) if (!schema?.properties?.[key]) problems.push(`${method} ${found.path}: body field ${key} is not declared`);
      } else if (found.operation.requestBody?.required) {
        problems.push(`${method} ${found.path}: sends no body but the document requires one`);
      }
      return "204" in found.operation.responses ? new Response(null, { status: 204 }) : new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;

    const api = new RouteApi("http://route.test", fakeFetch);
    const calls: Record<string, () => Promise<unknown>> = {
      register: () => api.register("alice", "pass-word-1"),
      login: () => api.login("alice", "pass-word-1"),
      reconnect: () => Promise.all([api.reconnect("t"), api.reconnect("t", "gw-1")]),
      logout: () => api.logout("t"),
      logoutOthers: () => api.logoutOthers("t"),
      changePassword: () => api.changePassword("t", "old-pass-word-1", "new-pass-word-2"),
      deleteAccount: () => api.deleteAccount("t", "pass-word-1"),
      block: () => api.block("t", "2"),
      unblock: () => api.unblock("t", "2"),
      blocks: () => api.blocks("t"),
      online: () => api.online("t"),
      onlinePage: () => Promise.all([api.onlinePage("t"), api.onlinePage("t", { cursor: "YWJj", limit: 10, prefix: "a" })]),
      history: () => Promise.all([api.history("t"), api.history("t", { with: "1", before: "2", limit: 10 }), api.history("t", { room: "r1" })]),
      sendMessage: () => Promise.all([api.sendMessage("t", { text: "hi" }), api.sendMessage("t", { to: "1", text: "hi", clientMsgId: "c1" }), api.sendMessage("t", { room: "r1", text: "hi" }),
        api.sendMessage("t", { room: "r1", text: "re", replyTo: "5" }), api.sendMessage("t", { text: "", editOf: "5", delete: true })]),
      createRoom: () => api.createRoom("t", { name: "x", visibility: "public" }),
      rooms: () => api.rooms("t"),
      roomPage: () => Promise.all([api.roomPage("t"), api.roomPage("t", { cursor: "YWJj", limit: 10 })]),
      publicRooms: () => api.publicRooms("t", { prefix: "a", limit: 5 }),
      joinRoom: () => api.joinRoom("t", "r1"),
      leaveRoom: () => api.leaveRoom("t", "r1"),
      roomOpened: () => api.roomOpened("t", "r1"),
      invite: () => api.invite("t", "r1", "2"),
      removeMember: () => api.removeMember("t", "r1", "2"),
      renameRoom: () => api.renameRoom("t", "r1", "y"),
      members: () => api.members("t", "everyone"),
      memberPage: () => Promise.all([api.memberPage("t", "r1"), api.memberPage("t", "r1", { cursor: "YWJj", limit: 10, prefix: "a" })]),
      users: () => api.users("t", { prefix: "a", limit: 5 }),
      lastSeen: () => api.lastSeen("t", ["1", "2"]),
      conversations: () => api.conversations("t"),
      conversationPage: () => Promise.all([api.conversationPage("t"), api.conversationPage("t", { cursor: "YWJj", limit: 10 })]),
      searchPage: () => Promise.all([api.searchPage("t", { q: "x" }), api.searchPage("t", { q: "x", conversation: "r1", limit: 5, cursor: "YWJj" })]),
      search: () => Promise.all([api.search("t", { q: "x" }), api.search("t", { q: "x", conversation: "r1", limit: 5 })]),
      adminStats: () => api.adminStats("admin"),
    };
    // Every public method of RouteApi is exercised here, so a new SDK call cannot skip this check.
    const methods = Object.getOwnPropertyNames(RouteApi.prototype).filter((name) => name !== "constructor" && name !== "call");
    expect(Object.keys(calls).sort()).toEqual(methods.sort());
    for (const call of Object.values(calls)) await call();

    expect(problems).toEqual([]);
    expect(new Set(seen).size).toBe(28);
  });
});
