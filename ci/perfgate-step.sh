#!/usr/bin/env bash
# The perfgate GitHub Actions step (action.yml runs this): ingest the results,
# check them against the baseline and the budgets, write the job summary,
# comment on the pull request (one comment, updated in place), set the step's
# outputs, and exit with check's code so a regression or a broken budget fails
# the job.
#
# Inputs arrive as environment variables (action.yml maps them). Lists are read
# one entry per line, so paths may hold spaces; a results line holding * ? or [
# is a glob (** included) that must match at least one file.
#   PERFGATE_BIN          the perfgate binary (install-perfgate.sh locate finds it)
#   PERFGATE_RESULTS      results files or globs, one per line (required)
#   PERFGATE_PROJECT      project name (default: "project" of the config)
#   PERFGATE_CONFIG       perfgate.json (default perfgate.json)
#   PERFGATE_DB           SQLite database (default .perfgate/perfgate.db; keep it with actions/cache)
#   PERFGATE_SERVER       perfgate server URL to upload to as well; on a push to the
#                         baseline branch perfgate.json is stored there too (upload_config.py)
#   PERFGATE_TOKEN        project token for PERFGATE_SERVER
#   PERFGATE_TESTBED      testbed name (default "default")
#   PERFGATE_FORMAT       results format (default auto)
#   PERFGATE_METRICS      custom metrics NAME=VALUE[UNIT], one per line
#   PERFGATE_FILE_SIZES   files whose sizes to record, one per line
#   PERFGATE_COMMENT      always | on-regression | never (true = always, false = never)
#   PERFGATE_FAIL         true/false: fail the job on a failed check (default true)
#   PERFGATE_DASHBOARD    public URL of the perfgate server for the report's links and
#                         trend pictures (default PERFGATE_SERVER unless it is loopback)
#   GITHUB_TOKEN          token for the comment (pull-requests: write); never printed
# Outputs (GITHUB_OUTPUT): verdict (pass|fail), regressions, comment-url, report-path.
# Commit, branch, pull request and fork are what `perfgate github-context` reads
# from GITHUB_* and the event file; this script never parses the event itself.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFGATE_BIN:-perfgate}
config=${PERFGATE_CONFIG:-perfgate.json}
db=${PERFGATE_DB:-.perfgate/perfgate.db}
work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/perfgate-XXXXXX")
output=${GITHUB_OUTPUT:-/dev/null}
report="$work/report.md"

set_output() { printf '%s=%s\n' "$1" "$2" >>"$output"; }
json_field() {  # json_field FILE PYTHON-EXPRESSION-OVER-d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print("" if v is None else (str(v).lower() if isinstance(v, bool) else v))' "$1" "$2"
}
# Non-empty lines of $1, surrounding blanks trimmed, into the array named $2.
read_lines() {
  local -n into=$2
  into=()
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && into+=("$line")
  done <<<"$1"
}

if ! command -v -- "$bin" >/dev/null 2>&1; then
  echo "::error::perfgate binary '$bin' not found; set perfgate-bin or let the action build it"
  exit 3
fi
comment_mode=${PERFGATE_COMMENT:-always}
case "$comment_mode" in
  always | on-regression | never) ;;
  true) comment_mode=always ;;
  false) comment_mode=never ;;
  *) echo "::error::comment: '$comment_mode' is not one of always, on-regression, never"; exit 2 ;;
esac
case "${PERFGATE_FAIL:-true}" in
  true | false) ;;
  *) echo "::error::fail-on-regression: '${PERFGATE_FAIL}' is not true or false"; exit 2 ;;
esac
[ -f "$config" ] || { echo "::error::config $config not found"; exit 2; }

project=${PERFGATE_PROJECT:-}
if [ -z "$project" ]; then
  project=$(json_field "$config" 'd.get("project")' 2>/dev/null)
  [ -n "$project" ] || { echo "::error::no project: set the project input or \"project\" in $config"; exit 2; }
fi

read_lines "${PERFGATE_RESULTS:-}" patterns
[ ${#patterns[@]} -gt 0 ] || { echo "::error::results: give at least one results file"; exit 2; }
shopt -s nullglob globstar
results=()
for pattern in "${patterns[@]}"; do
  if [[ "$pattern" == *[\*\?\[]* ]]; then
    IFS= matches=($pattern)  # IFS empty: globbing without splitting on spaces
    unset IFS
    [ ${#matches[@]} -gt 0 ] || { echo "::error::results: no file matches '$pattern'"; exit 2; }
    results+=("${matches[@]}")
  else
    results+=("$pattern")
  fi
done
shopt -u nullglob globstar
read_lines "${PERFGATE_METRICS:-}" metric_lines
read_lines "${PERFGATE_FILE_SIZES:-}" size_lines
extra=()
for metric in "${metric_lines[@]}"; do extra+=(--metric "$metric"); done
for file in "${size_lines[@]}"; do extra+=(--file-size "$file"); done
common=(--project "$project" --testbed "${PERFGATE_TESTBED:-default}")

"$bin" github-context >"$work/context.json" || { echo "::error::perfgate github-context failed"; exit 3; }
pull_request=$(json_field "$work/context.json" 'd["pull_request"]')
from_fork=$(json_field "$work/context.json" 'd["from_fork"]')

echo "::group::perfgate ingest (${#results[@]} results files)"
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

# A push to the baseline branch (the config's baseline.branch, else main, master
# or trunk, as the gate's mainline) makes the server's copy of perfgate.json the
# repository's; an older server without the route is told apart, never a failure.
branch=$(json_field "$work/context.json" 'd["branch"]')
baseline_branch=$(json_field "$config" '(d.get("baseline") or {}).get("branch") or ""' 2>/dev/null)
on_baseline=false
if [ -n "$baseline_branch" ]; then
  [ "$branch" = "$baseline_branch" ] && on_baseline=true
else
  case "$branch" in main | master | trunk) on_baseline=true ;; esac
fi
if [ -n "${PERFGATE_SERVER:-}" ] && [ "${GITHUB_EVENT_NAME:-}" = push ] && [ -z "$pull_request" ] && [ "$on_baseline" = true ]; then
  PERFGATE_TOKEN="${PERFGATE_TOKEN:-}" python3 "$here/upload_config.py" --server "$PERFGATE_SERVER" --project "$project" \
    --config "$config"
fi

echo "::group::perfgate check"
# The report's links and trend pictures: the dashboard-url input, else the
# server-url unless it names this machine (what `check --server` defaults to).
dashboard_url=${PERFGATE_DASHBOARD:-}
if [ -z "$dashboard_url" ] && [ -n "${PERFGATE_SERVER:-}" ]; then
  dashboard_url=$(python3 - "$PERFGATE_SERVER" <<'PY'
import ipaddress, sys, urllib.parse
url = sys.argv[1]
host = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
try:
    address = ipaddress.ip_address(host)
    local = address.is_loopback or address.is_unspecified
except ValueError:
    local = host == "" or host == "localhost" or host.endswith(".localhost")
print("" if local or not url.startswith(("http://", "https://")) else url)
PY
)
fi
dashboard=()
[ -n "$dashboard_url" ] && dashboard=(--dashboard-url "$dashboard_url")
# No --head: perfgate takes the PR's head commit (not GitHub's merge commit) from the event.
"$bin" check --config "$config" --db "$db" "${common[@]}" --comment "$report" --json "$work/check.json" "${dashboard[@]}"
check_status=$?
echo "::endgroup::"
[ $check_status -le 1 ] || exit $check_status
verdict=$(json_field "$work/check.json" 'd["verdict"]')
# Benchmarks the check failed on: regressed beyond the threshold, or over a budget.
regressions=$(json_field "$work/check.json" \
  'len({b["name"] for b in d["comparison"]["benchmarks"] if b.get("verdict") == "regressed"} | {b["benchmark"] for b in d["budgets"] if b.get("status") == "broken" and b.get("level") == "error"})')
set_output verdict "$verdict"
set_output regressions "$regressions"
set_output report-path "$report"

comment_url=""
if [ -z "$pull_request" ]; then
  [ "$comment_mode" = never ] || echo "perfgate: not a pull request; the report is in the job summary"
elif [ "$comment_mode" = never ]; then
  :
elif [ "$from_fork" = true ]; then
  echo "::warning::perfgate: pull request #$pull_request comes from a fork, whose token cannot comment; the report is in the job summary"
else
  update_only=()
  # on-regression: no new comment for a pass, but an earlier one is brought up to date.
  [ "$comment_mode" = on-regression ] && [ "$verdict" = pass ] && update_only=(--update-only)
  if python3 "$here/post_comment.py" --body-file "$report" --pr "$pull_request" "${update_only[@]}" \
       --url-file "$work/comment-url"; then
    comment_url=$(cat "$work/comment-url")
  else
    echo "::warning::perfgate: could not comment on pull request #$pull_request (see above); the report is in the job summary"
  fi
fi
set_output comment-url "$comment_url"

if [ $check_status -eq 1 ]; then
  echo "::error::perfgate: $regressions benchmark(s) regressed or broke a budget (see the job summary)"
  [ "${PERFGATE_FAIL:-true}" = "true" ] || exit 0
fi
exit $check_status
