// Vite build of the web app (served by route from dist/); the dev server proxies /api to a local route.
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const ROUTE_DEV_TARGET = process.env.CIM_ROUTE_DEV_TARGET ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [svelte()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: { "/api": { target: ROUTE_DEV_TARGET, changeOrigin: false } },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, target: "es2022" },
});
