#!/usr/bin/env bash
# Exchange sync figures, with a hub and a node as real `turntide serve` processes on loopback:
#   1. full resync: a new node copies N signals (default 1,000,000 PDQ items) from the hub's snapshot;
#   2. latency: contribution at the hub -> matchable at the node, push on, polling every 300 s (p50/p99);
#   3. incremental sync: M contributions made while the node is stopped, then fetched through the feed.
# The hub's bank is seeded with plain SQL (sqlite3), not a million HTTP calls.
# Usage: bench/exchange/run.sh [N] [LATENCY_SAMPLES] [M]      e.g. bench/exchange/run.sh 100000
# Not a test: figures vary with the machine and its load (printed at the end).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N=${1:-1000000}
SAMPLES=${2:-200}
M=${3:-5000}
work=$(mktemp -d /tmp/turntide-exchange-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v sqlite3 >/dev/null || { echo "run.sh: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 1; }

"$root/turntide" --help >/dev/null   # builds the CLI (Release) when needed
tt="$root/artifacts/cli/turntide"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key() { "$tt" admin create-key --data "$1" --org "$2" --role "$3" | tail -n 1; }
wait_ready() {
  for _ in $(seq 1 1200); do curl -fs "$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "run.sh: $1 did not become ready" >&2; exit 1
}

hub_data=$work/hub; node_data=$work/node
"$tt" admin create-org --data "$hub_data" --name Forum --kind forum >/dev/null
"$tt" admin create-org --data "$hub_data" --name "Platform A" --kind platform >/dev/null
forum_key=$(key "$hub_data" Forum admin)
hub_key=$(key "$hub_data" "Platform A" analyst)
"$tt" admin create-org --data "$node_data" --name "Platform A" --kind platform >/dev/null
node_key=$(key "$node_data" "Platform A" analyst)
hub_port=$(port); node_port=$(port)
hub=http://127.0.0.1:$hub_port; node=http://127.0.0.1:$node_port

"$tt" serve --role hub --urls "$hub" --data "$hub_data" >"$work/hub.log" 2>&1 & pids+=($!)
wait_ready "$hub"
curl -fs -H "Authorization: Bearer $forum_key" -H 'Content-Type: application/json' -d '{"name":"BENCH"}' "$hub/api/v1/banks" >/dev/null

echo "Seeding $N PDQ items into the hub's bank..."
db=$hub_data/turntide.db
bank=$(sqlite3 "$db" "SELECT Id FROM banks WHERE Name = 'BENCH'")
org=$(sqlite3 "$db" "SELECT Id FROM organisations WHERE Name = 'Forum'")
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA busy_timeout = 10000;
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $N)
INSERT INTO bank_contents (Id, BankId, Status, Note, AddedByOrganisationId, AddedBy, AddedAt, UpdatedAt)
SELECT printf('0190B000-0000-7000-8000-%012X', i), '$bank', 'Enabled', '', '$org', 'bench', '2026-11-30 00:00:00', '2026-11-30 00:00:00' FROM seq;
INSERT INTO content_signals (ContentId, SignalType, Value)
SELECT Id, 'pdq', lower(hex(randomblob(32))) FROM bank_contents WHERE BankId = '$bank';
INSERT INTO content_labels (ContentId, Label) SELECT Id, 'severity:crisis' FROM bank_contents WHERE BankId = '$bank';
COMMIT;
SQL
printf 'Seeded in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
probe=$(sqlite3 "$db" "SELECT Value FROM content_signals ORDER BY Id DESC LIMIT 1")

export BENCH_HUB=$hub BENCH_NODE=$node BENCH_HUB_KEY=$hub_key BENCH_NODE_KEY=$node_key BENCH_PROBE=$probe
start_node() {
  Turntide__Hub__Url=$hub Turntide__Hub__ApiKey=$hub_key Turntide__Hub__PollSeconds=300 \
    "$tt" serve --role node --urls "$node" --data "$node_data" >>"$work/node.log" 2>&1 & pids+=($!)
  node_pid=$!
}

echo "== Full resync of $N signals (new node, snapshot) =="
start=$(date +%s.%N)
start_node
python3 "$root/bench/exchange/probe.py" wait-match "$probe" 600
end=$(date +%s.%N)
grep -o 'Resync from the hub[^"]*' "$work/node.log" | sed 's/^/  node log: /' | tail -n 3
printf 'Node start to first match of the last seeded item: %.1f s (includes process start)\n' "$(echo "$end - $start" | bc)"

echo "== Latency: contribution at the hub -> matchable at the node ($SAMPLES samples, push on, poll 300 s) =="
python3 "$root/bench/exchange/probe.py" latency "$SAMPLES"

echo "== Incremental sync: $M contributions made while the node is stopped =="
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
last=$(python3 "$root/bench/exchange/probe.py" contribute "$M")
start_node
wait_ready "$node"
start=$(date +%s.%N)
python3 "$root/bench/exchange/probe.py" wait-match-md5 "$last" 600
end=$(date +%s.%N)
elapsed=$(echo "$end - $start" | bc)
printf 'Caught up on %d updates in %.2f s after the node was ready: %.0f updates/s\n' "$M" "$elapsed" "$(echo "$M / $elapsed" | bc -l)"

echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
