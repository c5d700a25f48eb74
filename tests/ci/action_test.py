#!/usr/bin/env python3
"""End-to-end tests of the GitHub Action: ci/action.yml run by a runner-like
harness (tests/ci/action_runner.py: real YAML parser, inputs and defaults,
expressions, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, the event file,
actions/cache), with the real perfgate binary and a loopback stand-in of
GitHub's REST API (tests/ci/github_standin.py). Also ci/post_comment.py alone.

Usage: action_test.py --perfgate PATH/TO/perfgate [--build-dir BUILD]

With --build-dir, the self-install test configures its build of perfgate like
BUILD (build type, flags, compiler), so ccache can reuse BUILD's objects.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from action_runner import ActionError, CacheStandIn, CompositeRunner  # noqa: E402
from github_standin import GitHubStandIn  # noqa: E402
from server_standin import PerfgateServerStandIn  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACTION_DIR = os.path.join(ROOT, "ci")
POST = os.path.join(ROOT, "ci", "post_comment.py")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "gbench", "repeated.json")
PERFGATE = None
SELF_INSTALL_CMAKE_ARGS = ""
MARKER = "<!-- perfgate:comment project=demo -->"
TOKEN = "test-token"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def scaled_copy(source, destination, factor):
    """The real fixture with every time multiplied by `factor` (a regression)."""
    with open(source, encoding="utf-8") as source_file:
        text = source_file.read()
    for token in ("NaN", "-Infinity", "Infinity"):
        text = text.replace(token, f'"{token}"')
    document = json.loads(text)
    for row in document["benchmarks"]:
        if row.get("aggregate_name") in ("cv", "BigO", "RMS"):
            continue
        for key in ("real_time", "cpu_time"):
            if isinstance(row.get(key), (int, float)):
                row[key] *= factor
    write(destination, json.dumps(document))


def cmake_args_like(build_dir):
    """Configure arguments that reproduce BUILD's compiler and flags (one per line
    for PERFGATE_CMAKE_ARGS), so the self-installed build hits ccache."""
    cache = {}
    with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as cache_file:
        for line in cache_file:
            match = re.match(r"([A-Za-z0-9_]+):[A-Z]+=(.*)", line.rstrip("\n"))
            if match:
                cache[match.group(1)] = match.group(2)
    build_type = cache.get("CMAKE_BUILD_TYPE", "Release")
    args = [f"-DCMAKE_BUILD_TYPE={build_type}"]
    for name in ("CMAKE_CXX_COMPILER", "CMAKE_CXX_FLAGS", f"CMAKE_CXX_FLAGS_{build_type.upper()}", "PERFGATE_WERROR",
                 "CMAKE_CXX_COMPILER_LAUNCHER"):
        if cache.get(name):
            args.append(f"-D{name}={cache[name]}")
    return args


def ccache_env():
    """The caller's ccache directory: HOME is the runner's own in these tests, and
    ccache would otherwise start an empty cache there."""
    if os.environ.get("CCACHE_DIR"):
        return {"CCACHE_DIR": os.environ["CCACHE_DIR"]}
    try:
        directory = subprocess.run(["ccache", "-k", "cache_dir"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return {}
    return {"CCACHE_DIR": directory} if directory else {}


CCACHE_ENV = ccache_env()


def path_without_perfgate():
    dirs = [d for d in SYSTEM_PATH.split(":") if not os.path.exists(os.path.join(d, "perfgate"))]
    return ":".join(dirs)


class PostCommentTest(unittest.TestCase):
    def run_post(self, standin, body_file, token=TOKEN, pr="7", extra=()):
        env = dict(os.environ, GITHUB_TOKEN=token, GITHUB_REPOSITORY="octo/widgets", GITHUB_API_URL=standin.url,
                   PERFGATE_GITHUB_BACKOFF="0.05")
        return subprocess.run([sys.executable, POST, "--body-file", body_file, "--pr", pr, *extra],
                              env=env, capture_output=True, text=True, timeout=60)

    def test_creates_once_then_updates_the_same_comment_found_on_a_later_page(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            for i in range(150):
                standin.add_comment(7, f"unrelated comment {i}")
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nfirst\n")
            first = self.run_post(standin, body)
            self.assertEqual(first.returncode, 0, first.stderr)
            write(body, MARKER + "\nsecond\n")
            second = self.run_post(standin, body)
            self.assertEqual(second.returncode, 0, second.stderr)
            ours = [c for c in standin.comments.values() if MARKER in c["body"]]
            self.assertEqual(len(ours), 1)
            self.assertIn("second", ours[0]["body"])
            self.assertEqual(sum(1 for method, _ in standin.requests if method == "POST"), 1)
            self.assertEqual(sum(1 for method, _ in standin.requests if method == "PATCH"), 1)
            self.assertTrue(any("page=2" in path for _, path in standin.requests))

    def test_a_refused_token_exits_3_without_printing_the_token(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nx\n")
            result = self.run_post(standin, body, token="wrong-secret-token")
            self.assertEqual(result.returncode, 3)
            self.assertIn("401", result.stderr)
            self.assertNotIn("wrong-secret-token", result.stdout + result.stderr)

    def test_a_body_without_the_marker_exits_2(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, "no marker\n")
            result = self.run_post(standin, body)
            self.assertEqual(result.returncode, 2)
            self.assertEqual(standin.requests, [])

    def test_5xx_and_secondary_rate_limits_are_retried_with_backoff(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nx\n")
            standin.fail_next(2, 502)
            standin.secondary_rate_limit(1, retry_after=1)
            started = time.monotonic()
            result = self.run_post(standin, body)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertGreaterEqual(time.monotonic() - started, 1.0)  # Retry-After was honoured
            self.assertEqual(result.stderr.count("retrying"), 3, result.stderr)
            self.assertEqual(len([c for c in standin.comments.values() if MARKER in c["body"]]), 1)
            self.assertEqual(len(standin.requests), 5)  # 3 refused GETs, the GET that answered, the POST

    def test_a_server_that_keeps_failing_exits_3_after_the_last_attempt(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nx\n")
            standin.fail_next(10, 503)
            result = self.run_post(standin, body)
            self.assertEqual(result.returncode, 3)
            self.assertEqual(len(standin.requests), 5)
            self.assertIn("503", result.stderr)

    def test_a_plain_403_is_not_retried(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nx\n")
            standin.fail_next(1, 403, message="Resource not accessible by integration")
            result = self.run_post(standin, body)
            self.assertEqual(result.returncode, 3)
            self.assertEqual(len(standin.requests), 1)


class ActionTest(unittest.TestCase):
    """The action as GitHub runs it, on a pull request of octo/widgets."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="perfgate-action-")
        self.workspace = os.path.join(self.tmp.name, "work space")
        os.makedirs(self.workspace)
        self.cache = CacheStandIn(os.path.join(self.tmp.name, "cache"))
        write(os.path.join(self.workspace, "perfgate.json"),
              json.dumps({"project": "demo", "baseline": {"branch": "main"},
                          "defaults": {"metric": "real_time", "threshold": "5%"},
                          "budgets": [{"benchmark": "*", "max_regression": "20%"}]}))
        self.db = os.path.join(self.workspace, ".perfgate", "perfgate.db")
        os.makedirs(os.path.dirname(self.db))
        base = subprocess.run([PERFGATE, "ingest", FIXTURE, "--db", self.db, "--project", "demo",
                               "--commit", "b" * 40, "--branch", "main"], capture_output=True, text=True)
        self.assertEqual(base.returncode, 0, base.stderr)
        self.runs = 0

    def tearDown(self):
        self.tmp.cleanup()

    def run_action(self, standin, head_sha, fork=False, path=None, event_name="pull_request", **inputs):
        self.runs += 1
        head_repo = "someone/widgets" if fork else "octo/widgets"
        event = {"number": 7, "pull_request": {
            "number": 7, "head": {"sha": head_sha, "ref": "feature", "repo": {"full_name": head_repo}},
            "base": {"sha": "b" * 40, "ref": "main", "repo": {"full_name": "octo/widgets"}}},
            "repository": {"full_name": "octo/widgets"}}
        github = {"event_name": event_name, "event": event, "sha": "f" * 40, "ref": "refs/pull/7/merge",
                  "ref_name": "7/merge", "head_ref": "feature", "base_ref": "main", "repository": "octo/widgets",
                  "api_url": standin.url, "token": TOKEN}
        if event_name == "push":
            github.update(event={"before": "b" * 40, "after": head_sha}, sha=head_sha, ref="refs/heads/main",
                          ref_name="main", head_ref="", base_ref="")
        env = {"PATH": path if path is not None else os.path.dirname(PERFGATE) + ":" + SYSTEM_PATH,
               "HOME": os.path.join(self.tmp.name, "home"), "LANG": "C.UTF-8", "PERFGATE_GITHUB_BACKOFF": "0.05"}
        env.update(CCACHE_ENV)
        if SELF_INSTALL_CMAKE_ARGS:
            env["PERFGATE_CMAKE_ARGS"] = SELF_INSTALL_CMAKE_ARGS
        runner = CompositeRunner(ACTION_DIR, self.workspace, os.path.join(self.tmp.name, f"runner-temp-{self.runs}"),
                                 github, env=env, cache=self.cache)
        result = runner.run(inputs)
        self.assertNotIn(TOKEN, result.log)
        return result

    def ours(self, standin):
        return [c for c in standin.comments.values() if MARKER in c["body"]]

    def count(self, standin, method):
        return sum(1 for m, _ in standin.requests if m == method)

    def test_action_yml_is_valid_yaml_whose_expressions_name_declared_inputs(self):
        with open(os.path.join(ACTION_DIR, "action.yml"), encoding="utf-8") as handle:
            text = handle.read()
        action = yaml.safe_load(text)
        self.assertEqual(action["runs"]["using"], "composite")
        for name, spec in action["inputs"].items():
            self.assertTrue(spec.get("description"), name)
        self.assertEqual(set(action["outputs"]), {"verdict", "regressions", "comment-url", "report-path"})
        for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
            self.assertIn(name, action["inputs"])
        for step in action["runs"]["steps"]:
            self.assertTrue("uses" in step or step.get("shell") == "bash", step)

    def test_a_regression_fails_the_job_comments_once_and_sets_outputs_then_a_fix_updates_the_comment(self):
        results = os.path.join(self.workspace, "bench results")
        scaled_copy(FIXTURE, os.path.join(results, "run 1.json"), 1.5)
        scaled_copy(FIXTURE, os.path.join(results, "run 2.json"), 1.5)
        with GitHubStandIn() as standin:
            failed = self.run_action(standin, "1" * 40, results="bench results/run *.json\n")
            self.assertFalse(failed.success, failed.log)
            self.assertEqual(failed.steps["perfgate"]["exit_code"], 1, failed.log)
            self.assertIn("2 results files", failed.log)
            self.assertEqual(failed.outputs["verdict"], "fail")
            self.assertGreaterEqual(int(failed.outputs["regressions"]), 1)
            ours = self.ours(standin)
            self.assertEqual(len(ours), 1, standin.comments)
            self.assertIn("BM_Sort", ours[0]["body"])
            self.assertEqual(failed.outputs["comment-url"],
                             f"https://github.com/octo/widgets/pull/7#issuecomment-{ours[0]['id']}")
            with open(failed.outputs["report-path"], encoding="utf-8") as report:
                self.assertEqual(report.read(), ours[0]["body"])
            self.assertIn("BM_Sort", failed.summary)
            self.assertTrue(all(auth == f"Bearer {TOKEN}" for auth in standin.authorizations))

            fixed = self.run_action(standin, "2" * 40, results=FIXTURE)
            self.assertTrue(fixed.success, fixed.log)
            self.assertEqual(fixed.outputs["verdict"], "pass")
            self.assertEqual(fixed.outputs["regressions"], "0")
            self.assertEqual(len(self.ours(standin)), 1)
            self.assertEqual(self.count(standin, "POST"), 1)
            self.assertEqual(self.count(standin, "PATCH"), 1)
            self.assertEqual(fixed.outputs["comment-url"], failed.outputs["comment-url"])

    def test_comment_on_regression_creates_only_for_a_failure_and_then_keeps_it_current(self):
        slower = os.path.join(self.workspace, "slower.json")
        scaled_copy(FIXTURE, slower, 1.5)
        with GitHubStandIn() as standin:
            passed = self.run_action(standin, "1" * 40, results=FIXTURE, comment="on-regression")
            self.assertTrue(passed.success, passed.log)
            self.assertEqual(passed.outputs["comment-url"], "")
            self.assertEqual(self.count(standin, "POST"), 0)
            failed = self.run_action(standin, "2" * 40, results=slower, comment="on-regression")
            self.assertFalse(failed.success)
            self.assertEqual(self.count(standin, "POST"), 1)
            again = self.run_action(standin, "3" * 40, results=FIXTURE, comment="on-regression")
            self.assertTrue(again.success, again.log)
            self.assertEqual(self.count(standin, "POST"), 1)
            self.assertEqual(self.count(standin, "PATCH"), 1)
            self.assertNotIn("BM_Sort | regressed", self.ours(standin)[0]["body"])

    def test_comment_never_talks_to_github_and_fail_on_regression_false_passes_the_job(self):
        slower = os.path.join(self.workspace, "slower.json")
        scaled_copy(FIXTURE, slower, 1.5)
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "1" * 40, results=slower, comment="never", **{"fail-on-regression": "false"})
            self.assertTrue(result.success, result.log)
            self.assertEqual(result.outputs["verdict"], "fail")
            self.assertEqual(standin.requests, [])
            self.assertIn("BM_Sort", result.summary)

    def test_an_unknown_comment_mode_is_invalid_input(self):
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "1" * 40, results=FIXTURE, comment="sometimes")
            self.assertEqual(result.steps["perfgate"]["exit_code"], 2)
            self.assertIn("comment: 'sometimes'", result.log)

    def test_a_pull_request_from_a_fork_gets_the_summary_and_the_gate_with_a_warning_instead_of_a_comment(self):
        slower = os.path.join(self.workspace, "slower.json")
        scaled_copy(FIXTURE, slower, 1.5)
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "1" * 40, fork=True, results=slower)
            self.assertFalse(result.success)
            self.assertEqual(result.outputs["verdict"], "fail")
            self.assertIn("::warning::", result.log)
            self.assertIn("fork", result.log)
            self.assertIn("BM_Sort", result.summary)
            self.assertEqual(standin.requests, [])

    def test_github_errors_are_retried_and_when_they_persist_the_comment_is_a_warning_not_the_verdict(self):
        with GitHubStandIn() as standin:
            standin.fail_next(1, 500)
            standin.secondary_rate_limit(1, retry_after=0)
            retried = self.run_action(standin, "1" * 40, results=FIXTURE)
            self.assertTrue(retried.success, retried.log)
            self.assertEqual(len(self.ours(standin)), 1)
            self.assertIn("retrying", retried.log)

            standin.fail_next(50, 503)
            failing = self.run_action(standin, "2" * 40, results=FIXTURE)
            self.assertTrue(failing.success, failing.log)  # the check passed; commenting is not the gate
            self.assertIn("::warning::perfgate: could not comment", failing.log)
            self.assertEqual(failing.outputs["comment-url"], "")

    def test_bad_results_exit_2_without_talking_to_github(self):
        with GitHubStandIn() as standin:
            bad = os.path.join(self.workspace, "bad.json")
            write(bad, '{"benchmarks": [')
            result = self.run_action(standin, "3" * 40, results=bad)
            self.assertEqual(result.steps["perfgate"]["exit_code"], 2, result.log)
            self.assertIn("bad.json", result.log)
            nothing = self.run_action(standin, "3" * 40, results="no such dir/*.json")
            self.assertEqual(nothing.steps["perfgate"]["exit_code"], 2, nothing.log)
            self.assertIn("no file matches 'no such dir/*.json'", nothing.log)
            self.assertEqual(standin.requests, [])

    def test_metrics_and_file_sizes_are_read_one_per_line_and_paths_may_hold_spaces(self):
        library = os.path.join(self.workspace, "build dir", "lib my.so")
        write(library, "x" * 1234)
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "1" * 40, results=FIXTURE,
                                     metrics="build/compile_time=95s\n  tests/time=20s  \n\n",
                                     **{"file-sizes": "build dir/lib my.so\n"})
            self.assertTrue(result.success, result.log)
        for benchmark, expected in (("size/lib my.so", 1234), ("build/compile_time", 95e9), ("tests/time", 20e9)):
            history = subprocess.run([PERFGATE, "history", "--benchmark", benchmark, "--db", self.db,
                                      "--project", "demo", "--branch", "feature", "--format", "json"],
                                     capture_output=True, text=True)
            self.assertEqual(history.returncode, 0, history.stderr)
            self.assertEqual(json.loads(history.stdout)["points"][-1]["value"], expected, benchmark)

    def test_a_push_to_main_records_history_gates_and_comments_nowhere(self):
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "4" * 40, event_name="push", results=FIXTURE)
            self.assertTrue(result.success, result.log)
            self.assertEqual(result.outputs["verdict"], "pass")
            self.assertEqual(result.outputs["comment-url"], "")
            self.assertIn("not a pull request", result.log)
            self.assertEqual(standin.requests, [])
        history = subprocess.run([PERFGATE, "history", "--benchmark", "BM_Sort/64", "--db", self.db, "--project", "demo",
                                  "--branch", "main", "--format", "json"], capture_output=True, text=True)
        self.assertEqual(history.returncode, 0, history.stderr)
        self.assertEqual([p["commit"] for p in json.loads(history.stdout)["points"]], ["b" * 40, "4" * 40])

    def config_text(self):
        with open(os.path.join(self.workspace, "perfgate.json"), "rb") as handle:
            return handle.read()

    def test_a_push_to_the_baseline_branch_stores_perfgate_json_on_the_server_and_a_pull_request_does_not(self):
        with GitHubStandIn() as standin, PerfgateServerStandIn(PERFGATE, os.path.join(self.tmp.name, "server"),
                                                               config_route="store") as server:
            token = server.token("demo")
            pushed = self.run_action(standin, "4" * 40, event_name="push", results=FIXTURE,
                                     **{"server-url": server.url, "token": token})
            self.assertTrue(pushed.success, pushed.log)
            self.assertEqual(server.configs, [(f"Bearer {token}", self.config_text())])
            self.assertIn("stored perfgate.json on the server", pushed.log)
            self.assertNotIn(token, pushed.log)
            self.assertTrue(any(m == "POST" and "/runs?" in p for m, p in server.requests))  # the results went there too

            pull = self.run_action(standin, "5" * 40, results=FIXTURE, **{"server-url": server.url, "token": token})
            self.assertTrue(pull.success, pull.log)
            self.assertEqual(len(server.configs), 1)  # a pull request's config is not the project's
            self.assertEqual(sum(1 for m, _ in server.requests if m == "PUT"), 1)

    def test_a_push_to_another_branch_leaves_the_servers_config_alone(self):
        with GitHubStandIn() as standin, PerfgateServerStandIn(PERFGATE, os.path.join(self.tmp.name, "server"),
                                                               config_route="store") as server:
            token = server.token("demo")
            write(os.path.join(self.workspace, "release.json"),
                  json.dumps({"project": "demo", "baseline": {"branch": "release"},
                              "budgets": [{"benchmark": "*", "max_regression": "20%"}]}))
            result = self.run_action(standin, "6" * 40, event_name="push", results=FIXTURE,
                                     **{"server-url": server.url, "token": token, "config": "release.json"})
            self.assertTrue(result.success, result.log)
            self.assertEqual(server.configs, [])  # main is not release.json's baseline branch

    def test_an_older_server_without_the_config_route_does_not_fail_the_job(self):
        for status in (404, 405, 500):
            with self.subTest(status=status), GitHubStandIn() as standin, PerfgateServerStandIn(
                    PERFGATE, os.path.join(self.tmp.name, f"server-{status}"), config_route=status) as server:
                token = server.token("demo")
                result = self.run_action(standin, str(status % 10) * 40, event_name="push", results=FIXTURE,
                                         **{"server-url": server.url, "token": token})
                self.assertTrue(result.success, result.log)
                self.assertEqual(result.outputs["verdict"], "pass")
                self.assertIn(("PUT", "/api/v1/projects/demo/config"), server.requests)
                if status == 500:
                    self.assertIn("::warning::perfgate: the server refused perfgate.json (HTTP 500)", result.log)
                else:
                    self.assertIn(f"does not store project configs (HTTP {status}", result.log)
                    self.assertNotIn("::warning::", result.log)

    def test_the_real_server_stores_the_config_a_push_to_main_uploads(self):
        with GitHubStandIn() as standin, PerfgateServerStandIn(PERFGATE, os.path.join(self.tmp.name, "server")) as server:
            token = server.token("demo")
            result = self.run_action(standin, "7" * 40, event_name="push", results=FIXTURE,
                                     **{"server-url": server.url, "token": token})
            self.assertTrue(result.success, result.log)
            self.assertIn("stored perfgate.json on the server", result.log)
            request = urllib.request.Request(server.url + "/api/v1/projects/demo/config")
            with urllib.request.urlopen(request, timeout=30) as answer:
                stored = json.loads(answer.read())
            # GET .../config answers {"project","config","updated_by","updated_at"} (server/README.md).
            self.assertEqual(stored["project"], "demo")
            self.assertEqual(stored["config"], json.loads(self.config_text()))

    def test_the_comment_links_the_dashboard_and_shows_the_trend_of_each_regression(self):
        slower = os.path.join(self.workspace, "slower.json")
        scaled_copy(FIXTURE, slower, 1.5)
        with GitHubStandIn() as standin:
            result = self.run_action(standin, "1" * 40, results=slower, **{"dashboard-url": "https://perf.example.com"})
            self.assertFalse(result.success)
            body = self.ours(standin)[0]["body"]
            self.assertIn("[Compare in the dashboard](https://perf.example.com/projects/demo/compare?base=" + "b" * 40 +
                          "&head=" + "1" * 40 + "&testbed=default)", body)
            self.assertRegex(body, r"!\[trend of BM_Sort/\d+\]\(https://perf\.example\.com/api/v1/projects/demo/"
                                   r"series\.svg\?benchmark=BM_Sort%2F\d+&metric=real_time&branch=main&testbed=default"
                                   r"&head=" + "1" * 40 + r"\)")

    def test_a_loopback_server_url_gives_no_links_to_the_pull_request(self):
        slower = os.path.join(self.workspace, "slower.json")
        scaled_copy(FIXTURE, slower, 1.5)
        with GitHubStandIn() as standin, PerfgateServerStandIn(PERFGATE, os.path.join(self.tmp.name, "server")) as server:
            token = server.token("demo")
            result = self.run_action(standin, "1" * 40, results=slower, **{"server-url": server.url, "token": token})
            self.assertFalse(result.success)
            body = self.ours(standin)[0]["body"]
            self.assertIn("BM_Sort", body)
            self.assertNotIn("](http", body)

    def test_an_unknown_input_is_refused_like_github_warns(self):
        with GitHubStandIn() as standin:
            with self.assertRaises(ActionError):
                self.run_action(standin, "1" * 40, results=FIXTURE, comments="always")

    def test_without_perfgate_on_path_the_action_builds_it_from_its_checkout_and_caches_the_build(self):
        path = path_without_perfgate()
        with GitHubStandIn() as standin:
            first = self.run_action(standin, "1" * 40, path=path, results=FIXTURE)
            self.assertTrue(first.success, first.log[-6000:])
            self.assertEqual(first.steps["locate"]["outputs"]["need-build"], "true")
            self.assertIn("perfgate: built perfgate", first.log)
            self.assertEqual(first.outputs["verdict"], "pass")
            self.assertEqual(len(self.cache.saved), 1)

            second = self.run_action(standin, "2" * 40, path=path, results=FIXTURE)
            self.assertTrue(second.success, second.log[-6000:])
            self.assertIn("from the cache", second.log)
            self.assertNotIn("perfgate: build", second.log)
            self.assertEqual(self.cache.restored, self.cache.saved)
            self.assertEqual(len(self.ours(standin)), 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--perfgate", required=True)
    parser.add_argument("--build-dir")
    args, rest = parser.parse_known_args()
    PERFGATE = os.path.abspath(args.perfgate)
    if args.build_dir:
        SELF_INSTALL_CMAKE_ARGS = "\n".join(cmake_args_like(args.build_dir))
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
