// npm start's flags and PORT, read before anything else: scripts/start.sh runs this file first, so that a bad flag
// stops at once instead of after the installs and the web app's build (`node scripts/start-flags.mjs "$@"`: exit 0
// when they are good, 2 with one line when not, HELP_SHOWN after printing the usage); start.ts reads them again.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readFlags, refuseFlags } from "./cli-flags.mjs";

export const START_USAGE = `usage: npm start [-- [--gateways N] [--cluster] [--verbose]]   (N: 1 to 26 gateways, default 2)
  logs: every process's output goes to .run/logs/<name>.log; the console shows their warnings and errors only, or
  with --verbose every line
  env: PORT (route's port, default 8080; a port in use moves to the next free one, as Redis', ZooKeeper's and the
  gateways' do: the URLs printed are the ones to use), REDIS_URL or REDIS_CLUSTER_NODES, ZK_CONNECT (servers already
  running), CIM_LAYOUT=cluster (as --cluster); any other setting of route and the gateways (README, Configuration)`;

/** The exit code of this file run alone after `--help`: start.sh then stops with 0 instead of starting. */
export const HELP_SHOWN = 10;

const OPTIONS = {
  gateways: { type: "string", default: "2" },
  cluster: { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
};

/** npm start's settings from its arguments and PORT, or one line and exit 2. */
export function readStartFlags(args = process.argv.slice(2), env = process.env, helpExitCode = 0) {
  const refuse = (message) => refuseFlags("npm start", message, "npm start -- --help lists the flags");
  const values = readFlags(import.meta.url, OPTIONS, {
    args,
    command: "npm start",
    usage: START_USAGE,
    hint: "npm start -- --help lists the flags",
    helpExitCode,
  });
  const gateways = /^\d+$/.test(values.gateways) ? Number(values.gateways) : NaN;
  if (!(gateways >= 1 && gateways <= 26)) refuse(`--gateways must be 1 to 26, got ${values.gateways}`);
  const routePort = env.PORT ? (/^\d{1,5}$/.test(env.PORT) ? Number(env.PORT) : NaN) : 8080;
  if (!(routePort >= 1 && routePort <= 65_535)) refuse(`PORT must be a port number (1 to 65535), got ${env.PORT}`);
  // CIM_LAYOUT=clustr started the single node without a word.
  const layout = env.CIM_LAYOUT ?? "";
  if (!["", "single", "cluster"].includes(layout)) refuse(`CIM_LAYOUT must be single or cluster, got ${layout}`);
  return { gateways, cluster: values.cluster || layout === "cluster", routePort, verbose: values.verbose };
}

/**
 * The line npm start prints when the checkout has a .env: a developer who copied .env.example to .env and set
 * something there saw npm start ignore it without a word (only docker compose reads .env; a copy used as is would
 * also point npm start at a Redis and a ZooKeeper "already running" on 6379 and 2181).
 */
export function dotEnvNote(root = fileURLToPath(new URL("..", import.meta.url))) {
  if (!existsSync(`${root}/.env`)) return null;
  return "npm start: .env is not read (docker compose reads it): give npm start a setting in its environment, e.g. CIM_MAX_DEVICES=3 npm start";
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  readStartFlags(process.argv.slice(2), process.env, HELP_SHOWN);
  const note = dotEnvNote();
  if (note) console.error(note);
}
