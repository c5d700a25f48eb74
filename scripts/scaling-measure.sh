#!/usr/bin/env bash
# The side-by-side figures of docs/scaling.md: the same Google Benchmark files
# ingested into SQLite and into PostgreSQL (a throwaway cluster on loopback),
# then the same series query through `perfgate history` on both.
#   scripts/scaling-measure.sh [BUILD_DIR] [COMMITS] [BENCHMARKS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
commits=${2:-40}
benchmarks=${3:-1000}
perfgate=$PWD/$build/collector/perfgate
work=$(mktemp -d)
chmod 755 "$work"  # the cluster runs as its own user (scripts/pg-test-cluster.sh)
trap 'scripts/pg-test-cluster.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/pg-test-cluster.sh start "$work/pg" >/dev/null
cluster=$(cat "$work/pg/url")
psql "$cluster" -q -c "CREATE DATABASE scaling"
pg=${cluster%/*}/scaling
sqlite=$work/scaling.db

python3 - "$work" "$commits" "$benchmarks" <<'PY'
import json, random, sys
work, commits, benchmarks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
for c in range(commits):
    rows = []
    for b in range(benchmarks):
        name = f"BM_Scale/{b}"
        base = 100.0 + b
        for r in range(5):
            t = base * random.gauss(1.0, 0.01)
            rows.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": 5,
                         "repetition_index": r, "threads": 1, "iterations": 1000, "real_time": t,
                         "cpu_time": t * 0.99, "time_unit": "ns", "items_per_second": 1e9 / t})
    with open(f"{work}/commit{c}.json", "w") as out:
        json.dump({"context": {"num_cpus": 2}, "benchmarks": rows}, out)
PY

samples=$((commits * benchmarks * 5 * 3))
echo "scaling: $commits commits x $benchmarks benchmarks x 5 repetitions x 3 metrics = $samples samples"
for backend in sqlite postgres; do
  db=$sqlite; [ $backend = postgres ] && db=$pg
  start=$(date +%s.%N)
  parent=""
  for ((c = 0; c < commits; c++)); do
    sha=$(printf '%040x' $((c + 1)))
    "$perfgate" ingest "$work/commit$c.json" --db "$db" --project scale --commit "$sha" ${parent:+--parent "$parent"} \
      --branch main --time "$(date -u -d "@$((1760000000 + 3600 * c))" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
    parent=$sha
  done
  end=$(date +%s.%N)
  ingest=$(python3 -c "print(f'{($end - $start):.2f}')")
  rate=$(python3 -c "print(f'{$samples / ($end - $start):,.0f}')")
  times=()
  for ((q = 0; q < 15; q++)); do
    q0=$(date +%s%N)
    "$perfgate" history --db "$db" --project scale --benchmark "BM_Scale/$((q * 37 % benchmarks))" --format json >/dev/null
    q1=$(date +%s%N)
    times+=($(((q1 - q0) / 1000)))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 8p)
  if [ $backend = sqlite ]; then
    bytes=$(stat -c %s "$sqlite")
  else
    bytes=$(psql "$pg" -At -c "SELECT pg_database_size(current_database())")
  fi
  echo "scaling: $backend: ingest ${ingest} s (${rate} samples/s, one process per commit); history of one series over $commits commits: median $((median / 1000)).$(((median % 1000) / 100)) ms (process start included); size $((bytes / 1024 / 1024)) MiB ($((bytes / samples)) bytes/sample)"
done
