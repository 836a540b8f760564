#!/usr/bin/env bash
# Dashboard benchmark (issues #5 and #8), not a test: for 100k and 1M irradiation events (10M with --full) on SQLite
# and PostgreSQL, the server-side time of every DashboardRepository/OverviewRepository query the pages run
# (`dosewatch bench-dashboards`) and the time until each dashboard page (Overview, CT, every modality page, study browser) has drawn its charts in headless
# Debian Chromium (scripts/bench_page_draw.mjs), against the Release web app started on that database.
# Data: `dosewatch demo --into` (bulk mode: base history through the extractor and repositories, then doubled in SQL).
# Usage: bash scripts/bench-dashboards.sh [--quick] [--full] [--sizes "N ..."] [--engines "sqlite postgresql"] [--keep DIR [--generate-only]]
#   --quick: 1 page run, 3 query runs; --full adds 10M; --keep DIR keeps the generated databases (SQLite files and a
#   PostgreSQL cluster) in DIR and reuses them on the next run: generating 10M events takes far longer than measuring
#   them, and a kept database is brought up to the build's migrations before it is measured (the time is printed);
#   --generate-only makes the kept databases and measures nothing (prepare a quiet machine's run ahead of time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="100000 1000000"; PAGE_RUNS=3; QUERY_RUNS=5; KEEP=""; ENGINES="sqlite postgresql"; GENERATE_ONLY=""
while [ $# -gt 0 ]; do case $1 in
  --quick) PAGE_RUNS=1; QUERY_RUNS=3 ;; --full) SIZES="$SIZES 10000000" ;;
  --sizes) SIZES=$2; shift ;; --engines) ENGINES=$2; shift ;; --keep) KEEP=$2; shift ;; --generate-only) GENERATE_ONLY=yes ;;
  *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
WORK=$(mktemp -d /tmp/dw-bench-dash.XXXXXX)
DATA=${KEEP:-$WORK}; mkdir -p "$DATA"; DATA=$(cd "$DATA" && pwd)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
CLI="dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll"
echo "machine: $(machine_facts)"
case " $ENGINES " in *" postgresql "*)
  if [ -n "$KEEP" ]; then start_postgres_in "$DATA/pg"; else start_postgres; fi ;; esac
# The pages need a signed-in user: one new administrator per run in each database (a kept database already has the
# users of earlier runs, whose passwords are gone), added with the product's own CLI.
BENCH_USER="bench-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"; BENCH_PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# Base studies so that base x 2^k lands near the size (about 2.5 events per demo study).
base_for() { case $1 in 100000) echo 2500 ;; 1000000) echo 3125 ;; *) echo 3906 ;; esac; }

for size in $SIZES; do
  for engine in $ENGINES; do
    if [ $engine = sqlite ]; then db="sqlite:$DATA/d$size.db"; conn=(--DoseWatch:Database:ConnectionString="Data Source=$DATA/d$size.db")
      kept=$([ -n "$KEEP" ] && [ -f "$DATA/d$size.db.done" ] && echo yes || true)
    else kept=$([ -n "$KEEP" ] && pg_database_exists "d$size" && [ -f "$DATA/$engine-d$size.made" ] && echo yes || true)
      if [ -n "$kept" ]; then cs=$(pg_connection "d$size"); else
        [ -n "$KEEP" ] && pg_database_exists "d$size" && "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "DROP DATABASE d$size"
        cs=$(new_pg_database "d$size"); fi
      db="postgresql:$cs"; conn=(--DoseWatch:Database:Provider=PostgreSql --DoseWatch:Database:ConnectionString="$cs"); fi
    if [ -n "$kept" ]; then
      made="$(cat "$DATA/$engine-d$size.made"), kept from an earlier run in $DATA"
    else
      [ $engine = sqlite ] && rm -f "$DATA/d$size.db"*
      start=$(date +%s)
      made=$($CLI demo --studies "$(base_for $size)" --seed 8 --into "$db" --events "$size" | grep '^demo:' | tail -1)
      made="$made (generated in $(( $(date +%s) - start )) s)"
      echo "$made" > "$DATA/$engine-d$size.made"; [ $engine = sqlite ] && touch "$DATA/d$size.db.done"
    fi
    echo "### $engine, target $size events: $made"
    [ -n "$GENERATE_ONLY" ] && continue
    echo "| query | median ms | slowest ms | CPU ms |"; echo "|---|---:|---:|---:|"
    $CLI bench-dashboards --db "$db" --runs "$QUERY_RUNS"
    http=$(free_port); dicom=$(free_port); mkdir -p "$WORK/app-$engine-$size"
    if [ $engine = sqlite ]; then
      echo "$BENCH_PASSWORD" | DoseWatch__Database__Provider=Sqlite DoseWatch__Database__ConnectionString="Data Source=$DATA/d$size.db" \
        $CLI users add "$BENCH_USER" --role Administrator --password-stdin >/dev/null
    else echo "$BENCH_PASSWORD" | $CLI users add "$BENCH_USER" --role Administrator --password-stdin --postgres "$cs" >/dev/null; fi
    start_web "$WORK/app-$engine-$size" "$http" "$dicom" "${conn[@]}"
    echo; echo "| page (charts) | first load ms | median ms | slowest ms |"; echo "|---|---:|---:|---:|"
    # A page that does not draw within the script's limit is a result too: say so and go on with the other sizes.
    node --experimental-websocket --no-warnings scripts/bench_page_draw.mjs "http://127.0.0.1:$http" "$PAGE_RUNS" "$BENCH_USER" "$BENCH_PASSWORD" ||
      echo "(page draw stopped: a page did not draw within the limit, see the line above)"
    stop_pid "$WEB_PID"; echo
    [ $engine = sqlite ] && [ -z "$KEEP" ] && rm -f "$WORK/d$size.db"*
  done
done
