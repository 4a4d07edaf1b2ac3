#!/usr/bin/env bash
# Regenerates src/generated from proto/cim.proto (static code, committed; CI fails on a diff).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/generated
mkdir -p "$out"
npx pbjs -t static-module -w es6 --force-number --no-verify --no-delimited --no-service \
  -o "$out/cim.js" proto/cim.proto
# Node's ESM loader needs the file extension and the CommonJS default export.
sed -i 's#import \* as \$protobuf from "protobufjs/minimal";#import $protobuf from "protobufjs/minimal.js";#' "$out/cim.js"
npx pbts --no-comments -o "$out/cim.d.ts" "$out/cim.js"
