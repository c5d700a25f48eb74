#!/usr/bin/env bash
# The side-by-side figures of docs/performance.md, measured in one run on this
# machine: each perfgate path beside the physical limit or the peer tool.
#   scripts/perf/side-by-side.sh [BUILD_DIR]      (default build/release)
# BUILD_DIR must hold collector/perfgate, benches/detect_bench and
# benches/detect_series (a Release
# build: cmake --preset release && cmake --build --preset release). Needs gcc,
# libsqlite3-dev, python3 with scipy and libbenchmark-tools (compare.py):
# scripts/install-deps.sh installs them. SKIP_COMPARE_PY=1 leaves out
# compare.py, which takes minutes on 2,000 benchmarks. OTAVA_PATH=<directory
# holding Apache Otava's otava/ package> measures change points against Otava
# when it is not installed (change_points_vs_otava.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-build/release}")
perfgate=$build/collector/perfgate
[ -x "$perfgate" ] || { echo "side-by-side: no $perfgate; build first" >&2; exit 2; }
scripts/install-deps.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python=/usr/bin/python3   # Debian's, with python3-scipy (compare.py imports it)

seconds() {  # seconds of wall time of a command, its output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]  # compare exits 1 on a regression
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
best_of() {  # the fastest of N runs
  local runs=$1 best=""
  shift
  for _ in $(seq "$runs"); do
    local t
    t=$(seconds "$@")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

echo "## side by side, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| work | perfgate | the limit or the peer, same run | ratio |"
echo "| --- | --- | --- | --- |"

# Ingest: 100,000 Google Benchmark rows (200,000 samples) into a fresh store,
# parse and process start included, against the bare C loop inserting as many
# indexed rows into SQLite in one WAL transaction.
gcc -O2 -o "$work/sqlite_floor" scripts/perf/sqlite_floor.c -lsqlite3
"$python" scripts/perf/gbench_files.py ingest 100000 "$work/ingest.json"
ingest_once() {
  rm -f "$work"/ingest.db*
  "$perfgate" ingest "$work/ingest.json" --db "$work/ingest.db" --project perf --commit "$1" --branch main
}
ingest_best=""
for run in 1 2 3; do
  t=$(seconds ingest_once "c$run")
  if [ -z "$ingest_best" ] || awk -v t="$t" -v b="$ingest_best" 'BEGIN { exit !(t < b) }'; then ingest_best=$t; fi
done
floor_rate=0
for run in 1 2 3; do
  rm -f "$work"/floor.db*
  rate=$("$work/sqlite_floor" "$work/floor.db" 200000 | sed 's/.*: \([0-9]*\) rows\/s/\1/')
  [ "$rate" -gt "$floor_rate" ] && floor_rate=$rate
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
ingest_rate=$(ratio 200000 "$ingest_best")
printf '| ingest 100,000 rows (200,000 samples), fresh store, parse and process included | %.0fk samples/s | bare C loop, SQLite WAL, one transaction: %.0fk rows/s | %.2f |\n' \
  "$(ratio "$ingest_rate" 1000)" "$(ratio "$floor_rate" 1000)" "$(ratio "$ingest_rate" "$floor_rate")"

# compare: 2,000 benchmarks x 9 repetitions (with the library's aggregate rows),
# process start included, against compare.py on the same two files.
"$python" scripts/perf/gbench_files.py compare 2000 9 "$work/base.json" "$work/head.json"
compare_time=$(best_of 3 "$perfgate" compare "$work/base.json" "$work/head.json" --format json)
if [ "${SKIP_COMPARE_PY:-0}" = "1" ]; then
  printf '| compare, 2,000 benchmarks x 9 repetitions, process included | %.3f s | compare.py: skipped | - |\n' "$compare_time"
else
  compare_py=/usr/share/benchmark/compare.py
  peer_time=$(seconds "$python" "$compare_py" benchmarks "$work/base.json" "$work/head.json")
  printf '| compare, 2,000 benchmarks x 9 repetitions, process included | %.3f s | compare.py (libbenchmark-tools): %.1f s | %.0fx |\n' \
    "$compare_time" "$peer_time" "$(ratio "$peer_time" "$compare_time")"
fi

# Change points, detection alone, per 1,000 points (the bench's seeded series),
# against Apache Otava on the same series when it can be imported (pip install
# apache-otava==0.8.0, or OTAVA_PATH=<source checkout>); without it, against the
# same statistic written with numpy (scripts/perf/change_points_numpy.py).
"$build/benches/detect_bench" --benchmark_filter='BM_DetectChangePoints/1000$' --benchmark_min_time=0.5 \
  --benchmark_format=json > "$work/detect.json"
per_thousand=$("$python" -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"][0]; print(b["real_time"])' "$work/detect.json")
if "$python" scripts/perf/change_points_vs_otava.py time "$build/benches/detect_series" 1000 > "$work/otava.txt" 2>/dev/null; then
  otava_ms=$(cut -d' ' -f1 "$work/otava.txt")
  printf '| change points per 1,000 points, detection alone | %.2f ms | Apache Otava 0.8 (Python/numpy), same series, its defaults: %.1f ms | %.0fx |\n' \
    "$per_thousand" "$otava_ms" "$(ratio "$otava_ms" "$per_thousand")"
  "$python" scripts/perf/change_points_vs_otava.py quality "$build/benches/detect_series" 31 32 33 34 35 > "$work/quality.txt"
  quality_of() {  # precision, recall and false alarms from the row of detector $1
    sed -n "s/^| $1[^|]*| \([^|]*\) |[^|]*| \([0-9.]*\) [^|]*| \([0-9.]*\) .*/precision \1, recall \2, \3 false alarms per 1,000 points/p" \
      "$work/quality.txt"
  }
  otava_quality=$(quality_of 'Apache Otava')
  perfgate_quality=$(quality_of perfgate)
  printf '| change points: quality on 180 seeded series (scripts/perf/change_points_vs_otava.py quality) | %s | Apache Otava: %s | - |\n' \
    "$perfgate_quality" "$otava_quality"
else
  "$python" scripts/perf/change_points_numpy.py 1000 > "$work/numpy.txt"
  numpy_ms=$(cut -d' ' -f1 "$work/numpy.txt")
  printf '| change points per 1,000 points, detection alone | %.2f ms | Apache Otava not importable (OTAVA_PATH unset, no PyPI); the same statistic in numpy (scripts/perf/change_points_numpy.py): %.1f ms | %.0fx |\n' \
    "$per_thousand" "$numpy_ms" "$(ratio "$numpy_ms" "$per_thousand")"
fi

# Serving: the series route against nginx on the same bytes (its own script).
if [ -x scripts/perf/serve-vs-nginx.sh ]; then
  echo
  scripts/perf/serve-vs-nginx.sh "$perfgate"
fi
