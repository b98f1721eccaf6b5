#!/usr/bin/env bash
# Resident memory of a node under a burst of small PNGs that each declare a huge image (8192x8192 by default, within
# MaxImagePixels): before the burst, at its peak, and after it, with the answers counted by status (503 is the
# decoding budget refusing, with Retry-After). Usage: bench/decoding/run.sh [parallel] [requests] [side].
# Defaults: 18 parallel, 90 requests, 8192. It builds the CLI in Release, starts a node on 127.0.0.1 and stops it on
# exit. The machine is shared: figures are noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."
parallel=${1:-18}
requests=${2:-90}
side=${3:-8192}
port=5193
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
work=$(mktemp -d /tmp/turntide-decoding-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Turntide.Cli -c Release -o "$work/cli" --nologo -v q >/dev/null
turntide() { dotnet "$work/cli/turntide.dll" "$@"; }
export Turntide__DataDirectory="$work/data"
turntide admin create-org --name "Bench Platform" --kind platform >/dev/null
turntide admin create-key --name bench --org "Bench Platform" --role moderator | tail -n 1 >"$work/key"
chmod 600 "$work/key"

# A grey PNG of side x side: every row is a filter byte and zeros, so the file is small and the image huge.
python3 - "$side" >"$work/huge.png" <<'PY'
import struct, sys, zlib
side = int(sys.argv[1])
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
raw = (b"\0" + b"\0" * side) * side
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
sys.stdout.buffer.write(png)
PY
printf 'file: %d bytes declaring %dx%d\n' "$(stat -c %s "$work/huge.png")" "$side" "$side"

export Turntide__ApiKeyRequestsPerSecond=1000000 Turntide__ApiKeyBurst=1000000
(exec dotnet "$work/cli/turntide.dll" serve --role node --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1) &
server_pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
hwm() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
key=$(cat "$work/key")
# One warm-up request, so "before" includes what any first request loads.
curl -s -o /dev/null -H "Authorization: Bearer $key" -F "file=@$work/huge.png" "http://127.0.0.1:$port/api/v1/hash"
echo "rss before the burst: $(rss) MB"
start=$(date +%s.%N)
seq "$requests" | xargs -P "$parallel" -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $key" \
  -F "file=@$work/huge.png" "http://127.0.0.1:$port/api/v1/hash" | sort | uniq -c | sed 's/^/answers: /'
end=$(date +%s.%N)
printf 'burst: %d requests, %d parallel, %.1f s\n' "$requests" "$parallel" "$(echo "$end - $start" | bc -l)"
echo "rss peak (VmHWM): $(hwm) MB; right after the burst: $(rss) MB"
sleep 15
echo "rss 15 s after the burst: $(rss) MB"
grep -c "OutOfMemory" "$work/server.log" | sed 's/^/OutOfMemory lines in the log: /' || true
