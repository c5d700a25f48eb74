#!/usr/bin/env bash
# Fuzzes every results adapter, the server's HTTP request parser and perfgate.json
# with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer, starting from the real tool output in
# tests/fixtures. Short by default (CI); longer runs: FUZZ_SECONDS=600.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_DIR:-build/fuzz}
mkdir -p "$work/corpus"
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Icore/model/include -Icore/parse/include \
  tests/fuzz/parse_fuzzer.cpp core/model/src/*.cpp core/parse/src/*.cpp -lexpat -o "$work/parse_fuzzer"
# Seeds: every fixture file a real tool produced (plus the hand-written ones).
find tests/fixtures -type f \( -name '*.json' -o -name '*.xml' -o -name '*.txt' -o -name '*.js' \) -size -256k \
  -not -path '*/criterion/directory/*' \
  -exec cp -t "$work/corpus" {} +
echo "fuzz: $(ls "$work/corpus" | wc -l) seeds, ${seconds}s"
"$work/parse_fuzzer" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 2>&1 | tail -n 15

# The server's HTTP request-head check and Beast's parser behind it, seeded
# with real request heads (curl's, httplib's, a chunked upload, smuggling shapes).
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iserver/src tests/fuzz/http_request_fuzzer.cpp server/src/request_head.cpp -o "$work/http_request_fuzzer"
mkdir -p "$work/http_corpus"
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n' > "$work/http_corpus/curl"
printf 'POST /api/v1/projects/p/runs?commit=abc HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pg_1\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{"a":1}' > "$work/http_corpus/upload"
printf 'POST /api/v1/projects/p/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' > "$work/http_corpus/chunked"
printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' > "$work/http_corpus/smuggle"
printf 'GET / HTTP/1.0\r\nX-Folded: a\r\n b\r\nContent-Length: 1, 1\r\n\r\n' > "$work/http_corpus/fold"
echo "fuzz: http request heads, ${seconds}s"
"$work/http_request_fuzzer" "$work/http_corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -print_final_stats=1 2>&1 | tail -n 15

# perfgate.json, seeded with the examples' and perfgate's own configs.
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Icore/model/include -Icore/stats/include -Icore/config/include \
  tests/fuzz/config_fuzzer.cpp core/config/src/*.cpp core/model/src/*.cpp -o "$work/config_fuzzer"
mkdir -p "$work/config_corpus"
i=0
for config in benches/perfgate.json examples/*/perfgate.json; do
  i=$((i + 1))
  cp "$config" "$work/config_corpus/config_$i.json"
done
echo "fuzz: perfgate.json, ${seconds}s"
"$work/config_fuzzer" "$work/config_corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 2>&1 | tail -n 15
