// `npm run build` (servers): bundles route and gateway to apps/<app>/dist/index.js for plain `node`.
// Our workspace packages (@cim/*, TypeScript) are compiled into the bundle; every other dependency stays an
// import of node_modules, installed with `npm ci --omit=dev`. Source maps are written beside the bundle and cost
// nothing at run time unless `node --enable-source-maps` asks for them.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const APPS = ["route", "gateway"];
const WORKSPACE_PACKAGES = ["config", "protocol", "state", "discovery", "token"];

/** Every third-party dependency of the apps and the packages they bundle: left as imports. */
function externals() {
  const names = new Set();
  for (const dir of [...APPS.map((a) => `apps/${a}`), ...WORKSPACE_PACKAGES.map((p) => `packages/${p}`)]) {
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    for (const name of Object.keys(manifest.dependencies ?? {})) if (!name.startsWith("@cim/")) names.add(name);
  }
  return [...names];
}

const external = externals();
for (const app of APPS) {
  const result = await build({
    entryPoints: [join(root, "apps", app, "src", "index.ts")],
    outfile: join(root, "apps", app, "dist", "index.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    external,
    logLevel: "warning",
    write: false,
  });
  // Written beside and renamed into place: test files running at the same time start processes from these bundles
  // (production-build.integration rebuilds them), and must never read one half written.
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  console.log(`built apps/${app}/dist/index.js`);
}
