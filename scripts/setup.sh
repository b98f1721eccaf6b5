#!/usr/bin/env bash
# Set-up shared by run.sh and test.sh: checks the .NET SDK, installs the Debian packages the project
# needs (only those missing), and restores NuGet packages. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)." >&2
  exit 1
fi

# Debian packages beyond the SDK:
# - libturbojpeg0: the fast JPEG path (the same libjpeg-turbo the reference PDQ decoder uses);
# - ghostscript (ps2pdf) and fonts-dejavu-core make the test PDFs of the text-digest tests: a second,
#   real-world PDF producer, and a font with non-Latin scripts to embed;
# - chromium for the browser tests (driven by Playwright, never downloaded by it), postgresql-15 for the
#   data tests on PostgreSQL, wrk for the server benchmarks;
# - ffmpeg: decodes videos for vPDQ (the ffmpeg and ffprobe programs).
DEBIAN_PACKAGES=(libturbojpeg0 ghostscript fonts-dejavu-core chromium postgresql-15 wrk sqlite3 ffmpeg)
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
