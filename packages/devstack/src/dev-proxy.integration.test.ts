// `npm run dev` beside a running `npm start`: Vite's dev server proxies /api to the route npm start runs, wherever a
// taken port moved it (.run/stack.json), not to :8080 whatever happened.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";
import { removeDir } from "./services.js";

let route: Server;
let vite: Spawned | undefined;
const runDir = mkdtempSync(join(tmpdir(), "cim-run-"));

beforeAll(async () => {
  // Route as npm start left it in stack.json, on a port of its own: it answers who it is.
  route = createServer((request, response) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ route: "from-stack", path: request.url })));
  await new Promise<void>((resolve) => route.listen(0, "127.0.0.1", resolve));
  const { port } = route.address() as { port: number };
  writeFileSync(join(runDir, "stack.json"), JSON.stringify({ env: {}, routeUrl: `http://127.0.0.1:${port}`, gateways: [] }));
});
afterAll(async () => {
  if (vite) await stopProcess(vite, "SIGTERM");
  await new Promise((resolve) => route?.close(resolve));
  removeDir(runDir);
});

describe("npm run dev", () => {
  it("proxies /api to the route of .run/stack.json", { timeout: 90_000 }, async () => {
    const port = await getPort({ host: "127.0.0.1" });
    const { CIM_ROUTE_DEV_TARGET: _set, ...inherited } = process.env;
    const env = { ...inherited, CIM_RUN_DIR: runDir };
    vite = spawnTracked(join(REPO_ROOT, "node_modules/.bin/vite"), ["--port", String(port), "--strictPort"], { cwd: join(REPO_ROOT, "apps/web"), env }, "vite");
    await vite.waitFor(/Local:/, 60_000);
    const answer = await fetch(`http://127.0.0.1:${port}/api/healthz-of-route`);
    expect(await answer.json()).toEqual({ route: "from-stack", path: "/api/healthz-of-route" });
  });
});
