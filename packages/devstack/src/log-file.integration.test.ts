// npm start's .run/logs: each child's file is private to its owner and does not grow without bound.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawnTracked } from "./processes.js";
import { removeDir } from "./services.js";

const dirs: string[] = [];
const saved = { dir: process.env.CIM_DEVSTACK_LOG_DIR, max: process.env.CIM_DEVSTACK_LOG_MAX_BYTES };
afterEach(() => {
  for (const [key, value] of [["CIM_DEVSTACK_LOG_DIR", saved.dir], ["CIM_DEVSTACK_LOG_MAX_BYTES", saved.max]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** A child that writes `lines` lines of 1 KiB, half to stdout and half to stderr, then exits. */
async function chatty(label: string, lines: number): Promise<void> {
  const script = `const l = "x".repeat(1023) + "\\n"; for (let i = 0; i < ${lines}; i++) (i % 2 ? process.stderr : process.stdout).write(i + l);`;
  const child = spawnTracked(process.execPath, ["-e", script], {}, label);
  expect(await child.exited).toBe(0);
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("npm start's log files", () => {
  it("are readable by their owner only, also when an earlier version made them world-readable", { timeout: 30_000 }, async () => {
    const run = mkdtempSync(join(tmpdir(), "cim-logs-"));
    dirs.push(run);
    const dir = join(run, "logs");
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, "gw-a.log"), "an earlier run\n", { mode: 0o644 });
    process.env.CIM_DEVSTACK_LOG_DIR = dir;
    await chatty("route", 4);
    await chatty("gw-a", 4);
    expect(modeOf(dir)).toBe("700");
    expect(modeOf(join(dir, "route.log"))).toBe("600");
    expect(modeOf(join(dir, "gw-a.log"))).toBe("600");
    expect(statSync(join(dir, "route.log")).size).toBe(4 * 1025); // every line of both streams: "0x...x\n" .. "3x...x\n"
  });

  it("keep at most the cap twice over: the full file becomes <name>.log.1 and the newest lines go on", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cim-logs-"));
    dirs.push(dir);
    process.env.CIM_DEVSTACK_LOG_DIR = dir;
    process.env.CIM_DEVSTACK_LOG_MAX_BYTES = String(64 * 1024);
    await chatty("route", 1000); // about 1 MiB
    await chatty("route", 1000); // a restarted route goes on in the same files
    expect(readdirSync(dir).sort()).toEqual(["route.log", "route.log.1"]);
    expect(statSync(join(dir, "route.log")).size).toBeLessThanOrEqual(64 * 1024);
    expect(statSync(join(dir, "route.log.1")).size).toBeLessThanOrEqual(64 * 1024);
    expect(modeOf(join(dir, "route.log.1"))).toBe("600");
    expect(existsSync(join(dir, "route.log.2"))).toBe(false);
  });
});
