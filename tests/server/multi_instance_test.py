#!/usr/bin/env python3
"""Two `perfgate serve` instances over one PostgreSQL database, as behind a load
balancer: an upload acknowledged by one instance is in the very next answer of
the other (series, benchmarks, alerts: no cache serves an older state), and the
same upload sent to both at the same moment is stored once.

    multi_instance_test.py --perfgate BIN --cluster-url-file FILE

FILE holds the test cluster's URL (scripts/pg-test-cluster.sh, CTest's postgres
fixture). Loopback only; bounded in time; stops its servers itself."""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PROJECT = "multi"


def fresh_database(cluster_url):
    name = f"perfgate_multi_{os.getpid()}"
    subprocess.run(["psql", cluster_url, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return cluster_url[: cluster_url.rfind("/") + 1] + name


def gbench(value):
    rows = []
    for benchmark in ("BM_Multi/1", "BM_Multi/2"):
        for repetition in range(5):
            rows.append({"name": benchmark, "run_name": benchmark, "run_type": "iteration", "repetitions": 5,
                         "repetition_index": repetition, "threads": 1, "iterations": 1000,
                         "real_time": value * (1 + 0.001 * repetition), "cpu_time": value, "time_unit": "ns"})
    return json.dumps({"context": {"num_cpus": 2}, "benchmarks": rows}).encode()


class Instance:
    def __init__(self, perfgate, db):
        self.process = subprocess.Popen([perfgate, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        self.url = None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if match:
                self.url = match.group(0)
                break
        if self.url is None:
            self.stop()
            raise AssertionError("perfgate serve did not announce its URL")
        # Keep reading its log so that a full pipe never blocks it.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()

    def request(self, method, path, body=None, token=None):
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def upload(self, token, commit, parent, when, value):
        query = urllib.parse.urlencode({"commit": commit, "parent": parent, "branch": "main",
                                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))})
        return self.request("POST", f"/api/v1/projects/{PROJECT}/runs?{query}", gbench(value), token)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--perfgate", required=True)
    parser.add_argument("--cluster-url-file", required=True)
    args = parser.parse_args()
    with open(args.cluster_url_file, encoding="utf-8") as file:
        cluster = file.read().strip()
    db = fresh_database(cluster)
    token = subprocess.run([args.perfgate, "token", "create", "--db", db, "--project", PROJECT], check=True,
                           capture_output=True, text=True).stdout.strip()
    instances = [Instance(args.perfgate, db), Instance(args.perfgate, db)]
    failures = []
    try:
        start = 1_760_000_000
        parent = ""
        for i in range(24):
            writer, reader = instances[i % 2], instances[(i + 1) % 2]
            commit = f"{i + 1:040x}"
            # A 40 % step at commit 12: an alert appears on both instances.
            status, answer = writer.upload(token, commit, parent, start + 3600 * i, 100.0 if i < 12 else 140.0)
            if status != 201:
                failures.append(f"upload {i}: HTTP {status} {answer}")
                continue
            parent = commit
            status, series = reader.request("GET", f"/api/v1/projects/{PROJECT}/series?benchmark=BM_Multi%2F1")
            points = series.get("points", []) if status == 200 else []
            if len(points) != i + 1 or points[-1]["commit"] != commit:
                failures.append(f"after upload {i} to one instance the other served {len(points)} points")
            alerts = [instance.request("GET", f"/api/v1/projects/{PROJECT}/alerts")[1] for instance in instances]
            if alerts[0] != alerts[1]:
                failures.append(f"after upload {i} the instances answered different alerts")
        # The same upload to both at the same moment: one run.
        results = [None, None]
        barrier = threading.Barrier(2)

        def race(k):
            barrier.wait()
            results[k] = instances[k].upload(token, f"{999:040x}", parent, start + 3600 * 30, 120.0)

        threads = [threading.Thread(target=race, args=(k,)) for k in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(status for status, _ in results)
        run_ids = {answer.get("run_id") for _, answer in results}
        if statuses != [200, 201] or len(run_ids) != 1:
            failures.append(f"the same upload to both instances at once: {results}")
        status, series = instances[0].request("GET", f"/api/v1/projects/{PROJECT}/series?benchmark=BM_Multi%2F1")
        if series["points"][-1]["n"] != 5:
            failures.append(f"the raced commit pooled {series['points'][-1]['n']} samples, not 5")
        # Free text that is not UTF-8 (a go benchmark's failure message in
        # ISO-8859-1): PostgreSQL refuses such text, so it is stored with U+FFFD
        # in place of each bad byte, as on SQLite, and never makes a 500.
        gotest = (b"goos: linux\npkg: example.com/caf\xe9\nBenchmarkOk\nBenchmarkOk  \t1000\t  27.5 ns/op\n"
                  b"--- FAIL: BenchmarkFails\n    edge_test.go:12: got \xff\xfe\nFAIL\n")
        status, answer = instances[0].request("POST", f"/api/v1/projects/{PROJECT}/runs?commit={777:040x}&format=gotest",
                                              gotest, token)
        if status != 201:
            failures.append(f"an upload with ISO-8859-1 free text: HTTP {status} {answer}")
        stored = subprocess.run(["psql", db, "-At", "-c", "SELECT message FROM errors"], capture_output=True,
                                text=True).stdout.strip()
        if stored != "edge_test.go:12: got \ufffd\ufffd":
            failures.append(f"the failure message was stored as {stored!r}")
        bad_name = b"BenchmarkBad\xff  \t1000\t  27.5 ns/op\n"
        status, answer = instances[1].request("POST", f"/api/v1/projects/{PROJECT}/runs?commit={778:040x}&format=gotest",
                                              bad_name, token)
        if status != 400 or "not valid UTF-8" not in answer.get("error", {}).get("message", ""):
            failures.append(f"a benchmark name that is not UTF-8: HTTP {status} {answer}")
    finally:
        for instance in instances:
            instance.stop()
    for failure in failures:
        print("FAIL:", failure)
    print(f"multi-instance: {1 if not failures else 0} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
