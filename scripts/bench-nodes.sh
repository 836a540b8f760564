#!/usr/bin/env bash
# Scale-out benchmark (issue #8), not a test: extraction throughput of two app nodes sharing one PostgreSQL database
# (tables + Hangfire queue) and one data folder, against one node on the same database server, same load, same run.
# The queue is filled first by a receive-only node (DoseWatch:Jobs:WorkerCount=0) that gets N demo RDSRs from storescu;
# then the worker node(s) start and drain it. Throughput = extracted instances / (last - first extraction time), read
# from the instances table (updated_at of the rows that reached 'extracted'), so start-up time is not counted.
# Usage: bash scripts/bench-nodes.sh [--quick]   (N = 600, --quick 200)
set -euo pipefail
cd "$(dirname "$0")/.."
N=600; [ "${1:-}" = --quick ] && N=200; N=${BENCH_NODES_N:-$N}
export TCP_NODELAY=1
WORK=$(mktemp -d /tmp/dw-bench-nodes.XXXXXX)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
echo "machine: $(machine_facts)"
dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll demo --studies "$N" --seed 11 --out "$WORK/rdsr" | tail -1
start_postgres
psql_q() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -tAq -c "$2"; }

echo "| nodes | workers per node | instances extracted | seconds (first to last extraction) | instances/s |"
echo "|---|---:|---:|---:|---:|"
for nodes in 1 2; do
  db="nodes$nodes"; cs=$(new_pg_database "$db"); shared="$WORK/shared$nodes"; mkdir -p "$shared"
  common=(--DoseWatch:Database:Provider=PostgreSql --DoseWatch:Database:ConnectionString="$cs" --DoseWatch:Jobs:QueuePollInterval=00:00:00.200)
  dicom=$(free_port)
  # A worker node must exist first for the receive-only node to be healthy; it is stopped before the load arrives.
  start_web "$shared" "$(free_port)" "$(free_port)" "${common[@]}"; seed=$WEB_PID
  start_web "$shared" "$(free_port)" "$dicom" "${common[@]}" --DoseWatch:Jobs:WorkerCount=0; receiver=$WEB_PID
  stop_pid "$seed"
  storescu -aec BENCH +sd 127.0.0.1 "$dicom" "$WORK/rdsr" >/dev/null
  stop_pid "$receiver"
  [ "$(psql_q $db "SELECT count(*) FROM instances WHERE status = 'received'")" = "$N" ] || { echo "queue not filled" >&2; exit 1; }
  https=()
  for _ in $(seq "$nodes"); do http=$(free_port); https+=("$http"); launch_web "$shared" "$http" "$(free_port)" "${common[@]}"; done
  for http in "${https[@]}"; do wait_healthy "$http"; done
  for _ in $(seq 1200); do
    left=$(psql_q $db "SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')")
    [ "$left" = 0 ] && break; sleep 0.5
  done
  read -r done span < <(psql_q $db "SELECT count(*), EXTRACT(EPOCH FROM max(updated_at) - min(updated_at)) FROM instances WHERE status = 'extracted'" | tr '|' ' ')
  printf '| %s | %s | %s | %.1f | %.1f |\n' "$nodes" "$(nproc | awk '{print ($1*2 > 2 ? $1*2 : 2)}')" "$done" "$span" "$(echo "($done - 1) / $span" | bc -l)"
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; BENCH_PIDS=()
done
