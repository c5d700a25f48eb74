#!/usr/bin/env bash
# Redraws docs/statistics/*.png: runs the full compare evaluation (a few minutes
# on two cores) with CSV output, then docs/statistics/figures.py on it.
#   docs/statistics/make-figures.sh [BUILD_DIR]     (default build/ci)
# Needs python3-matplotlib (scripts/install-deps.sh --docs).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/ci}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cmake --build "$build" --target detect_tests
PERFGATE_EVALUATION_FULL=1 PERFGATE_EVALUATION_CSV="$scratch/aa.csv" \
  "$build/tests/core/detect/detect_tests" "[compare][evaluation],[power_grid]" -s > "$scratch/evaluation.txt"
/usr/bin/python3 "$root/docs/statistics/figures.py" "$scratch/aa.csv" "$scratch/aa.csv.power.csv" "$root/docs/statistics"
grep -E '^(gaussian|log-normal|student|worst|A/A|lone|noise|power|decided)' "$scratch/evaluation.txt"
