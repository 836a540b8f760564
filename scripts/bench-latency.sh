#!/usr/bin/env bash
# Latency benchmark (issue #8), not a test: C-STORE-to-queryable and C-STORE-to-alert on the shipped settings (SQLite,
# Hangfire queue poll 1 s), the web app in Release. N demo RDSRs (a history with planted outliers and deviations) are
# sent one at a time with storescu, in study order, like a modality closing studies. Times come from the database:
#   queryable = dose_source_objects.extracted_at - instances.received_at (received_at: file durable, before the C-STORE
#               response; extracted_at: the save transaction's timestamp, committed a few ms later)
#   alert     = alerts.created_at - received_at of the study's instance (AnalyzeStudyJob runs after extraction)
# Usage: bash scripts/bench-latency.sh [--quick]   (N = 300, --quick 120)
set -euo pipefail
cd "$(dirname "$0")/.."
N=300; [ "${1:-}" = --quick ] && N=120; N=${BENCH_LATENCY_N:-$N}
export TCP_NODELAY=1
WORK=$(mktemp -d /tmp/dw-bench-latency.XXXXXX)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
echo "machine: $(machine_facts)"
dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll demo --studies "$N" --seed 5 --out "$WORK/rdsr" | grep -c '^anomaly' | sed 's/^/planted anomalies: /'
http=$(free_port); dicom=$(free_port); mkdir -p "$WORK/app"
start_web "$WORK/app" "$http" "$dicom"
for f in $(ls "$WORK"/rdsr/*.dcm | sort); do storescu -aec BENCH 127.0.0.1 "$dicom" "$f" >/dev/null; done
sleep 5   # the last analysis jobs
/usr/bin/python3 - "$WORK/app/dosewatch.db" <<'PY'
import re, sqlite3, statistics, sys
from datetime import datetime, timedelta
def t(s):  # stored as UTC text, with or without a fraction of a second
    m = re.match(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?", s)
    return datetime.strptime(f"{m[1]} {m[2]}", "%Y-%m-%d %H:%M:%S") + timedelta(seconds=float(m[3] or 0))
db = sqlite3.connect(sys.argv[1])
def report(name, rows):
    ms = sorted((t(b) - t(a)).total_seconds() * 1000 for a, b in rows)
    if not ms: print(f"| {name} | 0 | – | – | – |"); return
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p99:.0f} | {ms[-1]:.0f} |")
print("| measure | count | median ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|")
report("C-STORE to queryable", db.execute("""SELECT i.received_at, d.extracted_at FROM instances i
    JOIN dose_source_objects d ON d.sop_instance_uid = i.sop_instance_uid WHERE i.status = 'extracted'"""))
report("C-STORE to alert (first alert of the study)", db.execute("""SELECT i.received_at, min(a.created_at) FROM alerts a
    JOIN instances i ON i.study_instance_uid = a.study_instance_uid GROUP BY a.study_instance_uid, i.received_at"""))
extracted = db.execute("SELECT count(*) FROM instances WHERE status = 'extracted'").fetchone()[0]
alerts = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
print(f"\ninstances extracted: {extracted}, alerts raised: {alerts}")
PY
