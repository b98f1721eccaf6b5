#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests.
#   scripts/test-postgres.sh start DIR PORT   prints the connection string on stdout
#   scripts/test-postgres.sh stop DIR
# initdb refuses to run as root, so as root the cluster belongs to the postgres user. It listens on
# 127.0.0.1 only, trusts local connections (it holds nothing but test data) and runs without fsync.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:?start or stop}
dir=${2:?folder for the cluster}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?port}
    if [ ! -x "$bin/initdb" ]; then
      echo "test-postgres: PostgreSQL 15 server binaries not found in $bin (Debian package postgresql-15)." >&2
      exit 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      -l "$dir/log" start >/dev/null \
      || { cat "$dir/log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
