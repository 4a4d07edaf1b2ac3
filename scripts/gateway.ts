// `npm run gateway -- --id gw-c --port 8093`: one more gateway joining the system `npm start` runs, with its
// settings (Redis, ZooKeeper, secrets, allowed origins from .run/stack.json); supervised like the others.
// CIM_RUN_DIR names another folder than the checkout's .run (tests).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, startApp, Supervisor } from "@cim/devstack";

const USAGE = "usage: npm run gateway -- --id <gateway id> --port <port>   (while npm start runs)";
let values: { id?: string; port?: string };
try {
  ({ values } = parseArgs({ options: { id: { type: "string" }, port: { type: "string" } } }));
} catch (error) {
  console.error(`npm run gateway: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const stackFile = join(process.env.CIM_RUN_DIR || join(REPO_ROOT, ".run"), "stack.json");
if (!values.id || !/^[A-Za-z0-9_.-]{1,64}$/.test(values.id) || !values.port || !/^\d{1,5}$/.test(values.port)) {
  console.error(USAGE);
  process.exit(2);
}
if (!existsSync(stackFile)) {
  console.error(`${stackFile} not found: start the system with npm start first`);
  process.exit(2);
}
const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { env: Record<string, string>; routeUrl?: string };
const id = values.id;
const port = values.port;

/**
 * The gateways route lists now, or null when it cannot tell. A second gateway started under a live one's id (the
 * hint npm start prints, run twice) released that gateway's users in Redis as it started, then died on the port.
 */
async function liveGateways(): Promise<Array<{ id: string; wsUrl: string }> | null> {
  if (!stack.routeUrl || !stack.env.CIM_ADMIN_TOKEN) return null;
  try {
    const answer = await fetch(`${stack.routeUrl}/api/admin/stats`, { headers: { authorization: `Bearer ${stack.env.CIM_ADMIN_TOKEN}` }, signal: AbortSignal.timeout(5_000) });
    return answer.ok ? ((await answer.json()) as { gateways: Array<{ id: string; wsUrl: string }> }).gateways : null;
  } catch {
    console.error(`route at ${stack.routeUrl} does not answer: is npm start running? (${stackFile} is from its last run)`);
    process.exit(2);
  }
}
const same = (await liveGateways())?.find((gateway) => gateway.id === id);
if (same) {
  console.error(`a gateway ${id} is already running (${same.wsUrl}): pick another --id`);
  process.exit(2);
}

process.env.CIM_DEVSTACK_ECHO = "1";
const supervisor = new Supervisor({ report: (line) => console.log(`[supervisor] ${line}`) });
try {
  await supervisor.add(id, () => startApp("gateway", { ...stack.env, GATEWAY_ID: id, PORT: port, GATEWAY_WS_URL: `ws://127.0.0.1:${port}/ws` }, id));
} catch {
  // Its own last line, echoed above, says why (the port in use, Redis unreachable...).
  console.error(`${id} did not start: see its last line above`);
  process.exit(1);
}
console.log(`${id} joined: ws://127.0.0.1:${port}/ws (Ctrl-C stops it; its users move to the other gateways)`);
const stop = () => void supervisor.stop().finally(() => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
