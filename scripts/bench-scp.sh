#!/usr/bin/env bash
# Store SCP benchmark of the running product (issue #18), not a test. The product as deployed (the Release build of
# DoseWatch.Web, shipped settings, a fresh data directory, SQLite, extraction jobs running) beside DCMTK storescp
# (default: parse and write, no fsync; --fork for several associations), on the same load in the same run.
#   Loads: N CT RDSRs (openrem/CT-RDSR-Siemens-Multi-2.dcm, a new patient, Study and SOP Instance UID each) and N CT images of
#          ~526 kB (pydicom's CT_small.dcm at 512x512x16 bit, one new study per run), written by /usr/bin/python3 +
#          pydicom before EVERY run, so each run sends instances neither receiver has seen.
#   Sent by DCMTK storescu (TCP_NODELAY=1) over 1 association, and over 8 at once (8 storescu, N/8 files each).
#   Each repetition runs every (load, associations) pair on both receivers, which one goes first alternating by
#   repetition; the product is warmed up first (WARM_PASSES full-size passes of every pair, not counted: its JIT is
#   still compiling through the first few thousand instances), and after each of its runs the script waits until every
#   instance has an inbox row and none is waiting for or in extraction.
#   Where files go: the loads on tmpfs (/dev/shm), both receivers' output under one new top-level directory
#   (BENCH_DIR, default /), nothing deleted until the end. On ext4 without a journal (this machine's root) a file
#   created near inodes deleted in the last minutes costs up to ~1 ms of CPU (the allocator skips "recently deleted"
#   inodes one by one): /tmp, where builds churn, and a directory the previous run emptied give either receiver that
#   cost at random.
#   Time = wall clock from the first storescu start to the last storescu exit (every instance answered); for the
#   product also "drained" = from the same start until the inbox is empty (extraction kept up or not).
#   CPU = the receiver's CPU time (user + system, /proc/PID/stat; storescp's with its reaped --fork children) over the
#   same window, per instance: for the product it includes whatever extraction ran meanwhile.
# Usage: bash scripts/bench-scp.sh                    (REPS=5 repetitions, N=300 instances per load)
#        REPS=1 N=20 bash scripts/bench-scp.sh        (smoke check: the figures mean nothing)
# Run it on an otherwise idle machine: the load average is printed before, between and after the repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-${1:-5}}
N=${N:-${BENCH_INSTANCES:-300}}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-900}
export TCP_NODELAY=1   # DCMTK leaves Nagle on otherwise
WARM_PASSES=${WARM_PASSES:-2}
BENCH_PARENT=${BENCH_DIR:-$([ -w / ] && echo / || echo "$HOME")}
WORK=$(mktemp -d "${BENCH_PARENT%/}/dw-bench-scp.XXXXXX")
LOADS=$(mktemp -d /dev/shm/dw-bench-scp-load.XXXXXX)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK" "$LOADS"' EXIT
RDSR_SAMPLE=$(realpath ../shared/samples/openrem/CT-RDSR-Siemens-Multi-2.dcm)
CT_SOURCE=/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm
RESULTS=$WORK/results.tsv; : > "$RESULTS"

dotnet build src/DoseWatch.Web -c Release -v q -nologo >/dev/null

# make_load KIND COUNT DIR: COUNT new instances in DIR/part0..part7 (round robin), fresh UIDs.
make_load() {
  rm -rf "$3"; mkdir -p "$3"
  /usr/bin/python3 - "$1" "$2" "$3" "$RDSR_SAMPLE" "$CT_SOURCE" <<'PY'
import os, sys, pydicom
from pydicom.uid import generate_uid
kind, count, out, rdsr, ct = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
for p in range(8): os.makedirs(f"{out}/part{p}", exist_ok=True)
if kind == "rdsr":
    ds = pydicom.dcmread(rdsr)
else:
    ds = pydicom.dcmread(ct)
    ds.Rows = ds.Columns = 512
    ds.PixelData = bytes(range(256)) * (512 * 512 * 2 // 256)
    ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid()
for i in range(count):
    if kind == "rdsr":
        # A new study of a new patient each: 300 RDSRs are 300 examinations. (One patient with thousands of CT studies
        # in a day would time the cumulative-dose rule over a history no patient has.)
        ds.StudyInstanceUID = generate_uid(); ds.PatientID = f"BENCH{generate_uid()[-12:]}"; ds.PatientName = f"BENCH^{i}"
    ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    if kind == "ct": ds.InstanceNumber = i + 1
    ds.save_as(f"{out}/part{i % 8}/{i}.dcm", write_like_original=False)
PY
}

# send PORT AET DIR MODE: storescu over 1 association (every part, in one process) or 8 (one process per part)
send() {
  local port=$1 aet=$2 dir=$3 mode=$4
  if [ "$mode" = 1 ]; then
    storescu -aec "$aet" +sd +r 127.0.0.1 "$port" "$dir" >/dev/null
  else
    local pids=()
    for p in 0 1 2 3 4 5 6 7; do storescu -aec "$aet" +sd 127.0.0.1 "$port" "$dir/part$p" >/dev/null & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p"; done
  fi
}

# cpu_ticks PID: user + system time of the process and its reaped children, in clock ticks
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
TICK_MS=$(echo "1000 / $(getconf CLK_TCK)" | bc -l)

api() { curl -sf -H "Authorization: Bearer $BENCH_API_KEY" "http://127.0.0.1:$HTTP/api/v1/instances?pageSize=1$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

# wait_drained EXPECTED_ROWS: every instance sent so far has a row, none received/extracting; prints the time it was so
wait_drained() {
  local deadline=$((SECONDS + DRAIN_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(api "")" -ge "$1" ] && [ "$(api "&status=inbox")" -eq 0 ]; then date +%s.%N; return 0; fi
    sleep 0.1
  done
  echo "the product did not drain its inbox within ${DRAIN_TIMEOUT}s" >&2; return 1
}

SENT=0
# run_product LOAD MODE COUNT RECORD(yes/no)
run_product() {
  local load=$1 mode=$2 count=$3 record=$4 dir=$LOADS/load
  make_load "$load" "$count" "$dir"; sync   # the generator's writes on disk first: neither receiver pays for them
  local start end drained c0 c1
  c0=$(cpu_ticks "$WEB_PID"); start=$(date +%s.%N); send "$DICOM" BENCH "$dir" "$mode"; end=$(date +%s.%N); c1=$(cpu_ticks "$WEB_PID")
  SENT=$((SENT + count))
  drained=$(wait_drained "$SENT")
  # Exactly one inbox row per instance sent (a missing or doubled one would show here).
  local rows; rows=$(api "")
  [ "$rows" -eq "$SENT" ] || { echo "dosewatch has $rows inbox rows for $SENT instances sent" >&2; exit 1; }
  [ "$record" = yes ] && printf '%s\t%s\tdosewatch\t%s\t%s\t%s\t%s\n' "$load" "$mode" "$(echo "$end - $start" | bc -l)" "$(echo "$drained - $start" | bc -l)" "$(du -sb "$dir" | cut -f1)" "$(echo "($c1 - $c0) * $TICK_MS / $count" | bc -l)" >> "$RESULTS"
  return 0
}

STORESCP_RUN=0
run_storescp() {
  STORESCP_RUN=$((STORESCP_RUN + 1))
  local load=$1 mode=$2 count=$3 dir=$LOADS/load out=$WORK/storescp-out-$STORESCP_RUN port pid
  make_load "$load" "$count" "$dir"; sync
  mkdir -p "$out"; port=$(free_port)
  storescp $([ "$mode" = 8 ] && echo --fork) -aet STORESCP -od "$out" "$port" >/dev/null 2>&1 & pid=$!
  wait_port "$port"
  local start end c0 c1
  c0=$(cpu_ticks "$pid"); start=$(date +%s.%N); send "$port" STORESCP "$dir" "$mode"; end=$(date +%s.%N)
  sleep 0.2; c1=$(cpu_ticks "$pid")   # the last --fork children reaped
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  local stored; stored=$(find "$out" -type f | wc -l)
  [ "$stored" -eq "$count" ] || { echo "storescp stored $stored of $count" >&2; exit 1; }
  printf '%s\t%s\tstorescp\t%s\t\t%s\t%s\n' "$load" "$mode" "$(echo "$end - $start" | bc -l)" "$(du -sb "$dir" | cut -f1)" "$(echo "($c1 - $c0) * $TICK_MS / $count" | bc -l)" >> "$RESULTS"
}

wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; return 1; }

echo "machine: $(machine_facts)"
echo "receivers write under $WORK; loads on $LOADS"
echo "DCMTK: $(storescu --version 2>&1 | head -1); REPS=$REPS N=$N"
APP=$WORK/app; mkdir -p "$APP"
HTTP=$(free_port); DICOM=$(free_port)
start_web "$APP" "$HTTP" "$DICOM"
for _ in $(seq 1 "$WARM_PASSES"); do for load in rdsr ct; do for mode in 1 8; do run_product "$load" "$mode" "$N" no; done; done; done
echo "warmed up ($WARM_PASSES passes of $N instances per pair); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  for load in rdsr ct; do
    for mode in 1 8; do
      if [ $((rep % 2)) = 1 ]; then run_storescp "$load" "$mode" "$N"; run_product "$load" "$mode" "$N" yes
      else run_product "$load" "$mode" "$N" yes; run_storescp "$load" "$mode" "$N"; fi
    done
  done
  echo "repetition $rep of $REPS done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "load: $N RDSRs ($(stat -c %s "$RDSR_SAMPLE") bytes each as sampled) and $N CT images (512x512x16 bit) per run"
/usr/bin/python3 - "$RESULTS" "$N" <<'PY'
import statistics, sys
from collections import defaultdict
rows, n = defaultdict(list), int(sys.argv[2])
for line in open(sys.argv[1]):
    load, mode, receiver, seconds, drained, size, cpu = line.rstrip("\n").split("\t")
    rows[(load, int(mode), receiver)].append((float(seconds), float(drained) if drained else None, int(size), float(cpu)))
def spread(values, fmt):
    values = sorted(values)
    return f"{fmt.format(statistics.median(values))} ({fmt.format(values[0])}–{fmt.format(values[-1])})"
print("| load | associations | receiver | runs | instances/s, median (min–max) | MB/s, median | receiver CPU ms per instance, median | all extracted after s, median (min–max) |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
medians = {}
for (load, mode, receiver), runs in sorted(rows.items()):
    rates = [n / s for s, _, _, _ in runs]
    medians[(load, mode, receiver)] = statistics.median(rates)
    mbs = statistics.median(size / s / 1048576 for s, _, size, _ in runs)
    cpu = statistics.median(c for _, _, _, c in runs)
    drained = [d for _, d, _, _ in runs if d is not None]
    print(f"| {load} | {mode} | {receiver}{' --fork' if receiver == 'storescp' and mode > 1 else ''} | {len(runs)} | {spread(rates, '{:.0f}')} | {mbs:.1f} | {cpu:.2f} | {spread(drained, '{:.1f}') if drained else '—'} |")
print()
for (load, mode, receiver), rate in sorted(medians.items()):
    if receiver == "dosewatch" and (load, mode, "storescp") in medians:
        print(f"{load}, {mode} association(s): dosewatch / storescp = {rate / medians[(load, mode, 'storescp')]:.2f}x (medians)")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
