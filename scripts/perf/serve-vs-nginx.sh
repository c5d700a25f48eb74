#!/usr/bin/env bash
# The series route against nginx, side by side in one run (issue 13, serving):
# a store with 200 commits of a real Google Benchmark file
# (tests/fixtures/gbench/repeated.json), the series route of one benchmark
# served by `perfgate serve`, and nginx on loopback serving the same bytes as a
# static file. wrk -t2 -c64 -d10s against each, in turn; prints requests/s, p50,
# p99 and the ratio perfgate/nginx (the target: >= 0.5, perfgate p99 < 10 ms).
#
# Usage: scripts/perf/serve-vs-nginx.sh [path/to/perfgate]
#   DURATION=10s CONNECTIONS=64 COMMITS=200 ROUNDS=1 GZIP=0|1 (Accept-Encoding: gzip for both)
# Installs nginx and wrk with apt-get when missing. Loopback only; every step
# bounded; writes only below a temporary directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
perfgate="${1:-${PERFGATE:-}}"
if [[ -z "$perfgate" ]]; then
  for candidate in "$root"/build/release/collector/perfgate "$root"/build/ci/collector/perfgate "$root"/build/*/collector/perfgate; do
    if [[ -x "$candidate" ]]; then perfgate="$candidate"; break; fi
  done
fi
[[ -n "$perfgate" && -x "$perfgate" ]] || { echo "serve-vs-nginx.sh: no perfgate binary; build it or pass its path" >&2; exit 3; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "== apt-get install ${missing[*]}"
  sudo_cmd=""; [[ $(id -u) -eq 0 ]] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
commits="${COMMITS:-200}"
rounds="${ROUNDS:-1}"
results="$root/tests/fixtures/gbench/repeated.json"
perfgate_port="${PERFGATE_PORT:-$((20000 + RANDOM % 10000))}"
nginx_port="${NGINX_PORT:-$((30000 + RANDOM % 10000))}"
work="$(mktemp -d)"
chmod 755 "$work"
server_pid=""
nginx_started=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$nginx_started" ]]; then "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/serve.db"
echo "== a store of $commits commits of $(basename "$results") ($(wc -c <"$results") bytes)"
for i in $(seq 1 "$commits"); do
  "$perfgate" ingest --db "$db" --project perf --branch main --testbed bench \
    --commit "$(printf '%040x' "$i")" --time "$(date -u -d "@$((1700000000 + i * 3600))" +%Y-%m-%dT%H:%M:%SZ)" \
    "$results" >/dev/null
done
benchmark="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["benchmarks"][0]["run_name"])' "$results")"
encoded="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$benchmark")"
path="/api/v1/projects/perf/series?benchmark=$encoded&branch=main&testbed=bench"

"$perfgate" serve --db "$db" --host 127.0.0.1 --port "$perfgate_port" --quiet >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$perfgate_port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 3; }
  sleep 0.1
done
perfgate_url="http://127.0.0.1:$perfgate_port$path"
curl -fsS "$perfgate_url" -o "$work/series.json"
points=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["points"]))' "$work/series.json")
echo "series of $benchmark: $points points, $(wc -c <"$work/series.json") bytes"

# nginx: the same bytes as a static file, as a tuned static server is set up
# (worker per core, sendfile, keep-alive, no access log).
mkdir -p "$work/nginx/html" "$work/nginx/logs"
cp "$work/series.json" "$work/nginx/html/series.json"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  gzip ${GZIP_NGINX:-off};
  gzip_types application/json;
  types { application/json json; }
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/html;
  }
}
CONF
if [[ "${GZIP:-0}" == 1 ]]; then sed -i 's/gzip off;/gzip on;/' "$work/nginx/nginx.conf"; fi
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
nginx_url="http://127.0.0.1:$nginx_port/series.json"
for _ in $(seq 1 50); do curl -fsS "$nginx_url" -o /dev/null 2>/dev/null && break; sleep 0.1; done
cmp -s "$work/series.json" <(curl -fsS "$nginx_url") || { echo "nginx does not serve the same bytes" >&2; exit 3; }

headers=()
if [[ "${GZIP:-0}" == 1 ]]; then headers=(-H 'Accept-Encoding: gzip'); fi
measure() {  # name url -> "requests/s p50 p99" (ms)
  wrk -t2 -c"$connections" -d"$duration" --timeout 10s --latency "${headers[@]}" "$2" >"$work/$1.txt"
  if grep -q "Non-2xx" "$work/$1.txt"; then echo "$1: non-2xx answers" >&2; cat "$work/$1.txt" >&2; exit 1; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)}
    END {printf "%.0f %.3f %.3f\n", rps, p50, p99}' "$work/$1.txt"
}
echo "== wrk -t2 -c$connections -d$duration ${headers[*]}, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  read -r n_rps n_p50 n_p99 < <(measure nginx "$nginx_url")
  read -r p_rps p_p50 p_p99 < <(measure perfgate "$perfgate_url")
  printf "round %d  nginx    %8d req/s  p50 %7.2f ms  p99 %7.2f ms\n" "$round" "$n_rps" "$n_p50" "$n_p99"
  printf "round %d  perfgate %8d req/s  p50 %7.2f ms  p99 %7.2f ms\n" "$round" "$p_rps" "$p_p50" "$p_p99"
  printf "round %d  ratio perfgate/nginx: %.2f (target >= 0.5; perfgate p99 target < 10 ms)\n" "$round" \
    "$(echo "$p_rps / $n_rps" | bc -l)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
