// Vite build of the web app (served by route from dist/); the dev server proxies /api to a local route.
// A production build has no source maps (route serves dist/ publicly) and nothing inline: index.html loads one
// module script and one stylesheet, so it runs under route's Content-Security-Policy (script-src 'self'). Text files get
// brotli and gzip copies (precompress.ts) that route serves to browsers accepting them. dist/sw.js is the service
// worker that opens the app while route is unreachable (shell-worker-plugin.ts, src/sw/).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { precompress } from "./precompress.js";
import { shellWorker } from "./shell-worker-plugin.js";

/**
 * The route `npm start` runs (its .run/stack.json; CIM_RUN_DIR names another folder, as for npm start), else :8080.
 * A port found taken moved npm start's route to the next free one, and the dev server still proxied to 8080: to
 * another program, or to nothing, until CIM_ROUTE_DEV_TARGET was set by hand.
 */
function startedRoute(): string | undefined {
  const runDir = process.env.CIM_RUN_DIR || fileURLToPath(new URL("../../.run", import.meta.url));
  try {
    return (JSON.parse(readFileSync(`${runDir}/stack.json`, "utf8")) as { routeUrl?: string }).routeUrl;
  } catch {
    return undefined;
  }
}

const ROUTE_DEV_TARGET = process.env.CIM_ROUTE_DEV_TARGET || startedRoute() || "http://127.0.0.1:8080";

export default defineConfig(({ mode }) => ({
  plugins: [svelte(), shellWorker(), precompress()],
  // long.js would compile WebAssembly at load (a CSP violation); see src/lib/no-long.ts.
  resolve: { alias: [{ find: /^long$/, replacement: fileURLToPath(new URL("./src/lib/no-long.ts", import.meta.url)) }] },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: { "/api": { target: ROUTE_DEV_TARGET, changeOrigin: false } },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: mode !== "production", target: "es2022" },
}));
