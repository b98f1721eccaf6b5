#!/usr/bin/env bash
# Set-up, then every test. The last line is the total: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
# The data tests run on SQLite and on a throw-away PostgreSQL 15 cluster, stopped again on exit.
pgdir=$(mktemp -d /tmp/turntide-pg.XXXXXX)
trap 'scripts/test-postgres.sh stop "$pgdir"; rm -rf "$results"' EXIT
pgport=${TURNTIDE_TEST_PGPORT:-$((20000 + RANDOM % 20000))}
if ! TURNTIDE_TEST_POSTGRES=$(scripts/test-postgres.sh start "$pgdir" "$pgport"); then
  echo "could not start the test PostgreSQL cluster"
  echo "0 passed, 1 failed"
  exit 1
fi
export TURNTIDE_TEST_POSTGRES
if ! dotnet build Turntide.slnx -c Release --nologo --verbosity quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet test Turntide.slnx -c Release --no-build --nologo --logger "trx" --results-directory "$results" 2>&1 \
  | grep -vE '^\s*$'
status=${PIPESTATUS[0]}

# Sum the counters of every test assembly's .trx report.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx" | head -n 1)
  for field in passed failed error timeout; do
    n=$(printf '%s' "$counters" | grep -o " $field=\"[0-9]*\"" | grep -o '[0-9]*' || true)
    n=${n:-0}
    if [ "$field" = passed ]; then passed=$((passed + n)); else failed=$((failed + n)); fi
  done
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
