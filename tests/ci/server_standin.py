"""A real `perfgate serve` on loopback behind a small front that can play a
newer or an older server for the project-config route
(PUT/GET /api/v1/projects/{p}/config), so the action's upload of perfgate.json
is tested against every answer a deployed server may give. Every other request
is forwarded to the real server unchanged.

config_route: "real" forwards it too; "store" answers 200 and keeps each PUT's
Authorization and body in `configs`; a number (404, 405, 500) answers that
status, as an older or failing server does.
"""
import http.client
import json
import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG_PATH = re.compile(r"^/api/v1/projects/[^/?]+/config(\?.*)?$")


class PerfgateServerStandIn:
    def __init__(self, perfgate, workdir, config_route="real"):
        self.perfgate, self.workdir, self.config_route = perfgate, workdir, config_route
        self.db = os.path.join(workdir, "server.db")
        self.configs = []   # (authorization, body bytes) of each PUT answered by "store"
        self.requests = []  # (method, path) of every request
        self.process = None

    def token(self, project):
        created = subprocess.run([self.perfgate, "token", "create", "--db", self.db, "--project", project],
                                 capture_output=True, text=True, check=True)
        return created.stdout.strip().splitlines()[-1]

    def __enter__(self):
        os.makedirs(self.workdir, exist_ok=True)
        # The store must exist before tokens are created in it.
        self.token("demo")
        self.process = subprocess.Popen([self.perfgate, "serve", "--db", self.db, "--host", "127.0.0.1", "--port", "0",
                                         "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.process.kill()
            raise AssertionError(f"perfgate serve did not start: {line!r}")
        backend_port = int(match.group(1))
        standin = self

        class Front(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                standin.requests.append((self.command, self.path))
                route = standin.config_route
                if CONFIG_PATH.match(self.path) and route != "real":
                    if route == "store" and self.command == "PUT":
                        standin.configs.append((self.headers.get("Authorization"), body))
                        return self._answer(200, body)
                    status = route if isinstance(route, int) else 405
                    error = {"error": {"code": "not_found" if status == 404 else "refused", "message": f"HTTP {status}"}}
                    return self._answer(status, json.dumps(error).encode())
                backend = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
                backend.request(self.command, self.path, body=body, headers=headers)
                answer = backend.getresponse()
                data = answer.read()
                backend.close()
                self._answer(answer.status, data, answer.getheader("Content-Type") or "application/octet-stream")

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
        self.url = f"http://127.0.0.1:{self.front.server_address[1]}"
        self.thread = threading.Thread(target=self.front.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.front.shutdown()
        self.front.server_close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
