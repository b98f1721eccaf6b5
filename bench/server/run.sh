#!/usr/bin/env bash
# Server figures, measured with wrk on loopback (never in the tests):
#   1. start-up: a database holding N PDQ hashes, server start to /health/ready answering 200;
#   2. GET /api/v1/match with one PDQ hash, N hashes loaded: requests/s and latency percentiles;
#   3. POST /api/v1/match with a 1024x768 JPEG: images/s.
# Usage: bench/server/run.sh [sqlite|postgres] [N] [seconds]. Defaults: sqlite 1000000 15.
# For postgres it starts a throw-away cluster like the tests do. Everything runs on 127.0.0.1 only and stops
# by itself; the machine is shared, so figures are noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-sqlite}
count=${2:-1000000}
seconds=${3:-15}
port=5190
work=$(mktemp -d /tmp/turntide-bench.XXXXXX)
server_pid=""
# Its own folder under /tmp: the postgres user must reach it, and $work is private to root.
pgdir=$(mktemp -d /tmp/turntide-bench-pg.XXXXXX)
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  scripts/test-postgres.sh stop "$pgdir" || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing (Debian package wrk; scripts/setup.sh installs it)" >&2; exit 1; }

dotnet build bench/Turntide.ServerBench -c Release -o "$work/bench" --nologo -v q >/dev/null
dotnet build src/Turntide.Server -c Release -o "$work/server" --nologo -v q >/dev/null

export Turntide__DataDirectory="$work/data"
if [ "$provider" = postgres ]; then
  export Turntide__DatabaseProvider=postgres
  connection=$(scripts/test-postgres.sh start "$pgdir" 25490)
  export Turntide__ConnectionString="${connection/Database=postgres/Database=bench}"
  psql "host=127.0.0.1 port=25490 user=postgres" -qc "CREATE DATABASE bench" >/dev/null
fi
key=$(dotnet "$work/bench/Turntide.ServerBench.dll" seed --count "$count" | tail -n 1)
dotnet "$work/bench/Turntide.ServerBench.dll" jpeg --out "$work/photo.jpg"

# A high per-key limit: the figure is the server's, not the rate limiter's.
export Turntide__ApiKeyRequestsPerSecond=1000000 Turntide__ApiKeyBurst=1000000
start=$(date +%s.%N)
dotnet "$work/server/Turntide.Server.dll" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done
ready=$(date +%s.%N)
printf 'startup: %s with %d pdq hashes ready in %.2f s\n' "$provider" "$count" "$(echo "$ready - $start" | bc)"

hash=$(printf '%064x' 0 | tr 0 7)
echo "GET /api/v1/match (one pdq hash, $count loaded), wrk -t2 -c32 -d${seconds}s --latency:"
wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $key" \
  "http://127.0.0.1:$port/api/v1/match?signal_type=pdq&signal=$hash" | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"

cat >"$work/post.lua" <<LUA
local f = io.open("$work/photo.jpg", "rb"); local jpeg = f:read("*all"); f:close()
local b = "turntidebenchboundary"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. b
wrk.body = "--" .. b .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" .. jpeg .. "\r\n--" .. b .. "--\r\n"
LUA
echo "POST /api/v1/match (1024x768 JPEG, hash and match), wrk -t2 -c8 -d${seconds}s --latency:"
wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/match" \
  | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"
