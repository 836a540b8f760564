#!/usr/bin/env bash
# Dashboard benchmark (issues #5 and #8), not a test: for 100k and 1M irradiation events (10M with --full) on SQLite
# and PostgreSQL, the server-side time of every DashboardRepository/OverviewRepository query the pages run
# (`dosewatch bench-dashboards`) and the time until the Overview and CT pages have drawn their charts in headless
# Debian Chromium (scripts/bench_page_draw.mjs), against the Release web app started on that database.
# Data: `dosewatch demo --into` (bulk mode: base history through the extractor and repositories, then doubled in SQL).
# Usage: bash scripts/bench-dashboards.sh [--quick] [--full]   (--quick: 100k and 1M, 1 page run; --full adds 10M)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="100000 1000000"; PAGE_RUNS=3; QUERY_RUNS=5
for a in "$@"; do case $a in --quick) PAGE_RUNS=1; QUERY_RUNS=3 ;; --full) SIZES="$SIZES 10000000" ;; esac; done
WORK=$(mktemp -d /tmp/dw-bench-dash.XXXXXX)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
CLI="dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll"
echo "machine: $(machine_facts)"
start_postgres
BENCH_PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"   # the pages need a signed-in user

# Base studies so that base x 2^k lands near the size (about 2.5 events per demo study).
base_for() { case $1 in 100000) echo 2500 ;; 1000000) echo 3125 ;; *) echo 3906 ;; esac; }

for size in $SIZES; do
  for engine in sqlite postgresql; do
    if [ $engine = sqlite ]; then db="sqlite:$WORK/d$size.db"; conn=(--DoseWatch:Database:ConnectionString="Data Source=$WORK/d$size.db")
    else cs=$(new_pg_database "d$size"); db="postgresql:$cs"; conn=(--DoseWatch:Database:Provider=PostgreSql --DoseWatch:Database:ConnectionString="$cs"); fi
    start=$(date +%s)
    made=$($CLI demo --studies "$(base_for $size)" --seed 8 --into "$db" --events "$size" | grep '^demo:' | tail -1)
    echo "### $engine, target $size events: $made (generated in $(( $(date +%s) - start )) s)"
    echo "| query | median ms | slowest ms |"; echo "|---|---:|---:|"
    $CLI bench-dashboards --db "$db" --runs "$QUERY_RUNS"
    http=$(free_port); dicom=$(free_port); mkdir -p "$WORK/app-$engine-$size"
    start_web "$WORK/app-$engine-$size" "$http" "$dicom" "${conn[@]}" \
      --DoseWatch:Auth:InitialAdministrator:UserName=bench --DoseWatch:Auth:InitialAdministrator:Password="$BENCH_PASSWORD"
    echo; echo "| page (charts) | first load ms | median ms | slowest ms |"; echo "|---|---:|---:|---:|"
    node --experimental-websocket --no-warnings scripts/bench_page_draw.mjs "http://127.0.0.1:$http" "$PAGE_RUNS" bench "$BENCH_PASSWORD"
    stop_pid "$WEB_PID"; echo
    [ $engine = sqlite ] && rm -f "$WORK/d$size.db"*
  done
done
