import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openFilesLimit, watchOpenFiles } from "./open-files.js";

const LIMITS = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             96000                96000                processes \nMax open files            ${soft}                20000                files     \n`;

describe("openFilesLimit", () => {
  it("reads the soft limit, and none when unlimited or missing", () => {
    expect(openFilesLimit(LIMITS("1024"))).toBe(1024);
    expect(openFilesLimit(LIMITS("unlimited"))).toBeUndefined();
    expect(openFilesLimit("Max processes 5 5 processes")).toBeUndefined();
  });
});

describe("watchOpenFiles", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A folder standing for /proc/self/fd with `open` entries, and a limits file of `limit`. */
  function fakeProc(open: number, limit: number) {
    const root = mkdtempSync(join(tmpdir(), "cim-fd-"));
    dirs.push(root);
    const fdDir = join(root, "fd");
    mkdirSync(fdDir);
    for (let i = 0; i < open; i++) writeFileSync(join(fdDir, String(i)), "");
    writeFileSync(join(root, "limits"), LIMITS(String(limit)));
    return { fdDir, limitsFile: join(root, "limits"), setOpen: (n: number) => {
      rmSync(fdDir, { recursive: true });
      mkdirSync(fdDir);
      for (let i = 0; i < n; i++) writeFileSync(join(fdDir, String(i)), "");
    } };
  }

  it("warns once per quiet period above 90 % of the limit, and says when it is back under", async () => {
    const proc = fakeProc(95, 100);
    const log = { warn: vi.fn(), info: vi.fn() };
    const stop = watchOpenFiles(log, { ...proc, intervalMs: 20, quietMs: 60_000 });
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(1));
    expect(log.warn.mock.calls[0]![0]).toEqual({ openFiles: 95, limit: 100 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(log.warn).toHaveBeenCalledTimes(1);
    proc.setOpen(50);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith({ openFiles: 50, limit: 100 }, expect.stringContaining("back under")));
    stop();
  });

  it("says nothing under the level", async () => {
    const log = { warn: vi.fn(), info: vi.fn() };
    const stop = watchOpenFiles(log, { ...fakeProc(90, 100), intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(log.warn).not.toHaveBeenCalled();
    expect(log.info).not.toHaveBeenCalled();
    stop();
  });
});

describe("watchOpenFiles at the limit", () => {
  it("warns when listing the open files fails for want of a file (EMFILE), and keeps watching", async () => {
    vi.resetModules();
    let failures = 0;
    vi.doMock("node:fs/promises", async (importOriginal) => {
      const real = await importOriginal<typeof import("node:fs/promises")>();
      return { ...real, readdir: async () => { failures++; throw Object.assign(new Error("EMFILE: too many open files, scandir"), { code: "EMFILE" }); } };
    });
    const { watchOpenFiles: watch } = await import("./open-files.js");
    const root = mkdtempSync(join(tmpdir(), "cim-fd-"));
    writeFileSync(join(root, "limits"), LIMITS("300"));
    const log = { warn: vi.fn(), info: vi.fn() };
    const stop = watch(log, { fdDir: join(root, "fd"), limitsFile: join(root, "limits"), intervalMs: 20 });
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledWith({ openFiles: 300, limit: 300 }, expect.stringContaining("near the limit")));
    await vi.waitFor(() => expect(failures).toBeGreaterThan(2));
    stop();
    vi.doUnmock("node:fs/promises");
    rmSync(root, { recursive: true, force: true });
  });
});

describe("keepFilesInReserve", () => {
  it("takes no more connections than the limit less the reserve, and logs the ones it closes once per quiet period", async () => {
    const { keepFilesInReserve } = await import("./open-files.js");
    const root = mkdtempSync(join(tmpdir(), "cim-fd-"));
    writeFileSync(join(root, "limits"), LIMITS("133"));
    const server = createServer((socket) => socket.write("hi"));
    const log = { warn: vi.fn() };
    expect(keepFilesInReserve(server, log, { limitsFile: join(root, "limits"), reserve: 128 })).toBe(5);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const greeted = await Promise.all(Array.from({ length: 8 }, () => new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("data", () => resolve(true));
      socket.on("error", () => resolve(false));
      socket.on("close", () => resolve(false));
      setTimeout(() => resolve(false), 2_000);
      sockets.push(socket);
    })));
    expect(greeted.filter(Boolean)).toHaveLength(5);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatchObject({ maxConnections: 5, limit: 133 });
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });
  const sockets: Socket[] = [];

  it("sets nothing where the limit is unknown", async () => {
    const { keepFilesInReserve } = await import("./open-files.js");
    const server = createServer();
    expect(keepFilesInReserve(server, { warn: vi.fn() }, { limitsFile: "/nonexistent/limits" })).toBeUndefined();
    expect(server.maxConnections).toBeUndefined();
  });
});
