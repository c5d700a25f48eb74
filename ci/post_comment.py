#!/usr/bin/env python3
"""Creates or updates perfgate's comment on a pull request.

The comment is found again by the hidden marker on its first line
(<!-- perfgate:comment project=NAME -->), so each run updates the same comment
instead of adding a new one. Talks to GitHub's REST API (issues comments):

  GET   {api}/repos/{owner}/{repo}/issues/{number}/comments?per_page=100&page=N
  POST  {api}/repos/{owner}/{repo}/issues/{number}/comments       {"body": ...}
  PATCH {api}/repos/{owner}/{repo}/issues/comments/{comment_id}   {"body": ...}

Usage: post_comment.py --body-file comment.md --pr N [--repo owner/name] [--api URL]
                       [--update-only] [--url-file FILE]
--repo and --api default to GITHUB_REPOSITORY and GITHUB_API_URL (GitHub
Enterprise sets the latter); the token comes from GITHUB_TOKEN and is never
printed. The pull request number comes from the caller (the step asks
`perfgate github-context`, which reads the event). --update-only changes an
existing comment but creates none. --url-file receives the comment's html_url
(empty when there is none).

Server errors (5xx), 429 and GitHub's secondary rate limits (403 with
Retry-After or "secondary rate limit") are retried with backoff: Retry-After
when given (at most PERFGATE_GITHUB_MAX_WAIT seconds, default 60), else
PERFGATE_GITHUB_BACKOFF seconds (default 2) doubled per attempt, up to
PERFGATE_GITHUB_ATTEMPTS attempts (default 5).

Exit 0 on success, 2 on bad input, 3 when GitHub cannot be reached or refuses.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

MARKER = re.compile(r"<!-- perfgate:comment[^>]*-->")
GITHUB_BODY_LIMIT = 65536


def fail(code, message):
    print(f"post_comment: {message}", file=sys.stderr)
    sys.exit(code)


def env_number(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        fail(2, f"{name}={os.environ[name]!r}: expected a number")


class GitHub:
    def __init__(self, api, token):
        self.api = api.rstrip("/")
        self.token = token
        self.attempts = max(1, int(env_number("PERFGATE_GITHUB_ATTEMPTS", 5)))
        self.backoff = env_number("PERFGATE_GITHUB_BACKOFF", 2)
        self.max_wait = env_number("PERFGATE_GITHUB_MAX_WAIT", 60)

    def _retry_after(self, error, body, attempt):
        """Seconds to wait before retrying `error`, or None when it is final."""
        status = error.code
        headers = error.headers or {}
        retry_after = headers.get("Retry-After")
        secondary = status == 403 and (retry_after is not None or b"secondary rate limit" in body.lower())
        primary = status in (403, 429) and headers.get("X-RateLimit-Remaining") == "0"
        if not (status >= 500 or status == 429 or secondary or primary):
            return None
        if retry_after is not None and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_wait)
        if primary and (headers.get("X-RateLimit-Reset") or "").isdigit():
            return min(max(0.0, float(headers["X-RateLimit-Reset"]) - time.time()), self.max_wait)
        return min(self.backoff * (2 ** attempt), self.max_wait)

    def request(self, method, url, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        for attempt in range(self.attempts):
            req = urllib.request.Request(url, data=data, method=method)
            req.add_header("Accept", "application/vnd.github+json")
            req.add_header("X-GitHub-Api-Version", "2022-11-28")
            req.add_header("User-Agent", "perfgate")
            if self.token:
                req.add_header("Authorization", f"Bearer {self.token}")
            if data is not None:
                req.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(req, timeout=30) as response:
                    return json.loads(response.read() or b"null"), response.headers
            except urllib.error.HTTPError as error:
                body = error.read()[:300]
                wait = self._retry_after(error, body, attempt)
                what = f"{method} {url}: HTTP {error.code}: {self.redact(body.decode(errors='replace'))}"
                if wait is None or attempt + 1 == self.attempts:
                    fail(3, what)
            except (urllib.error.URLError, OSError) as error:
                what = f"{method} {url}: {self.redact(str(error))}"
                if attempt + 1 == self.attempts:
                    fail(3, what)
                wait = min(self.backoff * (2 ** attempt), self.max_wait)
            print(f"post_comment: {what}; retrying in {wait:g} s ({attempt + 2}/{self.attempts})", file=sys.stderr)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def redact(self, text):
        return text.replace(self.token, "***") if self.token else text


def next_page(headers):
    link = headers.get("Link", "")
    match = re.search(r'<([^>]+)>;\s*rel="next"', link)
    return match.group(1) if match else None


def find_comment(github, repo, number, marker):
    url = f"{github.api}/repos/{repo}/issues/{number}/comments?per_page=100"
    pages = 0
    while url and pages < 50:
        comments, headers = github.request("GET", url)
        if not isinstance(comments, list):
            fail(3, f"GET {url}: expected a list of comments")
        for comment in comments:
            if marker in (comment.get("body") or ""):
                return comment
        url = next_page(headers)
        pages += 1
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--body-file", required=True)
    parser.add_argument("--pr", type=int, required=True)
    parser.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY", ""))
    parser.add_argument("--api", default=os.environ.get("GITHUB_API_URL") or "https://api.github.com")
    parser.add_argument("--update-only", action="store_true")
    parser.add_argument("--url-file")
    args = parser.parse_args()

    try:
        body = open(args.body_file, encoding="utf-8").read()
    except OSError as error:
        fail(2, f"--body-file {args.body_file}: {error}")
    found = MARKER.search(body)
    if not found:
        fail(2, f"--body-file {args.body_file}: no <!-- perfgate:comment ... --> marker in it")
    if len(body) > GITHUB_BODY_LIMIT:
        fail(2, f"--body-file {args.body_file}: {len(body)} characters, over GitHub's {GITHUB_BODY_LIMIT}")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repo):
        fail(2, f"--repo {args.repo!r}: expected owner/name")

    github = GitHub(args.api, os.environ.get("GITHUB_TOKEN", ""))
    number = args.pr
    existing = find_comment(github, args.repo, number, found.group(0))
    url = ""
    if existing is None and args.update_only:
        print(f"post_comment: no perfgate comment on #{number} to update; none created")
    elif existing is None:
        created, _ = github.request("POST", f"{github.api}/repos/{args.repo}/issues/{number}/comments", {"body": body})
        url = (created or {}).get("html_url") or ""
        print(f"post_comment: created comment {(created or {}).get('id')} on #{number}")
    else:
        updated, _ = github.request("PATCH", f"{github.api}/repos/{args.repo}/issues/comments/{existing['id']}",
                                    {"body": body})
        url = (updated or {}).get("html_url") or existing.get("html_url") or ""
        print(f"post_comment: updated comment {existing['id']} on #{number}")
    if args.url_file:
        with open(args.url_file, "w", encoding="utf-8") as url_file:
            url_file.write(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
