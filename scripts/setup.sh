#!/usr/bin/env bash
# Set-up shared by run.sh and test.sh: checks the .NET SDK, installs the Debian packages the project
# needs (only those missing), and restores NuGet packages. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)." >&2
  exit 1
fi

# Debian packages the project needs beyond the SDK; features add theirs here.
# ffmpeg: decodes videos for vPDQ (the ffmpeg and ffprobe programs).
DEBIAN_PACKAGES=(ffmpeg)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet restore Turntide.slnx --verbosity quiet >/dev/null
