"""Every limit of `perfgate serve` and the hostile-input matrix, against the real
binary on loopback. Usage: limits_test.py PERFGATE"""

import socket
import sys
import threading
import time

from serve import Checks, Serve, create_token, gbench, raw, request

perfgate = sys.argv[1]
checks = Checks()
expect = checks.expect


def healthy(server):
    try:
        status, _, _, seconds = request(server.port, "GET", "/healthz", timeout=5)
        return status == 200 and seconds < 1
    except OSError:
        return False


def status_of(server, data, timeout=10):
    try:
        return raw(server.port, data, timeout=timeout)[0]
    except OSError:
        return 0  # the server closed without an answer


# --- request head limits and the header-count memory test ---------------------
with Serve(perfgate) as server:
    many = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101)) + b"\r\n"
    expect(status_of(server, many) == 431, "101 header fields: 431")
    ok = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(90)) + b"\r\n"
    expect(status_of(server, ok) == 200, "91 header fields: 200")
    big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    expect(status_of(server, big) == 431, "a 20 kB header: 431")

    # Four connections each sending 1,000,000 small headers (the attack).
    before = server.rss_kb()
    def flood_headers():
        try:
            sock = server.connect(timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            chunk = b"".join(b"X-A%d: b\r\n" % i for i in range(1000))
            for _ in range(1000):
                sock.sendall(chunk)
        except OSError:
            pass  # answered 431 and closed: expected
    threads = [threading.Thread(target=flood_headers) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    after = server.rss_kb()
    print("      RSS %d kB -> %d kB after 4 x 1,000,000 headers" % (before, after))
    expect(after - before < 20 * 1024, "4 x 1,000,000 headers: RSS grows < 20 MB (%d kB)" % (after - before))
    expect(healthy(server), "healthy after the header flood")

# --- deadlines -------------------------------------------------------------------
with Serve(perfgate, ["--head-seconds", "1", "--keep-alive-seconds", "1"]) as server:
    sock = server.connect(timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    answer = sock.recv(4096)
    expect(answer.startswith(b"HTTP/1.1 408"), "half-sent head: 408 after --head-seconds (%r)" % answer[:12])
    expect(time.monotonic() - start < 3, "half-sent head answered within 3 s")
    sock.close()
    sock = server.connect(timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.recv(4096)
    start = time.monotonic()
    closed = sock.recv(4096) == b""
    expect(closed and time.monotonic() - start < 3, "idle keep-alive closed after --keep-alive-seconds")
    sock.close()

# --- connection caps, rates, pool saturation -----------------------------------------
with Serve(perfgate, ["--max-connections-per-address", "5", "--writes-per-minute", "6",
                      "--failed-auth-per-minute", "6"]) as server:
    token = create_token(perfgate, server.db, "proj")
    held = [server.connect() for _ in range(5)]
    time.sleep(0.2)
    expect(status_of(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") == 429, "6th connection from one address: 429")
    for sock in held:
        sock.close()
    time.sleep(0.2)
    expect(healthy(server), "healthy once they close")

    statuses = [request(server.port, "POST", "/api/v1/projects/proj/runs?commit=%040x" % i,
                        {"Authorization": "Bearer " + token}, gbench(2))[0] for i in range(7)]
    expect(statuses[:5] == [201] * 5 and statuses[-1] == 429, "writes past --writes-per-minute: 429 (%s)" % statuses)
    status, headers, _, _ = request(server.port, "POST", "/api/v1/projects/proj/runs?commit=%040x" % 99,
                                    {"Authorization": "Bearer " + token}, gbench(2))
    expect(status == 429 and int(headers.get("retry-after", "0")) >= 1, "429 carries Retry-After")

    bad = [request(server.port, "POST", "/api/v1/projects/proj/runs?commit=%040x" % i,
                   {"Authorization": "Bearer pg_wrong%d" % i}, gbench(1))[0] for i in range(7)]
    expect(bad[:5] == [403] * 5 and bad[-1] == 429, "failed authentication past the limit: 429 (%s)" % bad)

with Serve(perfgate, ["--threads", "1", "--queue-limit", "0", "--writes-per-minute", "0"]) as server:
    token = create_token(perfgate, server.db, "proj")
    body = gbench(20000)
    uploads = []
    def upload():
        # A probe may hold the only worker when the upload arrives; then the
        # upload itself is the one refused with 503, and it tries again.
        for _ in range(100):
            status = request(server.port, "POST", "/api/v1/projects/proj/runs?commit=" + "b" * 40,
                             {"Authorization": "Bearer " + token}, body, timeout=60)[0]
            uploads.append(status)
            if status != 503:
                return
            time.sleep(0.02)
    slow = threading.Thread(target=upload)
    slow.start()
    # Probe until the upload's handler holds the only worker: however fast the
    # store is, some probe lands while it is busy (none may wait or fail).
    probes = []
    while slow.is_alive() and len(probes) < 2000:
        status, headers, _, _ = request(server.port, "GET", "/healthz")
        probes.append((status, headers.get("retry-after")))
        if status == 503:
            break
        time.sleep(0.01)
    expect(probes and probes[-1] == (503, "1") and all(s in (200, 503) for s, _ in probes),
           "pool saturated: 503 with Retry-After (%s)" % probes[-3:])
    slow.join()
    expect(uploads and uploads[-1] == 201 and set(uploads[:-1]) <= {503},
           "the upload is stored once the worker is free (%s)" % uploads[-3:])
    expect(healthy(server), "healthy after saturation")

# --- framing (RFC 9112) and hostile input ------------------------------------------
with Serve(perfgate, ["--writes-per-minute", "0", "--failed-auth-per-minute", "0"]) as server:
    token = create_token(perfgate, server.db, "proj")
    auth = ("Authorization: Bearer %s\r\n" % token).encode()
    post = b"POST /api/v1/projects/proj/runs?commit=" + b"c" * 40 + b" HTTP/1.1\r\nHost: x\r\n" + auth
    body = gbench(1)
    framing = {
        "Content-Length with Transfer-Encoding": post + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding with Content-Length": post + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        "two different Content-Lengths": post + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
        "a list of different lengths": post + b"Content-Length: 5, 6\r\n\r\nabcdef",
        "a negative Content-Length": post + b"Content-Length: -1\r\n\r\n",
        "a signed Content-Length": post + b"Content-Length: +5\r\n\r\nabcde",
        "a huge Content-Length": post + b"Content-Length: 99999999999999999999\r\n\r\n",
        "obsolete line folding": post + b"X-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        "a bare LF": b"GET /healthz HTTP/1.1\nHost: x\n\n",
        "a bare CR in a field": b"GET /healthz HTTP/1.1\r\nHost: x\rX: y\r\n\r\n",
        "space before the colon": b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",
        "no Host": b"GET /healthz HTTP/1.1\r\n\r\n",
        "two Hosts": b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "Transfer-Encoding gzip": post + b"Transfer-Encoding: gzip\r\n\r\n",
        "Transfer-Encoding gzip, chunked": post + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding twice": post + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "chunked in HTTP/1.0": post.replace(b"HTTP/1.1", b"HTTP/1.0") + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "a bad chunk size": post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "HTTP/2.0": b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n",
        "HTTP/1.1 with junk": b"GET /healthz HTTP/1.1x\r\nHost: x\r\n\r\n",
        "a method with a slash": b"G/T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "a NUL in the target": b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n\r\n",
        "a control character in a value": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n",
        "a request line alone": b"GET\r\n\r\n",
        "binary garbage": bytes(range(256)) + b"\r\n\r\n",
    }
    for what, data in framing.items():
        status = status_of(server, data)
        expect(400 <= status < 600 and status != 500, "framing, %s: %d" % (what, status))
    # Smuggling: the bytes after a refused request are never run as a second request.
    smuggle = post + b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    sock = server.connect()
    sock.sendall(smuggle)
    time.sleep(0.5)
    got = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    expect(got.count(b"HTTP/1.1 ") == 1 and b"perfgate_http" not in got, "a smuggled request is never answered")

    def upload(target, data, headers=None):
        hdrs = {"Authorization": "Bearer " + token}
        hdrs.update(headers or {})
        return request(server.port, "POST", target, hdrs, data, timeout=60)[0]

    runs = "/api/v1/projects/proj/runs?commit="
    hostile = {
        "deeply nested JSON": upload(runs + "d" * 40, b"[" * 100000 + b"]" * 100000),
        "deeply nested objects": upload(runs + "d" * 40, b'{"a":' * 50000 + b"1" + b"}" * 50000),
        "a huge number": upload(runs + "d" * 40, body.replace(b'"real_time": 10.0', b'"real_time": 1e999999')),
        "a 5000-digit number": upload(runs + "d" * 40, body.replace(b'"real_time": 10.0', b'"real_time": ' + b"9" * 5000)),
        "invalid UTF-8 in the body": upload(runs + "d" * 40, body.replace(b"BM_0", b"BM_\xff\xfe")),
        "invalid UTF-8 in the project": upload("/api/v1/projects/%ff%fe/runs?commit=" + "d" * 40, body),
        "invalid UTF-8 in the commit": upload(runs + "%ff" * 20, body),
        "a CRLF in the commit": upload(runs + "a%0d%0aSet-Cookie:%20x", body),
        "a NUL in the branch": upload(runs + "d" * 40 + "&branch=a%00b", body),
        "an empty body": upload(runs + "d" * 40, b""),
        "not JSON": upload(runs + "d" * 40, b"\x00\x01\x02 not a results file"),
    }
    for what, status in hostile.items():
        expect(400 <= status < 500, "hostile upload, %s: %d" % (what, status))
    paths = ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%252e%252e/etc/passwd",
             "/assets/../../../etc/passwd", "/..\\..\\etc\\passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
             "//etc/passwd", "/assets/%00.js", "/%c0%ae%c0%ae/etc/passwd", "/api/v1/projects/..%2f..%2f/series"]
    for path in paths:
        status, _, text, _ = request(server.port, "GET", path)
        expect(400 <= status < 500 or (status == 200 and b"root:" not in text),
               "traversal %s: %d, no /etc/passwd" % (path, status))
        expect(b"root:x:" not in text, "traversal %s never serves /etc/passwd" % path)
    status, headers, _, _ = request(server.port, "GET", "/api/v1/projects?x=a%0d%0aX-Injected:%20yes")
    expect("x-injected" not in headers, "a CRLF in the query never becomes a header")

    # 10,000 benchmarks in one upload: stored (it is valid), in bounded time, never a 5xx.
    start = time.monotonic()
    status = upload(runs + "e" * 40, gbench(10000))
    seconds = time.monotonic() - start
    expect(status in (200, 201) or 400 <= status < 500, "a 10,000-benchmark upload: %d in %.2f s" % (status, seconds))
    expect(healthy(server), "healthy after the hostile matrix")

checks.exit()
