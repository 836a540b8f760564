#!/usr/bin/env bash
# Sustained-ingest benchmark (issue #18), not a test: the product as deployed (Web app, Release, shipped settings,
# SQLite) receives RATE dose reports per second for DURATION seconds, each second's batch over one storescu
# association (a modality closing a study), and must keep up: every instance extracted, the backlog bounded, and
# C-STORE -> queryable (dose_source_objects.extracted_at - instances.received_at; received_at is taken when the file is
# durable, before the C-STORE response) with p95 under 1 s. Fresh UIDs: every file is a new demo RDSR.
# Usage: bash scripts/bench-sustained.sh [RATE [DURATION_S]]   (default 50 600; a smoke run: 20 30)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-50}; DURATION=${2:-600}
export TCP_NODELAY=1
# A new top-level directory, not /tmp: see bench-scp.sh on file creation near recently deleted inodes.
BENCH_PARENT=${BENCH_DIR:-$([ -w / ] && echo / || echo "$HOME")}
WORK=$(mktemp -d "${BENCH_PARENT%/}/dw-bench-sustained.XXXXXX")
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
echo "machine at start: $(machine_facts)"
NEED=$((RATE * DURATION + RATE * 5))
studies=$((NEED * 2 / 3 + 100))
dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll demo --studies "$studies" --seed 11 --out "$WORK/rdsr" >/dev/null
echo "generated $(ls "$WORK/rdsr" | wc -l) RDSRs for $NEED sends"
http=$(free_port); dicom=$(free_port); mkdir -p "$WORK/app"
start_web "$WORK/app" "$http" "$dicom"
/usr/bin/python3 - "$WORK/rdsr" "$dicom" "$RATE" "$DURATION" "$WORK/app/dosewatch.db" <<'PY'
import os, re, sqlite3, statistics, subprocess, sys, time
from datetime import datetime, timedelta, timezone
folder, port, rate, duration, dbpath = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
logs = os.path.join(os.path.dirname(folder), "storescu")
os.makedirs(logs, exist_ok=True)
def send(batch):
    # storescu's own words are kept: the first failed run's are printed at the end.
    log = open(os.path.join(logs, f"{len(os.listdir(logs)):06d}.log"), "w")
    p = subprocess.Popen(["storescu", "-R", "-aec", "BENCH", "127.0.0.1", port, *batch], stdout=log, stderr=subprocess.STDOUT)
    p.log = log.name
    return p
db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True, timeout=30)
def backlog():
    return db.execute("SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')").fetchone()[0]
# Warm-up: 5 s at the rate, then let it drain; the measured window starts after it.
cursor = 0
for _ in range(5):
    p = send(files[cursor:cursor + rate]); cursor += rate; p.wait(); time.sleep(0.5)
time.sleep(5)
t0 = datetime.now(timezone.utc).replace(tzinfo=None); start = time.monotonic(); running, every, backlogs, late = [], [], [], 0
for second in range(duration):
    due = start + second
    now = time.monotonic()
    if now < due: time.sleep(due - now)
    elif now - due > 1: late += 1
    running.append(send(files[cursor:cursor + rate])); every.append(running[-1]); cursor += rate
    running = [p for p in running if p.poll() is None]
    if second % 5 == 0: backlogs.append(backlog())
sent_window = duration * rate
for p in running: p.wait()
failed_associations = sum(1 for p in every if p.returncode != 0)
if failed_associations: print("first failed storescu run:\n" + open(next(p.log for p in every if p.returncode != 0)).read()[-1500:])
drain_start = time.monotonic()
while backlog() > 0 and time.monotonic() - drain_start < 120: time.sleep(0.5)
def t(s):
    m = re.match(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?", s)
    return datetime.strptime(f"{m[1]} {m[2]}", "%Y-%m-%d %H:%M:%S") + timedelta(seconds=float(m[3] or 0))
rows = db.execute("""SELECT i.received_at, d.extracted_at FROM instances i
    JOIN dose_source_objects d ON d.sop_instance_uid = i.sop_instance_uid WHERE i.status = 'extracted'""").fetchall()
pairs = [((t(a) - t0).total_seconds(), (t(b) - t(a)).total_seconds() * 1000) for a, b in rows if t(a) >= t0]
ms = sorted(m for _, m in pairs)
received = db.execute("SELECT count(*) FROM instances WHERE received_at >= ?", (t0.strftime("%Y-%m-%d %H:%M:%S"),)).fetchone()[0]
def pct(q): return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]
print(f"window: {duration} s at {rate}/s = {sent_window} sent; storescu runs that failed: {failed_associations}; received {received}; extracted {len(ms)}; seconds the sender fell >1 s behind: {late}")
print(f"backlog (instances not yet extracted, sampled every 5 s): max {max(backlogs)}, last {backlogs[-1]}; drained {time.monotonic() - drain_start:.1f} s after the last send")
if ms: print(f"C-STORE to queryable: median {statistics.median(ms):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, max {ms[-1]:.0f} ms")
# Whether the slow ones are a start-up effect or spread over the window: p95 per 30 s of arrival.
slices = {}
for at, m in pairs: slices.setdefault(int(at // 30), []).append(m)
print("p95 by 30 s of the window (ms): " + ", ".join(f"{sorted(v)[min(len(v) - 1, round(0.95 * (len(v) - 1)))]:.0f}" for _, v in sorted(slices.items())))
print("backlog every 5 s: " + " ".join(str(b) for b in backlogs))
PY
echo "machine at end: $(machine_facts)"
