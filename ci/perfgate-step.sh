#!/usr/bin/env bash
# The perfgate GitHub Actions step (action.yml runs this): ingest the results,
# check them against the baseline and the budgets, write the job summary,
# comment on the pull request (one comment, updated in place), and exit with
# check's code so a regression or a broken budget fails the job.
#
# Inputs arrive as environment variables (action.yml maps them):
#   PERFGATE_RESULTS      results files, separated by spaces or newlines (required)
#   PERFGATE_PROJECT      project name (default: "project" of the config)
#   PERFGATE_CONFIG       perfgate.json (default perfgate.json)
#   PERFGATE_DB           SQLite database (default .perfgate/perfgate.db; keep it with actions/cache)
#   PERFGATE_SERVER       perfgate server URL, instead of PERFGATE_DB for ingest
#   PERFGATE_TOKEN        project token for PERFGATE_SERVER
#   PERFGATE_TESTBED      testbed name (default "default")
#   PERFGATE_FORMAT       results format (default auto)
#   PERFGATE_METRICS      custom metrics NAME=VALUE[UNIT], separated by spaces or newlines
#   PERFGATE_FILE_SIZES   files whose sizes to record
#   PERFGATE_COMMENT      true/false: comment on the pull request (default true)
#   PERFGATE_FAIL         true/false: fail the job on a failed check (default true)
#   PERFGATE_DASHBOARD    dashboard URL for the report's links
#   PERFGATE_BIN          the perfgate binary (default: perfgate on PATH)
#   GITHUB_TOKEN          token for the comment (pull-requests: write)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFGATE_BIN:-perfgate}
config=${PERFGATE_CONFIG:-perfgate.json}
db=${PERFGATE_DB:-.perfgate/perfgate.db}
work=${RUNNER_TEMP:-/tmp}/perfgate-$$
mkdir -p "$work"

if ! command -v "$bin" >/dev/null 2>&1; then
  echo "::error::perfgate binary '$bin' not found; build it or set perfgate-bin"
  exit 3
fi
[ -n "${PERFGATE_RESULTS:-}" ] || { echo "::error::the results input is required"; exit 2; }
[ -f "$config" ] || { echo "::error::config $config not found"; exit 2; }

project_args=()
[ -n "${PERFGATE_PROJECT:-}" ] && project_args=(--project "$PERFGATE_PROJECT")
if [ ${#project_args[@]} -eq 0 ]; then
  project=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("project",""))' "$config" 2>/dev/null)
  [ -n "$project" ] || { echo "::error::no project: set the project input or \"project\" in $config"; exit 2; }
  project_args=(--project "$project")
fi

read -r -a results <<<"$(echo "$PERFGATE_RESULTS" | tr '\n' ' ')"
extra=()
for metric in $(echo "${PERFGATE_METRICS:-}" | tr '\n' ' '); do extra+=(--metric "$metric"); done
for file in $(echo "${PERFGATE_FILE_SIZES:-}" | tr '\n' ' '); do extra+=(--file-size "$file"); done
common=("${project_args[@]}" --testbed "${PERFGATE_TESTBED:-default}")

echo "::group::perfgate ingest"
mkdir -p "$(dirname "$db")"
"$bin" ingest "${results[@]}" "${extra[@]}" "${common[@]}" --db "$db" --format "${PERFGATE_FORMAT:-auto}"
status=$?
if [ $status -eq 0 ] && [ -n "${PERFGATE_SERVER:-}" ]; then
  "$bin" ingest "${results[@]}" "${extra[@]}" "${common[@]}" --server "$PERFGATE_SERVER" \
    --token "${PERFGATE_TOKEN:-}" --format "${PERFGATE_FORMAT:-auto}"
  status=$?
fi
echo "::endgroup::"
[ $status -eq 0 ] || exit $status

echo "::group::perfgate check"
# The PR's head commit, not the merge commit GitHub puts in GITHUB_SHA (as ingest does).
head_sha=$(python3 - <<'PY'
import json, os
sha = os.environ.get("GITHUB_SHA", "")
path = os.environ.get("GITHUB_EVENT_PATH", "")
if path and os.path.exists(path):
    event = json.load(open(path))
    sha = ((event.get("pull_request") or {}).get("head") or {}).get("sha") or sha
print(sha)
PY
)
dashboard=()
[ -n "${PERFGATE_DASHBOARD:-}" ] && dashboard=(--dashboard-url "$PERFGATE_DASHBOARD")
"$bin" check --config "$config" --head "$head_sha" --db "$db" "${common[@]}" \
  --comment "$work/comment.md" --json "$work/check.json" "${dashboard[@]}"
check_status=$?
echo "::endgroup::"
[ $check_status -le 1 ] || exit $check_status

if [ "${PERFGATE_COMMENT:-true}" = "true" ] && [ -f "$work/comment.md" ]; then
  python3 "$here/post_comment.py" --body-file "$work/comment.md" || echo "::warning::could not comment on the pull request"
fi
if [ $check_status -eq 1 ]; then
  echo "::error::perfgate: a benchmark regressed or a budget is broken (see the job summary)"
  [ "${PERFGATE_FAIL:-true}" = "true" ] || exit 0
fi
exit $check_status
