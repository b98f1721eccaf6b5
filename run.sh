#!/usr/bin/env bash
# Set-up, then the main job: draws a folder of sample pictures and hashes it with PDQ.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
samples=data/samples
if [ ! -d "$samples" ]; then
  ./turntide sample-images --out "$samples" --count 20
fi
echo "PDQ hashes of $samples (hash,quality,path):" >&2
./turntide hash "$samples"
