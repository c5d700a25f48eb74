#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's postgresql package:
#   scripts/pg-test-cluster.sh start DIR   initdb in DIR, start on a free loopback
#                                          port, write the URL to DIR/url
#   scripts/pg-test-cluster.sh stop DIR    stop it and remove DIR
# initdb refuses to run as root, so as root the cluster belongs to a system
# user made for it (perfgate-pg). Fails loudly when PostgreSQL is missing:
# the PostgreSQL tests must never pass without a server.
set -euo pipefail
action=${1:?usage: pg-test-cluster.sh start|stop DIR}
dir=${2:?usage: pg-test-cluster.sh start|stop DIR}
dir=$(realpath -m "$dir")

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-test-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id perfgate-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin perfgate-pg
  as_owner=(runuser -u perfgate-pg --)
fi

case $action in
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ ${#as_owner[@]} -eq 0 ] || chown perfgate-pg "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U perfgate -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync off: a test cluster needs no durability, and it is thrown away.
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://perfgate@127.0.0.1:$port/postgres" >"$dir/url"
    echo "pg-test-cluster: running at $(cat "$dir/url")"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg-test-cluster: unknown action $action" >&2
    exit 2
    ;;
esac
