#!/usr/bin/env bash
# Fuzzes every results adapter with libFuzzer under AddressSanitizer and
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
