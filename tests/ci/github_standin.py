"""A loopback stand-in for the part of GitHub's REST API the perfgate step uses:
issue comments (list with Link-header pagination, create, update), with bearer
token checks. It speaks the real protocol, so ci/post_comment.py runs unchanged
against it and against api.github.com."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class GitHubStandIn:
    def __init__(self, token="test-token"):
        self.token = token
        self.comments = {}  # id -> {"id", "issue", "body"}
        self.requests = []  # (method, path)
        self._next_id = 1000
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload, headers=None):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _authorized(self):
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    self._send(401, {"message": "Bad credentials"})
                    return False
                return True

            def _body(self):
                length = int(self.headers.get("Content-Length", "0"))
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self):
                standin.requests.append(("GET", self.path))
                if not self._authorized():
                    return
                match = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments(\?.*)?", self.path)
                if not match:
                    return self._send(404, {"message": "Not Found"})
                query = dict(re.findall(r"[?&](\w+)=(\d+)", match.group(3) or ""))
                per_page = min(int(query.get("per_page", 30)), 100)
                page = int(query.get("page", 1))
                with standin._lock:
                    mine = [c for c in standin.comments.values() if c["issue"] == int(match.group(2))]
                chunk = mine[(page - 1) * per_page : page * per_page]
                headers = {}
                if page * per_page < len(mine):
                    base = f"http://{self.headers['Host']}/repos/{match.group(1)}/issues/{match.group(2)}/comments"
                    headers["Link"] = f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'
                self._send(200, [{"id": c["id"], "body": c["body"]} for c in chunk], headers)

            def do_POST(self):
                standin.requests.append(("POST", self.path))
                if not self._authorized():
                    return
                match = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", self.path)
                if not match:
                    return self._send(404, {"message": "Not Found"})
                body = self._body().get("body")
                if not isinstance(body, str):
                    return self._send(422, {"message": "body is required"})
                with standin._lock:
                    comment = {"id": standin._next_id, "issue": int(match.group(2)), "body": body}
                    standin.comments[comment["id"]] = comment
                    standin._next_id += 1
                self._send(201, {"id": comment["id"], "body": body})

            def do_PATCH(self):
                standin.requests.append(("PATCH", self.path))
                if not self._authorized():
                    return
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)", self.path)
                with standin._lock:
                    comment = standin.comments.get(int(match.group(1))) if match else None
                    if comment is None:
                        return self._send(404, {"message": "Not Found"})
                    comment["body"] = self._body().get("body", "")
                self._send(200, {"id": comment["id"], "body": comment["body"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_comment(self, issue, body):
        with self._lock:
            self.comments[self._next_id] = {"id": self._next_id, "issue": issue, "body": body}
            self._next_id += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
