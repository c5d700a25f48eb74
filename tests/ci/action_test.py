#!/usr/bin/env python3
"""End-to-end tests of the GitHub Actions step (ci/perfgate-step.sh, which
ci/action.yml runs) and of ci/post_comment.py, against the real perfgate binary
and a loopback stand-in of GitHub's REST API.

Usage: action_test.py --perfgate PATH/TO/perfgate
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from github_standin import GitHubStandIn  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STEP = os.path.join(ROOT, "ci", "perfgate-step.sh")
POST = os.path.join(ROOT, "ci", "post_comment.py")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "gbench", "repeated.json")
PERFGATE = None
MARKER = "<!-- perfgate:comment project=demo -->"


def write(path, text):
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


class PostCommentTest(unittest.TestCase):
    def run_post(self, standin, body_file, token="test-token", pr="7"):
        env = dict(os.environ, GITHUB_TOKEN=token, GITHUB_REPOSITORY="octo/widgets", GITHUB_API_URL=standin.url)
        return subprocess.run([sys.executable, POST, "--body-file", body_file, "--pr", pr],
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

    def test_a_refused_token_exits_3(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, MARKER + "\nx\n")
            result = self.run_post(standin, body, token="wrong")
            self.assertEqual(result.returncode, 3)
            self.assertIn("401", result.stderr)

    def test_a_body_without_the_marker_exits_2(self):
        with GitHubStandIn() as standin, tempfile.TemporaryDirectory() as tmp:
            body = os.path.join(tmp, "comment.md")
            write(body, "no marker\n")
            result = self.run_post(standin, body)
            self.assertEqual(result.returncode, 2)
            self.assertEqual(standin.requests, [])


class ActionStepTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "perfgate.db")
        self.config = os.path.join(self.dir, "perfgate.json")
        write(self.config, json.dumps({"project": "demo", "baseline": {"branch": "main"},
                   "defaults": {"metric": "real_time", "threshold": "5%"},
                   "budgets": [{"benchmark": "*", "max_regression": "20%"}]}))
        base = subprocess.run([PERFGATE, "ingest", FIXTURE, "--db", self.db, "--project", "demo",
                               "--commit", "b" * 40, "--branch", "main"], capture_output=True, text=True)
        self.assertEqual(base.returncode, 0, base.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def run_step(self, standin, results, head_sha):
        event = os.path.join(self.dir, "event.json")
        write(event, json.dumps({"pull_request": {"number": 7, "head": {"sha": head_sha, "ref": "feature"},
                                    "base": {"sha": "b" * 40, "ref": "main"}}}))
        summary = os.path.join(self.dir, "summary.md")
        env = dict(os.environ, GITHUB_ACTIONS="true", GITHUB_EVENT_NAME="pull_request", GITHUB_EVENT_PATH=event,
                   GITHUB_SHA="f" * 40, GITHUB_REF_NAME="7/merge", GITHUB_HEAD_REF="feature", GITHUB_BASE_REF="main",
                   GITHUB_REPOSITORY="octo/widgets", GITHUB_API_URL=standin.url, GITHUB_TOKEN="test-token",
                   GITHUB_STEP_SUMMARY=summary, RUNNER_TEMP=self.dir,
                   PERFGATE_BIN=PERFGATE, PERFGATE_RESULTS=results, PERFGATE_CONFIG=self.config,
                   PERFGATE_DB=self.db, PERFGATE_PROJECT="demo")
        result = subprocess.run(["bash", STEP], env=env, capture_output=True, text=True, timeout=120)
        return result, summary

    def test_a_regression_fails_the_job_and_comments_once_then_a_fix_updates_the_comment(self):
        with GitHubStandIn() as standin:
            slower = os.path.join(self.dir, "slower.json")
            scaled_copy(FIXTURE, slower, 1.5)
            failed, summary = self.run_step(standin, slower, "1" * 40)
            self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)
            ours = [c for c in standin.comments.values() if MARKER in c["body"]]
            self.assertEqual(len(ours), 1, standin.comments)
            self.assertIn("BM_Sort", ours[0]["body"])
            self.assertTrue(os.path.exists(summary))
            with open(summary, encoding="utf-8") as summary_file:
                self.assertIn("BM_Sort", summary_file.read())

            fixed, _ = self.run_step(standin, FIXTURE, "2" * 40)
            self.assertEqual(fixed.returncode, 0, fixed.stdout + fixed.stderr)
            ours = [c for c in standin.comments.values() if MARKER in c["body"]]
            self.assertEqual(len(ours), 1)
            self.assertNotEqual(ours[0]["body"], "")
            self.assertEqual(sum(1 for method, _ in standin.requests if method == "PATCH"), 1)

    def test_bad_results_exit_2_without_commenting(self):
        with GitHubStandIn() as standin:
            bad = os.path.join(self.dir, "bad.json")
            write(bad, '{"benchmarks": [')
            result, _ = self.run_step(standin, bad, "3" * 40)
            self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
            self.assertIn("bad.json", result.stderr)
            self.assertEqual(standin.requests, [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--perfgate", required=True)
    args, rest = parser.parse_known_args()
    PERFGATE = os.path.abspath(args.perfgate)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
