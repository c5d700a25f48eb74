#!/usr/bin/env bash
# Builds perfgate and runs every test: the C++ unit and integration tests
# (CTest), the dashboard's browser tests, and a short run of perfgate's own
# benchmarks gated by perfgate itself. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/install-deps.sh
# ccache (installed above) keys on paths relative to the checkout, so the
# action test's self-installed build of perfgate reuses this build's objects.
export CCACHE_BASEDIR="$root"

# The dashboard's packages first: with web/node_modules present the C++ build
# builds the dashboard and embeds it in perfgate (cmake/PerfgateWeb.cmake).
echo "== web dashboard"
(cd web && npm ci --no-audit --no-fund && npm run build)

echo "== build (preset ci: warnings are errors)"
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"

echo "== C++ tests"
ctest --preset ci -j "$(nproc)" --timeout 600

echo "== server tests under AddressSanitizer + UBSan, then ThreadSanitizer"
# Only the server's test binary (and what it links) is built under each preset.
# [big] tests (20,000-benchmark uploads) outlast their client timeouts in a
# sanitized Debug build; they run in the ci preset above.
for preset in asan tsan; do
  cmake --preset "$preset" >/dev/null
  cmake --build "build/$preset" --target server_test -j "$(nproc)"
  (cd "build/$preset" && ASAN_OPTIONS=detect_leaks=1 TSAN_OPTIONS=halt_on_error=1 tests/server/server_test '~[big]')
done

echo "== browser tests"
(cd web && PERFGATE_BIN="$root/build/ci/collector/perfgate" npm test)

echo "== fuzzing every results adapter (short)"
FUZZ_SECONDS=${FUZZ_SECONDS:-60} scripts/fuzz.sh

echo "== perfgate's own benchmarks, gated by perfgate"
scripts/bench-gate.sh build/ci
