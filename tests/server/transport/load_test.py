"""Load against the real binary on loopback: uploads at 1,000 a minute (a new
commit each, 50 benchmarks) while 50 readers each fetch the series route and
sleep 0.2 s (a dashboard poll). Reports p50/p99 of uploads and of the series
route, errors and the server's RSS at the start and the end.

Duration: PERFGATE_LOAD_SECONDS (default 20, the CI run; 180 for the full
3-minute run). Fails on any error, on fewer than 900 uploads a minute, or on
RSS growing by more than 25 % + 32 MB between half time (caches warm: each
handler's reader connection keeps a 2 MB page cache) and the end. The latency targets (p99 of uploads < 200 ms, of
the series route < 50 ms) are checked only when PERFGATE_LOAD_STRICT=1 (and
always in runs of 180 s or more): on a shared CI machine they measure the
neighbours as much as perfgate, so CI prints them instead.
Usage: load_test.py PERFGATE"""

import os
import sys
import threading
import time

from serve import Checks, Serve, create_token, gbench, request

perfgate = sys.argv[1]
seconds = float(os.environ.get("PERFGATE_LOAD_SECONDS", "20"))
checks = Checks()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


with Serve(perfgate, ["--quiet", "--writes-per-minute", "0"]) as server:
    token = create_token(perfgate, server.db, "proj")
    headers = {"Authorization": "Bearer " + token}
    # A history to read: 100 commits first.
    for i in range(100):
        request(server.port, "POST", "/api/v1/projects/proj/runs?branch=main&commit=%040x" % i, headers, gbench(50, i))
    series = "/api/v1/projects/proj/series?benchmark=BM_7"
    request(server.port, "GET", series)
    rss_start = server.rss_kb()
    uploads, reads, errors = [], [], []
    stop = threading.Event()
    bodies = [gbench(50, i) for i in range(20)]

    def uploader(index):
        offset = index * 0.06
        # Four uploaders, each 250 a minute on a fixed schedule (catching up when late).
        interval = 60.0 / 250
        next_at = time.monotonic() + offset
        n = 0
        while not stop.is_set():
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            n += 1
            commit = "%08x%032x" % (index + 1, n)
            try:
                status, _, _, took = request(server.port, "POST", "/api/v1/projects/proj/runs?branch=main&commit=" + commit,
                                             headers, bodies[n % len(bodies)], timeout=10)
                (uploads if status in (200, 201) else errors).append(took if status in (200, 201) else status)
            except OSError as error:
                errors.append(str(error))

    def reader():
        while not stop.is_set():
            try:
                status, _, _, took = request(server.port, "GET", series, timeout=10)
                (reads if status == 200 else errors).append(took if status == 200 else status)
            except OSError as error:
                errors.append(str(error))
            time.sleep(0.2)

    threads = [threading.Thread(target=uploader, args=(k,)) for k in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(50)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    rss_warm = server.rss_kb()
    time.sleep(seconds / 2)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    rss_end = server.rss_kb()
    print("load %.0f s: %d uploads (%.0f/min) p50 %.1f ms p99 %.1f ms; %d series reads p50 %.1f ms p99 %.1f ms; "
          "%d errors; RSS %d kB at the start, %d kB warm, %d kB at the end"
          % (elapsed, len(uploads), len(uploads) * 60 / elapsed, percentile(uploads, 0.5) * 1e3,
             percentile(uploads, 0.99) * 1e3, len(reads), percentile(reads, 0.5) * 1e3, percentile(reads, 0.99) * 1e3,
             len(errors), rss_start, rss_warm, rss_end))
    checks.expect(not errors, "no errors (%s)" % errors[:5])
    checks.expect(len(uploads) * 60 / elapsed > 900, "about 1,000 uploads a minute")
    if os.environ.get("PERFGATE_LOAD_STRICT") == "1" or seconds >= 180:
        checks.expect(percentile(uploads, 0.99) < 0.200, "p99 of uploads < 200 ms")
        checks.expect(percentile(reads, 0.99) < 0.050, "p99 of the series route < 50 ms")
    checks.expect(rss_end < rss_warm * 1.25 + 32 * 1024, "RSS flat once warm")
checks.exit()
