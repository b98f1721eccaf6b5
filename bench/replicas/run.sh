#!/usr/bin/env bash
# Replica figure: two `turntide serve` processes on one database; an item added through A, the time until B
# matches it (B's catalog follower reads the audit log every Turntide__CatalogFollowMilliseconds, default 250).
# Usage: bench/replicas/run.sh [postgres|sqlite] [adds]. Defaults: postgres 200.
# For postgres it starts a throw-away cluster like the tests do. Everything runs on 127.0.0.1 and stops by itself;
# the machine is shared, so figures are noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-postgres}
adds=${2:-200}
# Random ports: a fixed one may be taken by another server on this machine, and answer in its place.
port_a=$((30000 + RANDOM % 10000))
port_b=$((40000 + RANDOM % 10000))
work=$(mktemp -d /tmp/turntide-replicas.XXXXXX)
pgdir=$(mktemp -d /tmp/turntide-replicas-pg.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  scripts/test-postgres.sh stop "$pgdir" || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build bench/Turntide.ServerBench -c Release -o "$work/bench" --nologo -v q >/dev/null
dotnet build src/Turntide.Cli -c Release -o "$work/cli" --nologo -v q >/dev/null

export Turntide__DataDirectory="$work/data"
if [ "$provider" = postgres ]; then
  export Turntide__DatabaseProvider=postgres
  connection=$(scripts/test-postgres.sh start "$pgdir" 25491)
  export Turntide__ConnectionString="${connection/Database=postgres/Database=bench}"
  psql "host=127.0.0.1 port=25491 user=postgres" -qc "CREATE DATABASE bench" >/dev/null
fi
# A bank with a thousand items, a forum and an analyst key (the database migrated before either replica starts).
key=$(dotnet "$work/bench/Turntide.ServerBench.dll" seed --count 1000 | tail -n 1)
export Turntide__ApiKeyRequestsPerSecond=1000000 Turntide__ApiKeyBurst=1000000

for port in $port_a $port_b; do
  ! curl -s -o /dev/null "http://127.0.0.1:$port" || { echo "port $port is taken; run again" >&2; exit 1; }
  dotnet "$work/cli/turntide.dll" serve --urls "http://127.0.0.1:$port" --role both >"$work/serve-$port.log" 2>&1 &
  pids+=($!)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/serve-$port.log" >&2; exit 1; }
    sleep 0.05
  done
done
echo "$provider, follower every ${Turntide__CatalogFollowMilliseconds:-250} ms:"
python3 bench/replicas/measure.py "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" "$key" "$adds"
