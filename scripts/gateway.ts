// `npm run gateway -- --id gw-c --port 8093`: one more gateway joining the system `npm start` runs, with its
// settings (Redis, ZooKeeper, secrets, allowed origins from .run/stack.json); supervised like the others.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, startApp, Supervisor } from "@cim/devstack";

const { values } = parseArgs({ options: { id: { type: "string" }, port: { type: "string" } } });
const stackFile = join(REPO_ROOT, ".run", "stack.json");
if (!values.id || !/^[A-Za-z0-9_.-]{1,64}$/.test(values.id) || !values.port || !/^\d{1,5}$/.test(values.port)) {
  console.error("usage: npm run gateway -- --id <gateway id> --port <port>   (while npm start runs)");
  process.exit(2);
}
if (!existsSync(stackFile)) {
  console.error(`${stackFile} not found: start the system with npm start first`);
  process.exit(2);
}
const stack = JSON.parse(readFileSync(stackFile, "utf8")) as { env: Record<string, string> };
process.env.CIM_DEVSTACK_ECHO = "1";
const supervisor = new Supervisor({ report: (line) => console.log(`[supervisor] ${line}`) });
const id = values.id;
const port = values.port;
await supervisor.add(id, () => startApp("gateway", { ...stack.env, GATEWAY_ID: id, PORT: port, GATEWAY_WS_URL: `ws://127.0.0.1:${port}/ws` }, id));
console.log(`${id} joined: ws://127.0.0.1:${port}/ws (Ctrl-C stops it; its users move to the other gateways)`);
const stop = () => void supervisor.stop().finally(() => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
