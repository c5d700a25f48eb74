#!/usr/bin/env bash
# Load figures for `perfgate serve` (issue 5, item 8), on loopback only:
#   1. the series route under 100 concurrent connections: requests/s, p50, p99;
#   2. uploads per second from 16 concurrent uploaders: a real Google Benchmark
#      results file (tests/fixtures/gbench/repeated.json), a new commit per
#      request, so every upload is parsed and stored (201).
# Run by hand:  benches/load/run_load.sh [path/to/perfgate]
# Short CI run: DURATION=3s benches/load/run_load.sh
# Needs wrk and curl. Writes only below a temporary directory; every step is
# bounded in time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
perfgate="${1:-${PERFGATE:-}}"
if [[ -z "$perfgate" ]]; then
  for candidate in "$root"/build/release/collector/perfgate "$root"/build/*/collector/perfgate; do
    if [[ -x "$candidate" ]]; then perfgate="$candidate"; break; fi
  done
fi
[[ -n "$perfgate" && -x "$perfgate" ]] || { echo "run_load.sh: no perfgate binary; build it or pass its path" >&2; exit 3; }
command -v wrk >/dev/null || { echo "run_load.sh: wrk is not installed" >&2; exit 3; }
command -v curl >/dev/null || { echo "run_load.sh: curl is not installed" >&2; exit 3; }

duration="${DURATION:-15s}"
connections="${CONNECTIONS:-100}"
uploaders="${UPLOADERS:-16}"
threads="${WRK_THREADS:-2}"
port="${PORT:-$((20000 + RANDOM % 20000))}"
results="${RESULTS:-$root/tests/fixtures/gbench/repeated.json}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/load.db"
base="http://127.0.0.1:$port"
echo "== perfgate serve --demo --host 127.0.0.1 --port $port ($perfgate)"
start=$(date +%s%N)
"$perfgate" serve --demo --db "$db" --host 127.0.0.1 --port "$port" >"$work/serve.out" 2>"$work/access.log" &
server_pid=$!
for _ in $(seq 1 600); do  # the demo fill and start: at most 60 s
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/access.log" >&2; exit 3; }
  sleep 0.1
done
curl -fsS "$base/healthz" >/dev/null
echo "demo history filled and serving after $(( ($(date +%s%N) - start) / 1000000 )) ms;" \
  "database $(du -h "$db" | cut -f1)"

# The token is created by another process while the server runs (WAL: fine).
token="$("$perfgate" token create --db "$db" --project load --name load | head -n 1)"

series="$base/api/v1/projects/demo/series?benchmark=BM_Parse%2F1024&metric=real_time&testbed=linux-x86_64&branch=main"
points=$(curl -fsS "$series" | grep -o '"commit"' | wc -l)
echo
echo "== series route: $points points + change points, $connections connections, $duration (wrk -t$threads)"
wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency "$series" | tee "$work/series.txt"
echo
echo "== series route with gzip (Accept-Encoding: gzip), same load"
wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency -H 'Accept-Encoding: gzip' "$series" \
  | grep -E 'Requests/sec|Transfer/sec|  50%|  99%'

echo
echo "== uploads: $uploaders concurrent uploaders, $(wc -c <"$results") bytes of Google Benchmark JSON each, $duration"
PERFGATE_TOKEN="$token" PERFGATE_RESULTS="$results" \
  wrk -t"$threads" -c"$uploaders" -d"$duration" --timeout 30s --latency -s "$here/upload.lua" "$base" | tee "$work/uploads.txt"
created=$(curl -fsS "$base/metrics" | awk '/^perfgate_uploads_total\{outcome="created"\}/ {print $2}')
echo "stored by the server (perfgate_uploads_total created): $created"

echo
echo "== summary"
awk '/Requests\/sec/ {print "series requests/s: " $2} /^ +50%/ {print "series p50: " $2} /^ +99%/ {print "series p99: " $2}' "$work/series.txt"
awk '/Requests\/sec/ {print "uploads/s: " $2} /^ +50%/ {print "upload p50: " $2} /^ +99%/ {print "upload p99: " $2}' "$work/uploads.txt"
