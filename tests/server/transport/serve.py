"""Starts `perfgate serve` on an ephemeral loopback port for the transport tests
and stops it (SIGTERM, then SIGKILL) when the `with` block ends."""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time


class Serve:
    def __init__(self, perfgate, args=(), db=None):
        self.perfgate = perfgate
        self.dir = tempfile.mkdtemp(prefix="perfgate-transport-")
        self.db = db or os.path.join(self.dir, "perfgate.db")
        self.args = list(args)
        self.proc = None
        self.port = None

    def __enter__(self):
        self.start()
        return self

    def start(self):
        self.log = open(os.path.join(self.dir, "stderr.txt"), "ab")
        self.proc = subprocess.Popen(
            [self.perfgate, "serve", "--db", self.db, "--port", "0"] + self.args,
            stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.monotonic() + 20
        line = b""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            match = re.search(rb"serving http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
                return
            if not line and self.proc.poll() is not None:
                break
        raise RuntimeError("perfgate serve did not start: %r" % line)

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __exit__(self, *exc):
        self.stop()

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def connect(self, timeout=5.0):
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)


def request(port, method, target, headers=None, body=b"", timeout=10.0):
    """One request on a fresh connection; returns (status, headers, body, seconds)."""
    start = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1", "Connection: close"]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        if body or method in ("POST", "PUT"):
            lines.append("Content-Length: %d" % len(body))
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        return read_response(sock, start)
    finally:
        sock.close()


def raw(port, data, timeout=10.0):
    """Sends raw bytes on a fresh connection, returns (status, headers, body, seconds)."""
    start = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(data)
        return read_response(sock, start)
    finally:
        sock.close()


def read_response(sock, start):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return (0, {}, data, time.monotonic() - start)
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "-1"))
    while length >= 0 and len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return (status, headers, body[:length] if length >= 0 else body, time.monotonic() - start)


def create_token(perfgate, db, project):
    import subprocess as sp
    out = sp.run([perfgate, "token", "create", "--db", db, "--project", project], capture_output=True, text=True, check=True)
    return out.stdout.strip().split()[-1]


def gbench(count, seed=0):
    """A Google Benchmark JSON file with `count` benchmarks (bytes)."""
    import json
    rows = []
    for i in range(count):
        rows.append({"name": "BM_%d" % i, "run_name": "BM_%d" % i, "run_type": "iteration", "repetitions": 1,
                     "repetition_index": 0, "threads": 1, "iterations": 100, "real_time": 10.0 + i + seed * 0.001,
                     "cpu_time": 10.0 + i, "time_unit": "ns"})
    return json.dumps({"context": {"date": "2024-01-01T00:00:00+00:00", "library_build_type": "release"},
                       "benchmarks": rows}).encode()


class Checks:
    """Collects failed expectations instead of stopping at the first."""

    def __init__(self):
        self.failures = []

    def expect(self, condition, what):
        print(("ok    " if condition else "FAIL  ") + what)
        if not condition:
            self.failures.append(what)

    def exit(self):
        import sys
        if self.failures:
            print("%d failed:" % len(self.failures))
            for failure in self.failures:
                print("  " + failure)
        sys.exit(1 if self.failures else 0)
