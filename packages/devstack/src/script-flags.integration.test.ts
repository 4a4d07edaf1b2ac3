// The commands under scripts/ as an operator first meets them, before any server: `npm start -- --bogus` installed
// and built the web app before it refused the flag, and the probes took `--help` for an unknown option.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { spawnTracked } from "./processes.js";
import { removeDir } from "./services.js";

const runDir = mkdtempSync(join(tmpdir(), "cim-run-"));
afterAll(() => removeDir(runDir));

/** Runs a command to its end: its exit code and everything it printed (stdout, then stderr). */
function run(command: string, args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, CIM_RUN_DIR: runDir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm start's flags", () => {
  it("an unknown one stops at once with one line, before anything is installed or built, exit 2", { timeout: 120_000 }, async () => {
    const start = await run("bash", ["scripts/start.sh", "--bogus"]);
    expect(start.code).toBe(2);
    expect(start.stdout).toBe("");
    expect(start.stderr).toBe("npm start: unknown option '--bogus' (npm start -- --help lists the flags)\n");
  });

  it("a bad value is one line naming the flag, exit 2", { timeout: 120_000 }, async () => {
    const start = await run("bash", ["scripts/start.sh", "--gateways", "abc"]);
    expect(start.code).toBe(2);
    expect(start.stdout + start.stderr).toBe("npm start: --gateways must be 1 to 26, got abc (npm start -- --help lists the flags)\n");
  });

  it("CIM_LAYOUT other than single or cluster is refused the same way (it started the single node)", { timeout: 120_000 }, async () => {
    const start = await run("bash", ["scripts/start.sh"], REPO_ROOT, { CIM_LAYOUT: "clustr" });
    expect([start.code, start.stdout, start.stderr]).toEqual([2, "", "npm start: CIM_LAYOUT must be single or cluster, got clustr (npm start -- --help lists the flags)\n"]);
  });

  it("--help prints the usage and starts nothing, exit 0", { timeout: 120_000 }, async () => {
    const start = await run("bash", ["scripts/start.sh", "--help"]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^usage: npm start \[-- \[--gateways N\] \[--cluster\] \[--verbose\]\]/);
    expect(start.stdout).not.toContain("vite");
  });
});

describe("npm start and a .env", () => {
  it("says once that it does not read .env, where a developer who copied .env.example expected it to", { timeout: 60_000 }, async () => {
    // A checkout of npm start's first step alone (scripts/start-flags.mjs and what it imports), with and without .env.
    const checkout = join(runDir, "checkout");
    mkdirSync(join(checkout, "scripts"), { recursive: true });
    for (const file of ["start-flags.mjs", "cli-flags.mjs"]) copyFileSync(join(REPO_ROOT, "scripts", file), join(checkout, "scripts", file));
    const without = await run(process.execPath, ["scripts/start-flags.mjs"], checkout);
    expect([without.code, without.stdout, without.stderr]).toEqual([0, "", ""]);
    writeFileSync(join(checkout, ".env"), readFileSync(join(REPO_ROOT, ".env.example")));
    const withEnv = await run(process.execPath, ["scripts/start-flags.mjs"], checkout);
    expect([withEnv.code, withEnv.stdout]).toEqual([0, ""]);
    expect(withEnv.stderr).toBe("npm start: .env is not read (docker compose reads it): give npm start a setting in its environment, e.g. CIM_MAX_DEVICES=3 npm start\n");
  });
});

describe("npm run cli", () => {
  it("a failure is its own line and exit 1, without npm's block of errors about a workspace script", { timeout: 60_000 }, async () => {
    const closed = await getPort({ host: "127.0.0.1" });
    const cli = await run("npm", ["run", "cli", "--", "--route", `http://127.0.0.1:${closed}`, "--user", "ann", "--password", "cim-test-pass-1"]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/\n! login failed: route is unreachable: .+\n$/);
    expect(cli.stderr).toBe("");
  });
});

describe("npm run bench", () => {
  it("a bad flag is its own line and exit 2, in the scripts' words, without npm's block of errors about a workspace script", { timeout: 60_000 }, async () => {
    const bench = await run("npm", ["run", "bench", "--", "--bogus"]);
    expect([bench.code, bench.stderr]).toEqual([2, "npm run bench: unknown option '--bogus' (npm run bench -- --help lists the flags)\n"]);
  });

  it("--help prints its opening comment and every flag with its default, as the scripts' --help does, exit 0", { timeout: 60_000 }, async () => {
    const help = await run(process.execPath, ["--import", "tsx", "bench/src/index.ts", "--help"]);
    expect([help.code, help.stderr]).toEqual([0, ""]);
    expect(help.stdout.startsWith("`npm run bench`: runs every workload against CIM")).toBe(true);
    expect(help.stdout).toMatch(/\noptions:\n {2}--systems <value> +default cim,socketio,ws\n/);
    expect(help.stdout).toMatch(/\n {2}--sessions <value> +default 20000\n/);
    // The longest names too keep two spaces before their default.
    expect(help.stdout).toMatch(/\n {2}--saturation-duration <value> {2,}default 4\n/);
    expect(help.stdout).toMatch(/\n {2}--help +this text\n$/);
  });

  it("store-cost answers --help and an unknown flag the same way", { timeout: 60_000 }, async () => {
    const [help, bogus] = await Promise.all([
      run(process.execPath, ["--import", "tsx", "bench/src/store-cost.ts", "--help"]),
      run(process.execPath, ["--import", "tsx", "bench/src/store-cost.ts", "--bogus"]),
    ]);
    expect([help.code, help.stderr]).toEqual([0, ""]);
    expect(help.stdout).toMatch(/^`npm run store-cost -w @cim\/bench`: .+\n[^]*\noptions:\n {2}--per-turn <value> +default 1,5,20,100\n/);
    expect([bogus.code, bogus.stdout, bogus.stderr]).toEqual([2, "", "npm run store-cost -w @cim/bench: unknown option '--bogus' (npm run store-cost -w @cim/bench -- --help lists the flags)\n"]);
  });
});

const PROBES = ["scripts", "scripts/many", "apps/gateway/scripts"]
  .flatMap((dir) => readdirSync(join(REPO_ROOT, dir)).map((name) => `${dir}/${name}`))
  .filter((path) => path.endsWith(".ts") && path !== "scripts/gateway.ts" && /read(Flags|Args)\(import\.meta\.url, \{/.test(readFileSync(join(REPO_ROOT, path), "utf8")));

describe("the probe scripts", () => {
  it("are found (every runnable script under scripts/, and the gateway's probe)", () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(19);
  });

  it.each(PROBES)("%s answers --help with its usage and an unknown option with one line", { timeout: 120_000 }, async (path) => {
    const opening = readFileSync(join(REPO_ROOT, path), "utf8").split("\n")[0]!.replace(/^\/\/ ?/, "");
    const [help, bogus] = await Promise.all([run(process.execPath, ["--import", "tsx", path, "--help"]), run(process.execPath, ["--import", "tsx", path, "--bogus"])]);
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith(`${opening}\n`)).toBe(true);
    expect(help.stdout).toMatch(/\noptions:\n {2}--\S+/);
    expect(help.stderr).toBe("");
    expect(bogus.code).toBe(2);
    expect(bogus.stdout).toBe("");
    expect(bogus.stderr).toBe(`${path}: unknown option '--bogus' (${path} --help shows the usage)\n`);
  });
});

describe("npm run test:e2e", () => {
  it("is Playwright itself: its flags reach it, and a failure ends in its own line, not npm's block of errors", { timeout: 90_000 }, async () => {
    // Through `npm test -w @cim/e2e` the nested npm took `--bogus` as its own setting ("npm warn Unknown cli config")
    // and ran the whole suite; a failing run ended in "npm error Lifecycle script `test` failed ... workspace @cim/e2e".
    const e2e = spawnTracked("npm", ["run", "test:e2e", "--", "--bogus"], { cwd: REPO_ROOT }, "test:e2e");
    try {
      const [said] = await e2e.waitFor(/unknown option '--bogus'|npm warn/, 45_000);
      expect(said).toBe("unknown option '--bogus'");
      expect(await e2e.exited).toBe(1);
      expect(e2e.output()).not.toMatch(/npm (error|ERR!|warn)/);
    } finally {
      // Its whole process group: without the fix, a suite run under the nested npm.
      if (e2e.child.exitCode === null) process.kill(-e2e.child.pid!, "SIGKILL");
    }
  });
});
