// ESLint flat config (TypeScript and the scripts' plain .mjs): TypeScript rules plus the import boundaries of STYLE.md (apps never import apps;
// packages/protocol needs only protobufjs; packages/client only the protocol; the bench imports of route only its
// operator tools).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const noApps = { group: ["../**/apps/**", "./**/apps/**", "@cim/route", "@cim/gateway", "@cim/cli", "@cim/web"], message: "apps import packages, never each other" };

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.tsbuild/**", "**/generated/**", ".run/**", "e2e/test-results/**", "**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { patterns: [noApps] }],
    },
  },
  {
    // Plain JavaScript run by Node (npm start's flag readers, the build, the test summary): Node's globals.
    files: ["**/*.mjs"],
    languageOptions: {
      sourceType: "module",
      globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
  },
  {
    files: ["packages/protocol/src/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noApps, { group: ["node:*", "ioredis", "ws", "pino", "@cim/*"], message: "protocol depends only on protobufjs/minimal" }] }] },
  },
  {
    files: ["bench/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { ...noApps, group: noApps.group.filter((entry) => entry !== "@cim/route") },
        { regex: "^@cim/route(?!/provisioning$)", message: "the bench uses route's operator tools only: @cim/route/provisioning" },
      ] }],
    },
  },
  {
    files: ["packages/client/src/**"],
    ignores: ["packages/client/src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [noApps, { group: ["node:*", "ioredis", "ws", "pino", "@cim/state", "@cim/discovery", "@cim/token", "@cim/devstack"], message: "the client SDK imports only @cim/protocol" }] }] },
  },
);
