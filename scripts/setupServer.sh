#!/usr/bin/env bash
# Owns the real Temporal server the tests, the bench and `HRHOOKS_TEMPORAL=server npm start` run:
# builds `temporal-server` and `temporal-sql-tool` (go.temporal.io/server, pinned) from the Go module
# proxy into .tools/, with the Go toolchain the server needs. Idempotent: skipped when both binaries
# of that version are there. Run by scripts/setup.sh --server (and --test, so `npm test` builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_SERVER_VERSION="1.32.2"
# v1.32.2 needs Go >= 1.26.10; the go command fetches this toolchain through the module proxy.
export GOTOOLCHAIN="${HRHOOKS_GOTOOLCHAIN:-go1.27.3}"
TOOLS_DIR="${HRHOOKS_TOOLS_DIR:-$PWD/.tools}"
TARGET="$TOOLS_DIR/temporal-server-$TEMPORAL_SERVER_VERSION"

say() { echo "[setup] $*" >&2; }

installed_version() {
  "$TARGET/bin/temporal-server" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1
}

if [ -x "$TARGET/bin/temporal-server" ] && [ -x "$TARGET/bin/temporal-sql-tool" ] \
    && [ "$(installed_version)" = "$TEMPORAL_SERVER_VERSION" ]; then
  ln -sfn "$TARGET" "$TOOLS_DIR/temporal-server"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "ERROR: the Temporal server v$TEMPORAL_SERVER_VERSION is built from source and needs the go command (Go >= 1.21, https://go.dev/dl/; Debian: golang-go); it then fetches $GOTOOLCHAIN itself"
  exit 1
fi

say "building temporal-server and temporal-sql-tool v$TEMPORAL_SERVER_VERSION with $GOTOOLCHAIN into $TARGET"
say "(8-10 minutes on 2 cores with an empty Go build cache, seconds once it is warm; progress below)"
started=$(date +%s)
build="$TARGET/build"
rm -rf "$build"
mkdir -p "$build"
# -v names each package as it is compiled: count them so a cold build shows it is moving.
set +e
GOBIN="$build" go install -v \
    "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" 2>&1 \
  | awk -v start="$started" '
      /^go: downloading/ { downloads++; if (downloads % 50 == 0) { printf "[setup]   %d modules downloaded (%ds)\n", downloads, systime() - start > "/dev/stderr"; fflush("/dev/stderr") } next }
      /^[a-z0-9.-]+(\/[^ ]+)?$/ { built++; if (built % 100 == 0) { printf "[setup]   %d packages compiled (%ds)\n", built, systime() - start > "/dev/stderr"; fflush("/dev/stderr") } next }
      { print > "/dev/stderr" }'
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ] || [ ! -x "$build/server" ] || [ ! -x "$build/sql" ]; then
  say "ERROR: go install of the Temporal server v$TEMPORAL_SERVER_VERSION failed (exit $status); see the messages above"
  exit 1
fi
mkdir -p "$TARGET/bin"
mv "$build/server" "$TARGET/bin/temporal-server"
mv "$build/sql" "$TARGET/bin/temporal-sql-tool"
rm -rf "$build"
ln -sfn "$TARGET" "$TOOLS_DIR/temporal-server"
say "temporal-server $(installed_version) and temporal-sql-tool built in $(( $(date +%s) - started )) s"
