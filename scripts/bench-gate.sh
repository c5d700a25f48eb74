#!/usr/bin/env bash
# Runs perfgate's own Google Benchmark suite briefly, ingests its JSON with
# perfgate, and gates it with `perfgate check` against benches/perfgate.json —
# the same path a user's CI takes. Budgets are absolute ceilings on CPU time
# (what other processes on a shared machine disturb least), each under twice
# what the path costs on the 2-core development machine, so a 2x slowdown of
# any path breaks one; the parallel compare has a looser wall-clock ceiling.
#   scripts/bench-gate.sh BUILD_DIR     (BENCH_FULL=1 adds the growth cases of
#                                        100,000 and more: 10^5-10^7 samples
#                                        stored, 100,000 commits or points)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
perfgate=$build/collector/perfgate
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
commit=$(git rev-parse HEAD 2>/dev/null || echo local)

# A leading - excludes what the regex matches: the growth cases of 10^5 and more,
# and the overview of 20,000 benchmarks (its store takes a while to fill).
filter=(--benchmark_filter='-/100000|BM_ProjectOverview/20000')
[ "${BENCH_FULL:-0}" = "1" ] && filter=()
for bench in ingest_bench stats_bench detect_bench; do
  echo "bench-gate: running $bench"
  "$build/benches/$bench" "${filter[@]}" --benchmark_min_time=0.05 \
    --benchmark_repetitions=3 --benchmark_format=console \
    --benchmark_out="$out/$bench.json" --benchmark_out_format=json
done
"$perfgate" ingest "$out"/*.json --db "$out/perfgate.db" --project perfgate --commit "$commit" --branch main
"$perfgate" check --config benches/perfgate.json --head "$commit" --db "$out/perfgate.db" --comment "$out/report.md"
