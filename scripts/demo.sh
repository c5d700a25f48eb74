#!/usr/bin/env bash
# Builds perfgate and starts `perfgate serve` with demo data on an embedded
# SQLite database, printing the dashboard URL. Ctrl-C stops it.
#   PORT=8080 DB=perfgate-demo.db scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --run
# The dashboard's packages first: with web/node_modules present the build
# builds the dashboard and embeds it in perfgate (cmake/PerfgateWeb.cmake).
(cd web && npm ci --no-audit --no-fund)
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target perfgate
exec build/release/collector/perfgate serve --demo --db "${DB:-perfgate-demo.db}" \
  --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
