// Vite plugin: builds src/sw/service-worker.ts into dist/sw.js (one classic script, no imports), with the list of
// the files of this build (the page and its hashed assets) and a version that changes with any of them, so a new
// build installs a new worker, which caches the new shell and deletes the old one. Route serves sw.js `no-cache`.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import type { Plugin } from "vite";

const ENTRY = new URL("./src/sw/service-worker.ts", import.meta.url);
const WORKER_FILE = "sw.js";

/** The worker of the offline shell, written after the bundle (before precompress, which then compresses it too). */
export function shellWorker(): Plugin {
  let outDir = "dist";
  return {
    name: "cim-shell-worker",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const assets = Object.keys(bundle).filter((name) => name !== "index.html" && name !== WORKER_FILE && !name.endsWith(".map")).sort();
      const page = readFileSync(join(outDir, "index.html"));
      const version = createHash("sha256").update(page).update(assets.join("\n")).digest("hex").slice(0, 16);
      const shell = { version, urls: ["/", ...assets.map((name) => `/${name}`)] };
      const result = await build({
        entryPoints: [ENTRY.pathname],
        bundle: true,
        format: "iife",
        target: "es2022",
        write: false,
        define: { __CIM_SHELL__: JSON.stringify(shell) },
      });
      writeFileSync(join(outDir, WORKER_FILE), result.outputFiles[0]!.text);
    },
  };
}
