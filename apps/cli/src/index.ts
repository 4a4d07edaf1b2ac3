// Entry point of the console client: parses args and env, builds the SDK client, runs the loop, exits on quit or signal.
import { CimClient } from "@cim/client";
import { EXIT, runCli } from "./cli.js";
import { parseConfig, USAGE } from "./config.js";
import { wsSocketFactory } from "./socket.js";

const parsed = parseConfig(process.argv.slice(2), process.env);
if (!parsed.ok) {
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(EXIT.ok);
  }
  process.stderr.write(`cim: ${parsed.error}\n${USAGE}\n`);
  process.exit(EXIT.usage);
}
const { config } = parsed;

const client = new CimClient({ routeUrl: config.routeUrl, createSocket: wsSocketFactory });
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop.abort());

const code = await runCli({
  client,
  userName: config.userName,
  password: config.password,
  register: config.register,
  routeUrl: config.routeUrl,
  input: process.stdin,
  output: process.stdout,
  signal: stop.signal,
});
client.close();
// stdout is flushed synchronously for files and pipes on Linux; wait for a terminal's last write.
process.stdout.write("", () => process.exit(code));
