#!/usr/bin/env python3
"""Stores the repository's perfgate.json on a perfgate server:
PUT {server}/api/v1/projects/{project}/config with the project token, so the
server's overview judges budgets and picks the baseline branch as the gate does.

Usage: upload_config.py --server URL --project P --config FILE
The token comes from PERFGATE_TOKEN and is never printed.

Never fails the job: a server without the route (404 or 405, a perfgate older
than the route) is a notice, any other failure a ::warning::. Exits 0 then, and 2
only for a usage error (a config that cannot be read).
"""
import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    try:
        with open(args.config, "rb") as handle:
            body = handle.read()
    except OSError as error:
        print(f"::error::perfgate: cannot read {args.config}: {error.strerror}")
        return 2
    url = args.server.rstrip("/") + "/api/v1/projects/" + urllib.parse.quote(args.project, safe="") + "/config"
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/json", "User-Agent": "perfgate-action"})
    token = os.environ.get("PERFGATE_TOKEN", "")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            print(f"perfgate: stored {args.config} on the server as the project's config (HTTP {response.status})")
    except urllib.error.HTTPError as error:
        if error.code in (404, 405):
            print(f"perfgate: the server does not store project configs (HTTP {error.code}, an older perfgate); "
                  f"{args.config} not uploaded")
        else:
            detail = error.read(2000).decode("utf-8", "replace")
            if token:
                detail = detail.replace(token, "***")
            print(f"::warning::perfgate: the server refused {args.config} (HTTP {error.code}) {detail}".rstrip())
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        print(f"::warning::perfgate: could not store {args.config} on the server: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
