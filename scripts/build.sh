#!/usr/bin/env bash
# `npm run build`: compiles hrhooks to dist/ with tsc and writes the workflow bundle, so nothing a user
# runs (`npm start`, bin/hrhooks, the image) transpiles TypeScript at run time; the web interface's browser
# scripts and stylesheets go to dist/web/. Skips the work when
# dist/.build-stamp is newer than every source file; `--force` rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=dist/.build-stamp
if [[ "${1:-}" != "--force" && -f "$stamp" && -z "$(find src workflows activities migrations scripts/bundleWorkflows.ts tsconfig.json tsconfig.build.json package.json -newer "$stamp" -print -quit)" ]]; then
  exit 0
fi
started=$(date +%s%N)
# from scratch: a module that moved must not leave its old compiled copy behind to be loaded
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
node dist/scripts/bundleWorkflows.js
# the web interface's assets: browser scripts type-checked (DOM, no node types) and compiled, stylesheets copied
node_modules/.bin/tsc -p src/interfaces/web/browser/tsconfig.json
cp src/interfaces/web/assets/*.css dist/web/
touch "$stamp"
echo "build: dist/ in $(( ($(date +%s%N) - started) / 1000000 )) ms"
