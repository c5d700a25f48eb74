"""Connection floods against a real `perfgate serve` on loopback: 1,000 idle,
keep-alive, half-sent-header or slowloris connections must not delay a fresh
client's /healthz past 1 s. Usage: flood_test.py PERFGATE [kind ...]
Prints one line per flood with the slowest probe; exits 1 when any is >= 1 s."""

import socket
import sys
import time

from serve import Serve, request

COUNT = 1000
PROBE_LIMIT = 1.0


def open_flood(server, kind, count):
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.setblocking(False)
        if kind == "keepalive":
            sock.setblocking(True)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            got = b""
            while b"\r\n\r\n" not in got or not got.endswith(b"}"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                got += chunk
            sock.setblocking(False)
        elif kind in ("halfsent", "slowloris"):
            sock.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    return socks


def probe(server, timeout):
    try:
        status, _, _, seconds = request(server.port, "GET", "/healthz", timeout=timeout)
        return seconds if status == 200 else float("inf")
    except OSError:
        return float("inf")


def flood(perfgate, kind, extra_args):
    with Serve(perfgate, extra_args) as server:
        started = time.monotonic()
        socks = open_flood(server, kind, COUNT)
        opened = time.monotonic() - started
        worst = 0.0
        for round_number in range(6):
            if kind == "slowloris":
                for index, sock in enumerate(socks):
                    try:
                        sock.send(b"X-Slow-%d: %d\r\n" % (round_number, index))
                    except OSError:
                        pass
            worst = max(worst, probe(server, timeout=20))
            time.sleep(0.5)
        alive = server.proc.poll() is None
        for sock in socks:
            sock.close()
        print("flood %-9s %d connections (opened in %.1f s): slowest probe %.3f s, server %s"
              % (kind, COUNT, opened, worst, "alive" if alive else "DEAD"))
        return worst < PROBE_LIMIT and alive


def main():
    perfgate = sys.argv[1]
    kinds = sys.argv[2:] or ["idle", "keepalive", "halfsent", "slowloris"]
    # The flood comes from one address, as does the probe: lift the per-address
    # cap so this measures the event loop, not the cap (tested on its own).
    extra = ["--max-connections-per-address", "5000"] if "--no-extra" not in kinds else []
    kinds = [k for k in kinds if k != "--no-extra"]
    ok = all([flood(perfgate, kind, extra) for kind in kinds])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
