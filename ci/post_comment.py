#!/usr/bin/env python3
"""Creates or updates perfgate's comment on a pull request.

The comment is found again by the hidden marker on its first line
(<!-- perfgate:comment project=NAME -->), so each run updates the same comment
instead of adding a new one. Talks to GitHub's REST API (issues comments):

  GET   {api}/repos/{owner}/{repo}/issues/{number}/comments?per_page=100&page=N
  POST  {api}/repos/{owner}/{repo}/issues/{number}/comments       {"body": ...}
  PATCH {api}/repos/{owner}/{repo}/issues/comments/{comment_id}   {"body": ...}

Usage: post_comment.py --body-file comment.md [--pr N] [--repo owner/name] [--api URL]
Defaults come from GITHUB_EVENT_PATH, GITHUB_REPOSITORY and GITHUB_API_URL;
the token from GITHUB_TOKEN. Exit 0 on success, 2 on bad input, 3 when GitHub
cannot be reached or refuses.
"""
import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request

MARKER = re.compile(r"<!-- perfgate:comment[^>]*-->")
GITHUB_BODY_LIMIT = 65536


def fail(code, message):
    print(f"post_comment: {message}", file=sys.stderr)
    sys.exit(code)


def request(method, url, token, payload=None):
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    req.add_header("User-Agent", "perfgate")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        fail(3, f"{method} {url}: HTTP {error.code}: {error.read()[:300].decode(errors='replace')}")
    except (urllib.error.URLError, OSError) as error:
        fail(3, f"{method} {url}: {error}")


def next_page(headers):
    link = headers.get("Link", "")
    match = re.search(r'<([^>]+)>;\s*rel="next"', link)
    return match.group(1) if match else None


def find_comment(api, repo, number, token, marker):
    url = f"{api}/repos/{repo}/issues/{number}/comments?per_page=100"
    pages = 0
    while url and pages < 50:
        comments, headers = request("GET", url, token)
        if not isinstance(comments, list):
            fail(3, f"GET {url}: expected a list of comments")
        for comment in comments:
            if marker in (comment.get("body") or ""):
                return comment["id"]
        url = next_page(headers)
        pages += 1
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--body-file", required=True)
    parser.add_argument("--pr", type=int)
    parser.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY", ""))
    parser.add_argument("--api", default=os.environ.get("GITHUB_API_URL", "https://api.github.com"))
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

    number = args.pr
    if number is None:
        event_path = os.environ.get("GITHUB_EVENT_PATH")
        if event_path and os.path.exists(event_path):
            with open(event_path, encoding="utf-8") as event_file:
                event = json.load(event_file)
            number = (event.get("pull_request") or {}).get("number")
    if number is None:
        print("post_comment: not a pull request; nothing to comment on")
        return 0
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repo):
        fail(2, f"--repo {args.repo!r}: expected owner/name")

    token = os.environ.get("GITHUB_TOKEN", "")
    api = args.api.rstrip("/")
    existing = find_comment(api, args.repo, number, token, found.group(0))
    if existing is None:
        created, _ = request("POST", f"{api}/repos/{args.repo}/issues/{number}/comments", token, {"body": body})
        print(f"post_comment: created comment {created.get('id')} on #{number}")
    else:
        request("PATCH", f"{api}/repos/{args.repo}/issues/comments/{existing}", token, {"body": body})
        print(f"post_comment: updated comment {existing} on #{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
