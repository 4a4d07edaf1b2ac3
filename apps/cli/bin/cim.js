#!/usr/bin/env node
// The `cim` command: runs the TypeScript entry point through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/index.ts");
