#!/usr/bin/env bash
# Bank import and export figures over real HTTP (never in the tests):
#   1. import of an N-line CSV file (distinct PDQ hashes, one label, a note) into an empty bank: lines/s;
#   2. the same file again: every line a duplicate, nothing written;
#   3. export of the bank as CSV and as JSON Lines.
# Usage: bench/transfer/run.sh [sqlite|postgres] [N]. Defaults: sqlite 100000.
# It builds the CLI and the server in Release, starts a hub on 127.0.0.1 (and, for postgres, a throw-away
# PostgreSQL 15 cluster as the tests do), and stops everything on exit. The machine is shared: figures are noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-sqlite}
count=${2:-100000}
port=5191
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
work=$(mktemp -d /tmp/turntide-transfer-bench.XXXXXX)
pgdir=$(mktemp -d /tmp/turntide-transfer-bench-pg.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  scripts/test-postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

dotnet build src/Turntide.Cli -c Release -o "$work/cli" --nologo -v q >/dev/null
turntide() { dotnet "$work/cli/turntide.dll" "$@"; }

export Turntide__DataDirectory="$work/data"
if [ "$provider" = postgres ]; then
  export Turntide__DatabaseProvider=postgres
  connection=$(scripts/test-postgres.sh start "$pgdir" 25491)
  export Turntide__ConnectionString="${connection/Database=postgres/Database=bench}"
  psql "host=127.0.0.1 port=25491 user=postgres" -qc "CREATE DATABASE bench" >/dev/null
fi
turntide admin create-org --name "Bench Platform" --kind platform >/dev/null
turntide admin create-key --name bench --org "Bench Platform" --role analyst | tail -n 1 >"$work/key"
chmod 600 "$work/key"

# N distinct PDQ hashes from a fixed seed, with a label and a note, as a partner's export would hold them.
python3 - "$count" >"$work/bank.csv" <<'PY'
import random, sys
rng = random.Random(20261130)
print("signal_type,signal,labels,note", end="\r\n")
for i in range(int(sys.argv[1])):
    print(f"pdq,{rng.getrandbits(256):064x},severity:crisis,partner item {i}", end="\r\n")
PY
printf 'file: %d lines, %.1f MiB\n' "$count" "$(echo "$(stat -c %s "$work/bank.csv") / 1048576" | bc -l)"

export Turntide__ApiKeyRequestsPerSecond=1000000 Turntide__ApiKeyBurst=1000000
# exec: the pid is the server's own, so the clean-up stops the server and not only a subshell.
(exec dotnet "$work/cli/turntide.dll" serve --role hub --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1) &
server_pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$work/key")" -H 'Content-Type: application/json' \
  -d '{"name":"BENCH"}' "http://127.0.0.1:$port/api/v1/banks"

# CPU seconds the server process has used (user + system), which other work on a shared machine does not inflate.
ticks=$(getconf CLK_TCK)
server_cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$server_pid/stat"; }
timed() { # label, command...: prints the wall time of the command and the server's CPU time during it
  local label=$1; shift
  local start end cpu0 cpu1
  cpu0=$(server_cpu)
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  cpu1=$(server_cpu)
  local seconds; seconds=$(echo "$end - $start" | bc)
  printf '%s: %.2f s wall, %.0f lines/s; server CPU %.2f s (%.0f lines per CPU second)\n' "$label" "$seconds" \
    "$(echo "$count / $seconds" | bc -l)" "$(echo "$cpu1 - $cpu0" | bc)" "$(echo "$count / ($cpu1 - $cpu0 + 0.001)" | bc -l)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
common=(--server "http://127.0.0.1:$port" --api-key-file "$work/key")
timed "import ($provider, $count new)" turntide bank import "$work/bank.csv" --bank BENCH --quiet "${common[@]}" >"$work/import1.txt"
cat "$work/import1.txt"
timed "import again ($provider, $count duplicates)" turntide bank import "$work/bank.csv" --bank BENCH --quiet "${common[@]}" >"$work/import2.txt"
cat "$work/import2.txt"
timed "export csv ($provider)" turntide bank export --bank BENCH --format csv --output "$work/out.csv" "${common[@]}"
timed "export jsonl ($provider)" turntide bank export --bank BENCH --format jsonl --output "$work/out.jsonl" "${common[@]}"
printf 'exported: %d csv lines (with header), %d jsonl lines\n' "$(wc -l <"$work/out.csv")" "$(wc -l <"$work/out.jsonl")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
