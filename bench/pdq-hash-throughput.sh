#!/usr/bin/env bash
# Whole-process PDQ throughput: `./turntide hash` over N generated 1024x768 JPEGs (default 200).
# Optionally times another hasher on the same files for comparison: set COMPARE_WITH to a command that
# takes image paths (e.g. a pdq-photo-hasher you built elsewhere); its output is diffed against ours.
# Usage: bench/pdq-hash-throughput.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
dir=$(mktemp -d /tmp/turntide-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
./turntide sample-images --out "$dir" --count "$count" --width 1024 --height 768 >/dev/null 2>&1
./turntide hash "$dir"/sample-000001.jpg >/dev/null   # build and warm the file cache outside the timing
runs=5
best=""
for i in $(seq $runs); do
  start=$(date +%s.%N)
  ./turntide hash "$dir" > "$dir/turntide.out"
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
done
printf 'turntide hash: %d JPEGs 1024x768, best of %d runs: %.3f s, %.1f images/s\n' "$count" "$runs" "$best" "$(awk -v n="$count" -v t="$best" 'BEGIN { print n / t }')"
if [ -n "${COMPARE_WITH:-}" ]; then
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  $COMPARE_WITH "$dir"/*.jpg > "$dir/other.out"
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  printf '%s: %.3f s, %.1f images/s\n' "$COMPARE_WITH" "$t" "$(awk -v n="$count" -v t="$t" 'BEGIN { print n / t }')"
  if diff <(sort "$dir/other.out") <(sort "$dir/turntide.out") >/dev/null; then
    echo "outputs identical"
  else
    echo "outputs DIFFER"; exit 1
  fi
fi
