#!/usr/bin/env bash
# Runs perfgate's own Google Benchmark suite briefly, ingests its JSON with
# perfgate, and gates it with `perfgate check` against benches/perfgate.json —
# the same path a user's CI takes. Each gated path has two budgets on the
# fastest of three repetitions' CPU time:
#  - a ratio to a yardstick measured in the same run ("min_ratio" with
#    "of_benchmark"): std::sort (BM_YardstickSort) for the CPU-bound paths, the
#    bare SQLite insert loop (BM_SqliteInsertFloor) for the store's. Each is set
#    at 1/1.75 of the ratio measured on the 2-core development machine
#    (2026-12-04; the ratios moved by 1-11 % between runs), so a 2x slowdown
#    of any path breaks one, while a slower or busier machine, which slows
#    the yardstick too, does not;
#  - an absolute ceiling at 3x the time measured there, whatever the yardstick.
# A check that breaks a budget is run again, up to three attempts: a slowdown
# in the code breaks every attempt, a slow moment of the machine does not.
#   scripts/bench-gate.sh BUILD_DIR     (BENCH_FULL=1 adds the growth cases of
#                                        100,000 and more: 10^5-10^7 samples
#                                        stored, 100,000 commits or points;
#                                        ATTEMPTS=1 gates the first run only)
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
attempts=${ATTEMPTS:-3}
for attempt in $(seq "$attempts"); do
  rm -f "$out"/*
  for bench in ingest_bench stats_bench detect_bench; do
    echo "bench-gate: running $bench (attempt $attempt of $attempts)"
    "$build/benches/$bench" "${filter[@]}" --benchmark_min_time=0.05 \
      --benchmark_repetitions=3 --benchmark_format=console \
      --benchmark_out="$out/$bench.json" --benchmark_out_format=json
  done
  "$perfgate" ingest "$out"/*.json --db "$out/perfgate.db" --project perfgate --commit "$commit" --branch main
  status=0
  "$perfgate" check --config benches/perfgate.json --head "$commit" --db "$out/perfgate.db" \
    --comment "$out/report.md" --json "$out/report.json" || status=$?
  [ "$status" -eq 0 ] && break
  # 1 is a broken budget or a regression; anything else (2: bad input) is final.
  [ "$status" -eq 1 ] && [ "$attempt" -lt "$attempts" ] || exit "$status"
  echo "bench-gate: a budget broke; measuring again"
done

# Would the budgets catch a 2x slowdown on this machine? Each met ratio budget
# is held against half the ratio measured; one that would still be met is
# named (a machine unlike the one the budgets were set on can leave more room).
python3 - "$out/report.json" <<'PY'
import json, sys
rows = [b for b in json.load(open(sys.argv[1]))["budgets"]
        if b["key"] in ("max", "min_ratio") and b["level"] == "error" and b["status"] == "met"]
def caught(b):
    return 2 * b["actual"] > b["limit"] if b["key"] == "max" else b["actual"] / 2 < b["limit"]
for key, what in (("min_ratio", "ratio budgets"), ("max", "absolute ceilings")):
    these = [b for b in rows if b["key"] == key]
    print(f"bench-gate: a 2x slowdown would break {sum(map(caught, these))} of {len(these)} {what}")
for b in rows:
    if b["key"] == "min_ratio" and not caught(b):
        print(f"bench-gate: {b['benchmark']} ({b['budget']}): half of {b['actual']:.4g} still meets {b['limit']:.4g}")
PY
