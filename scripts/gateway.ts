// `npm run gateway -- --id gw-c --port 8093`: one more gateway joining the system `npm start` runs, with its
// settings (Redis, ZooKeeper, secrets, allowed origins from .run/stack.json); supervised like the others.
// CIM_RUN_DIR names another folder than the checkout's .run (tests).
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { logFileOf, REPO_ROOT, startApp, Supervisor } from "@cim/devstack";
import { readFlags, refuseFlags } from "./cli-flags.mjs";

const COMMAND = "npm run gateway";
const HINT = "usage: npm run gateway -- --id <gateway id> --port <port>";
const USAGE = `${HINT}   (while npm start runs)`;
const values = readFlags(import.meta.url, { id: { type: "string" }, port: { type: "string" } }, { command: COMMAND, usage: USAGE, hint: HINT });
if (!values.id || !values.port) refuseFlags(COMMAND, "--id and --port are required", HINT);
if (!/^[A-Za-z0-9_.-]{1,64}$/.test(values.id)) refuseFlags(COMMAND, `--id must be 1 to 64 of A-Z a-z 0-9 _ . -, got ${values.id}`, HINT);
if (!/^\d{1,5}$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65_535) refuseFlags(COMMAND, `--port must be a port number (1 to 65535), got ${values.port}`, HINT);
const runDir = process.env.CIM_RUN_DIR || join(REPO_ROOT, ".run");
const stackFile = join(runDir, "stack.json");
if (!existsSync(stackFile)) {
  console.error(`${stackFile} not found: start the system with npm start first`);
  process.exit(2);
}
const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { env: Record<string, string>; routeUrl?: string };
// stack.json outlives its npm start: a gateway started against a stopped system waited 30 s on its Redis.
if (stack.routeUrl) {
  const answered = await fetch(`${stack.routeUrl}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(() => true, () => false);
  if (!answered) {
    console.error(`route at ${stack.routeUrl} does not answer: is npm start running? (${stackFile} is from its last run)`);
    process.exit(2);
  }
}
const id = values.id;
const port = values.port;

/**
 * The port taken is said here, in this command's terms: the gateway's own line tells to set PORT, which this command
 * sets itself from --port.
 */
const portError = await new Promise<string | null>((resolve) => {
  const probe = createServer();
  probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  probe.listen({ port: Number(port), host: stack.env.HOST ?? "127.0.0.1" }, () => probe.close(() => resolve(null)));
});
if (portError) {
  const why = portError === "EADDRINUSE" ? "is in use by another process" : portError === "EACCES" ? "needs root (below 1024)" : `cannot be listened on (${portError})`;
  console.error(`${COMMAND}: port ${port} ${why}: pick another --port`);
  process.exit(2);
}

process.env.CIM_DEVSTACK_ECHO = "1";
// Its lines also go to .run/logs/<id>.log beside npm start's processes' (they were on this console only, lost with it).
const logDir = join(runDir, "logs");
process.env.CIM_DEVSTACK_LOG_DIR = logDir;
const supervisor = new Supervisor({ report: (line) => console.log(`[supervisor] ${line}`) });
/**
 * A failed start in this command's terms, in place of the gateway's own line (which names GATEWAY_ID and PORT, set
 * here from --id and --port, and came above this one): the id of a gateway that runs (apps/gateway id-guard: two under
 * one id release each other's users), or the port taken since the check above; anything else as the gateway says it.
 */
function inOurTerms(reason: string): string {
  const namesake = /GATEWAY_ID \S+ is in use by a running gateway \(([^)\s]+)\)/.exec(reason);
  if (namesake) return `a gateway ${id} is already running (${namesake[1]}): pick another --id`;
  if (/^cannot listen on \S+: the port is in use/.test(reason)) return `port ${port} is in use by another process: pick another --port`;
  return `${id} did not start: ${reason}`;
}
try {
  await supervisor.add(id, () => startApp("gateway", { ...stack.env, GATEWAY_ID: id, PORT: port, GATEWAY_WS_URL: `ws://127.0.0.1:${port}/ws` }, id, { startFailure: inOurTerms }));
} catch (error) {
  const said = (error as Error).message;
  // Its own words when it gave a reason; else (no "failed to start" line) its last lines, echoed above, say why.
  console.error(said.includes(" exited before printing ") || said.includes(" did not print ") ? `${COMMAND}: ${id} did not start: see its last line above` : `${COMMAND}: ${said}`);
  process.exit(said.includes("pick another") ? 2 : 1);
}
console.log(`${id} joined: ws://127.0.0.1:${port}/ws, its log ${logFileOf(logDir, id)} (Ctrl-C stops it; its users move to the other gateways)`);
const stop = () => void supervisor.stop().finally(() => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
