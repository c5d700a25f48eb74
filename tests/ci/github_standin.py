"""A loopback stand-in for the part of GitHub's REST API the perfgate step uses:
issue comments (list with Link-header pagination, create, update), with bearer
token checks. It speaks the real protocol, so ci/post_comment.py runs unchanged
against it and against api.github.com.

`fail_next(count, status, ...)` answers the next `count` requests with an error
instead, as GitHub does under load: a 5xx, or a secondary rate limit (403 with
Retry-After and "You have exceeded a secondary rate limit")."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class GitHubStandIn:
    def __init__(self, token="test-token"):
        self.token = token
        self.comments = {}  # id -> {"id", "issue", "body"}
        self.requests = []  # (method, path)
        self.authorizations = []  # the Authorization header of every request
        self._failures = []  # (status, headers, payload) answered before anything else
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

            def _injected(self, method):
                standin.requests.append((method, self.path))
                standin.authorizations.append(self.headers.get("Authorization", ""))
                with standin._lock:
                    failure = standin._failures.pop(0) if standin._failures else None
                if failure is None:
                    return False
                if method in ("POST", "PATCH"):
                    self._body()
                status, headers, payload = failure
                self._send(status, payload, headers)
                return True

            def _html_url(self, repo, issue, comment_id):
                return f"https://github.com/{repo}/pull/{issue}#issuecomment-{comment_id}"

            def _authorized(self):
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    self._send(401, {"message": "Bad credentials"})
                    return False
                return True

            def _body(self):
                length = int(self.headers.get("Content-Length", "0"))
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self):
                if self._injected("GET") or not self._authorized():
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
                self._send(200, [{"id": c["id"], "body": c["body"],
                                  "html_url": self._html_url(match.group(1), c["issue"], c["id"])} for c in chunk], headers)

            def do_POST(self):
                if self._injected("POST") or not self._authorized():
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
                self._send(201, {"id": comment["id"], "body": body,
                                 "html_url": self._html_url(match.group(1), comment["issue"], comment["id"])})

            def do_PATCH(self):
                if self._injected("PATCH") or not self._authorized():
                    return
                match = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", self.path)
                with standin._lock:
                    comment = standin.comments.get(int(match.group(2))) if match else None
                    if comment is None:
                        return self._send(404, {"message": "Not Found"})
                    comment["body"] = self._body().get("body", "")
                self._send(200, {"id": comment["id"], "body": comment["body"],
                                 "html_url": self._html_url(match.group(1), comment["issue"], comment["id"])})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_comment(self, issue, body):
        with self._lock:
            self.comments[self._next_id] = {"id": self._next_id, "issue": issue, "body": body}
            self._next_id += 1

    def fail_next(self, count, status, retry_after=None, message=None):
        """Answers the next `count` requests with `status` (and Retry-After)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        payload = {"message": message or f"HTTP {status}",
                   "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
        with self._lock:
            self._failures.extend([(status, headers, payload)] * count)

    def secondary_rate_limit(self, count, retry_after=1):
        self.fail_next(count, 403, retry_after,
                       "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
