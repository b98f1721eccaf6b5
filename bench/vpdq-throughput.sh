#!/usr/bin/env bash
# vPDQ throughput of `turntide vpdq` at every frame, in frames per second, on 1 and 2 hashing threads.
#
#   bench/vpdq-throughput.sh [--runs N] [--loops K] [--pin] [--reference PATH]
#
# --loops K   hash the 720p sample (doorknob-hd-no-bar.mp4, 120 frames) repeated K times by stream copy
#             (default 10: 1200 frames, so start-up costs weigh little); --loops 1 is the sample itself.
# --runs N    runs per configuration (default 5); the median wall time is reported.
# --pin       run everything on CPU 0 only (taskset), to compare work per core.
# --reference a reference vpdq-hash-video binary (built elsewhere) to run the same way, side by side; its
#             output is compared byte for byte with ours.
# Prints wall-clock frames/s (median) and CPU seconds (user+sys, all processes) per run. Other programs on the
# machine change the figures: the load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5; loops=10; pin=""; reference=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2;;
    --loops) loops=$2; shift 2;;
    --pin) pin="taskset -c 0"; shift;;
    --reference) reference=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
sample=../shared/testdata/vpdq/sample-videos/doorknob-hd-no-bar.mp4
[ -f "$sample" ] || { echo "missing $sample" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
video="$work/input.mp4"
if [ "$loops" -gt 1 ]; then
  ffmpeg -v error -nostdin -stream_loop $((loops - 1)) -i "$sample" -map 0:v -c copy "$video"
else
  cp "$sample" "$video"
fi
./turntide --help >/dev/null                     # build the CLI once, outside the timings
cli=artifacts/cli/turntide
frames=$($cli vpdq --seconds-per-hash 0 --threads 2 "$video" | tee "$work/ours.txt" | wc -l)
echo "input: $sample x $loops = $frames frames (1280x720); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs each command once per round, alternating, so that both see the same background load.
# Arguments: label and command line pairs, as "label" "cmd ..." strings.
measure() {
  local labels=() commands=()
  while [ $# -gt 0 ]; do labels+=("$1"); commands+=("$2"); shift 2; done
  local n=${#labels[@]}
  declare -A walls cpus
  for _ in $(seq "$runs"); do
    for i in $(seq 0 $((n - 1))); do
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %U %S" -o "$work/time" $pin ${commands[$i]} >/dev/null
      read -r wall user sys <"$work/time"
      walls[$i]="${walls[$i]:-} $wall"
      cpus[$i]="${cpus[$i]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    done
  done
  for i in $(seq 0 $((n - 1))); do
    local median
    median=$(printf '%s\n' ${walls[$i]} | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%-26s %6.1f frames/s  (median of %d runs; wall s:%s; cpu s:%s)\n' "${labels[$i]}" \
      "$(awk -v f="$frames" -v m="$median" 'BEGIN { print f / m }')" "$runs" "${walls[$i]}" "${cpus[$i]}"
  done
}

for threads in 1 2; do
  if [ -n "$reference" ]; then
    measure "turntide --threads $threads" "$cli vpdq --seconds-per-hash 0 --threads $threads $video" \
            "reference -t $threads" "$reference -r 0 -t $threads -i $video -o $work/ref.txt"
    cmp -s "$work/ours.txt" "$work/ref.txt" && echo "  (outputs identical)" || echo "  OUTPUTS DIFFER"
  else
    measure "turntide --threads $threads" "$cli vpdq --seconds-per-hash 0 --threads $threads $video"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
