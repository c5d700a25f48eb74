#!/usr/bin/env bash
# Server footprint for docs/performance.md: start-up time (process start to the
# first 200 from /healthz) and resident memory (VmRSS) of `perfgate serve`, on
# an empty store and on one holding SAMPLES samples (default 10^7: 50 commits
# of the same 100,000-row Google Benchmark file, 2 samples a row), idle and
# after reading the benchmark list and a series.
#   scripts/perf/server-footprint.sh [BUILD_DIR] [SAMPLES]   (default build/release, 10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-build/release}")
samples=${2:-10000000}
perfgate=$build/collector/perfgate
[ -x "$perfgate" ] || { echo "server-footprint: no $perfgate; build first" >&2; exit 2; }
work=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
start_server() {  # starts perfgate serve on $1; sets $server and $startup_ms
  local begin end
  begin=$(date +%s%N)
  "$perfgate" serve --db "$1" --port "$port" --quiet >"$work/serve.log" 2>&1 &
  server=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 3; }
    sleep 0.005
  done
  end=$(date +%s%N)
  startup_ms=$(((end - begin) / 1000000))
}
stop_server() {
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

echo "| store | start-up | RSS idle | RSS after benchmarks + series |"
echo "| --- | --- | --- | --- |"
start_server "$work/empty.db"
echo "| empty | ${startup_ms} ms | $(rss_mb "$server") MB | - |"
stop_server

/usr/bin/python3 scripts/perf/gbench_files.py ingest 100000 "$work/rows.json"
commits=$(((samples + 199999) / 200000))
for commit in $(seq "$commits"); do
  "$perfgate" ingest "$work/rows.json" --db "$work/full.db" --project perf --commit "$(printf '%040x' "$commit")" \
    --branch main --time "2026-01-01T00:00:$(printf '%02d' $((commit % 60)))Z" >/dev/null
done
stored=$((commits * 200000))
start_server "$work/full.db"
idle=$(rss_mb "$server")
curl -fs "http://127.0.0.1:$port/api/v1/projects/perf/benchmarks" >/dev/null
curl -fs "http://127.0.0.1:$port/api/v1/projects/perf/series?benchmark=BM_Family7/3" >/dev/null
echo "| $stored samples ($commits commits x 100,000 benchmarks) | ${startup_ms} ms | $idle MB | $(rss_mb "$server") MB |"
stop_server
