#!/usr/bin/env bash
# Quick start: set-up, then the Turntide server with both roles (hub and node) on http://127.0.0.1:5080,
# SQLite under data/demo, and demo data: a forum, two platforms, an authority, an auditor organisation,
# people in every role and two banks holding the hashes of generated pictures. The demo folder is made
# afresh each run; the sign-ins, a demo API key and example calls are printed once the server starts.
# Ctrl+C stops it. For a server without demo data: ./turntide serve [--urls URL] [--data DIR] [--role R].
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
data=data/demo
url=http://127.0.0.1:5080
rm -rf "$data"
echo "Starting Turntide (hub and node) with demo data at $url ..." >&2
exec ./turntide serve --urls "$url" --data "$data" --role both --demo
