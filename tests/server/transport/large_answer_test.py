"""Large cached answers, which the server sends from its body file with
sendfile(2), against the real binary on loopback: the bytes are the computed
answer's (identity, gzip, HEAD, 304, pipelined), a reader that takes them
slowly gets all of them, a client that never reads is closed after
--write-seconds while others are served, and the file's pages are given back
when newer uploads replace the answers. Usage: large_answer_test.py PERFGATE"""

import gzip
import os
import socket
import sys
import threading
import time

from serve import Checks, Serve, create_token, gbench, read_response, request

perfgate = sys.argv[1]
checks = Checks()
expect = checks.expect
LIST = "/api/v1/projects/proj/benchmarks"


def body_file(pid):
    """(allocated bytes, size) of the server's body file, or None."""
    fds = "/proc/%d/fd" % pid
    for name in os.listdir(fds):
        try:
            if "memfd:perfgate-bodies" in os.readlink(os.path.join(fds, name)):
                info = os.stat(os.path.join(fds, name))
                return info.st_blocks * 512, info.st_size
        except OSError:
            pass
    return None


def pipelined(port, target, count, headers="", rcvbuf=None, pause=0.0):
    """`count` GETs of `target` sent at once on one connection; the answers, read
    `pause` seconds apart in 4 kB steps when a pause is given."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    one = ("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (target, headers)).encode()
    sock.sendall(one * count)
    answers = []
    data = b""
    start = time.monotonic()
    while len(answers) < count:
        chunk = sock.recv(4096 if pause else 65536)
        if not chunk:
            break
        data += chunk
        if pause:
            time.sleep(pause)
        while b"\r\n\r\n" in data:
            head, _, rest = data.partition(b"\r\n\r\n")
            length = int([line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")][0])
            if len(rest) < length:
                break
            answers.append((head, rest[:length]))
            data = rest[length:]
    sock.close()
    return answers, time.monotonic() - start


with Serve(perfgate, ["--quiet", "--writes-per-minute", "0", "--write-seconds", "1"]) as server:
    token = create_token(perfgate, server.db, "proj")
    auth = {"Authorization": "Bearer " + token}
    status, _, _, _ = request(server.port, "POST", "/api/v1/projects/proj/runs?branch=main&commit=%040x" % 1, auth,
                              gbench(2000))
    expect(status == 201, "upload of 2,000 benchmarks: 201 (%d)" % status)

    # --- the bytes: computed once, then from the cache (and the body file) ------------
    status, headers, computed, _ = request(server.port, "GET", LIST)
    expect(status == 200 and len(computed) > 64 * 1024, "benchmark list: 200, %d bytes (> 64 kB)" % len(computed))
    status, headers, cached, _ = request(server.port, "GET", LIST)
    expect(cached == computed and int(headers["content-length"]) == len(computed),
           "the cached answer has the computed answer's bytes and length")
    on_file = body_file(server.proc.pid)
    expect(on_file is not None and on_file[1] >= len(computed),
           "the cached answer went into the body file (%r)" % (on_file,))
    status, headers, zipped, _ = request(server.port, "GET", LIST, {"Accept-Encoding": "gzip"})
    expect(headers.get("content-encoding") == "gzip" and gzip.decompress(zipped) == computed,
           "gzip form: decompresses to the same bytes")
    status, headers, zipped_again, _ = request(server.port, "GET", LIST, {"Accept-Encoding": "gzip"})
    expect(zipped_again == zipped, "gzip form from the cache: the same bytes")
    etag = headers["etag"]
    status, headers, empty, _ = request(server.port, "GET", LIST, {"Accept-Encoding": "gzip", "If-None-Match": etag})
    expect(status == 304 and empty == b"", "If-None-Match: 304 without a body (%d)" % status)
    sock = server.connect(timeout=10)
    sock.sendall(("HEAD %s HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" % LIST).encode())
    time.sleep(0.5)
    data = sock.recv(1 << 20)
    sock.close()
    expect(data.startswith(b"HTTP/1.1 200") and data.count(b"HTTP/1.1 200") == 2 and b'"status"' in data and
           b'"benchmarks"' not in data,
           "HEAD: the head with Content-Length, no body, then the next answer on the same connection")

    # 400: the server has a hundred heads at once in one read and answers them one by one.
    answers, seconds = pipelined(server.port, LIST, 400)
    expect(len(answers) == 400 and all(body == computed for _, body in answers),
           "400 pipelined GETs on one connection: 400 whole answers, in order (%d, %.1f s)" % (len(answers), seconds))

    # --- a reader with a 4 kB window, reading 4 kB every 2 ms ------------------------
    answers, seconds = pipelined(server.port, LIST, 3, rcvbuf=4096, pause=0.002)
    expect(len(answers) == 3 and all(body == computed for _, body in answers),
           "a slow reader (4 kB window) gets 3 whole answers in %.1f s" % seconds)

    # --- a client that never reads, beside one that does ------------------------------
    stuck = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect(("127.0.0.1", server.port))
    stuck.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % LIST).encode() * 50)
    time.sleep(0.2)
    status, _, _, seconds = request(server.port, "GET", "/healthz", timeout=5)
    expect(status == 200 and seconds < 1, "healthz answers in %.3f s while a client does not read" % seconds)
    time.sleep(2.5)  # --write-seconds 1: the server gives up on the stuck client
    stuck.settimeout(10)
    received = 0
    closed = False
    try:
        while True:
            chunk = stuck.recv(65536)
            if not chunk:
                closed = True
                break
            received += len(chunk)
    except OSError:
        closed = True  # reset
    stuck.close()
    expect(closed and received < 50 * len(computed),
           "a client that never reads is closed after --write-seconds (%d of %d bytes sent)" %
           (received, 50 * len(computed)))

    # --- the file's pages are given back ---------------------------------------------
    for i in range(2, 32):
        request(server.port, "POST", "/api/v1/projects/proj/runs?branch=main&commit=%040x" % i, auth, gbench(2000, i))
        request(server.port, "GET", LIST)
        request(server.port, "GET", LIST)
    allocated, size = body_file(server.proc.pid)
    print("      body file after 31 versions: %d kB allocated of %d kB written" % (allocated // 1024, size // 1024))
    expect(size >= 31 * len(computed), "each version's answer went through the body file (%d kB)" % (size // 1024))
    expect(allocated <= 4 * (len(computed) + len(zipped)) + 64 * 1024,
           "replaced answers' pages were released: %d kB allocated" % (allocated // 1024))

checks.exit()
