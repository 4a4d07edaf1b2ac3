// The flags of the commands under scripts/ (npm start, npm run gateway, the probes) and the bench's (npm run bench,
// store-cost), read one way: `--help` prints the command's usage (its opening comment and its options with their
// defaults) and exits 0; an unknown or malformed flag is one line saying which and where the usage is, exit 2, before
// any work starts. Plain JavaScript: npm start reads its flags with it before anything is installed (a fresh clone
// has no tsx yet).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The script's opening `//` comment, without the slashes: what it does and how it is run. */
function openingComment(file) {
  const lines = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return lines.join("\n");
}

/** One line per option, `--help` last: `--name <value>  default ...`, the defaults in one column. */
function optionLines(options) {
  const rows = Object.entries(options)
    .filter(([name]) => name !== "help")
    .map(([name, option]) => [`--${name}${option.type === "string" ? " <value>" : ""}`, option.default === undefined || option.default === false ? "" : `default ${String(option.default)}`]);
  rows.push(["--help", "this text"]);
  const width = Math.max(26, ...rows.map(([flag]) => flag.length + 2));
  return rows.map(([flag, said]) => `  ${flag.padEnd(width)}${said}`.trimEnd()).join("\n");
}

/** The usage `--help` prints for the script at `scriptUrl` (its import.meta.url) with these options. */
export function usageOf(scriptUrl, options) {
  const file = fileURLToPath(scriptUrl);
  return `${openingComment(file)}\n\noptions:\n${optionLines(options)}`;
}

/** Prints `command: message (hint)` and exits 2: how every command here refuses its flags. */
export function refuseFlags(command, message, hint = `${command} --help shows the usage`) {
  console.error(`${command}: ${message} (${hint})`);
  process.exit(2);
}

/**
 * The values of `options` in the arguments (default: this process's), and with `allowPositionals` the positionals,
 * or it stops the process: `--help` or `-h` prints the usage and exits `helpExitCode` (0); anything parseArgs
 * refuses is one line and exit 2. `command` names the command in that line (default: the script's path), `usage`
 * replaces the generated usage, `hint` where it is.
 */
export function readArgs(scriptUrl, options, settings = {}) {
  const command = settings.command ?? relative(REPO_ROOT, fileURLToPath(scriptUrl));
  const withHelp = { ...options, help: { type: "boolean", short: "h" } };
  let parsed;
  try {
    parsed = parseArgs({
      args: settings.args ?? process.argv.slice(2),
      options: withHelp,
      allowPositionals: settings.allowPositionals ?? false,
    });
  } catch (error) {
    // parseArgs' first sentence says what ("Unknown option '--bogus'"); the rest is about positionals.
    const first = String(error.message).split(/\. (?=[A-Z])/)[0];
    const what = first.charAt(0).toLowerCase() + first.slice(1);
    refuseFlags(command, what, settings.hint);
  }
  if (parsed.values.help) {
    console.log(settings.usage ?? usageOf(scriptUrl, options));
    process.exit(settings.helpExitCode ?? 0);
  }
  delete parsed.values.help;
  return { values: parsed.values, positionals: parsed.positionals };
}

/** readArgs without positionals: the values alone. */
export function readFlags(scriptUrl, options, settings = {}) {
  return readArgs(scriptUrl, options, { ...settings, allowPositionals: false }).values;
}
