#!/usr/bin/env bash
# Receiver memory benchmark (issue #8), not a test: peak resident memory (VmHWM) of the receiving process
#  1. while it receives one 1 GiB multi-frame instance (pydicom: an X-Ray Angiographic Image, 512x512x16 bit,
#     2048 frames, made in a temp dir), and
#  2. while 32 storescu associations stream at once (32 x 20 CT images of ~530 kB),
# for the web app (the product: Store SCP + inbox + queue, SQLite), `dosewatch listen`, and DCMTK storescp beside them
# (for 32 associations storescp runs --fork; its parent's peak is shown, each child is a separate process).
# Usage: bash scripts/bench-memory.sh [--quick]   (--quick: 256 MiB instead of 1 GiB, 32 x 5 images)
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=2048; PER_ASSOC=20
[ "${1:-}" = --quick ] && { FRAMES=512; PER_ASSOC=5; }
export TCP_NODELAY=1
WORK=$(mktemp -d /tmp/dw-bench-mem.XXXXXX)
. scripts/bench_lib.sh
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
echo "machine: $(machine_facts)"

/usr/bin/python3 - "$WORK" "$FRAMES" "$PER_ASSOC" <<'PY'
import os, sys, pydicom
from pydicom.uid import generate_uid
work, frames, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ds = pydicom.dcmread('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm')
ds.Rows = ds.Columns = 512
ds.PixelData = bytes(range(256)) * (512 * 512 * 2 // 256)
for a in range(32):
    os.makedirs(f"{work}/assoc{a}")
    for i in range(per):
        ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.save_as(f"{work}/assoc{a}/{i}.dcm", write_like_original=False)
ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.12.1'  # X-Ray Angiographic Image (multi-frame)
ds.Modality = 'XA'
ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
ds.NumberOfFrames = frames
ds.PixelData = bytes(512 * 512 * 2) * frames
ds.save_as(f"{work}/big.dcm", write_like_original=False)
PY
BIG=$(stat -c %s "$WORK/big.dcm")
echo "large instance: $BIG bytes ($FRAMES frames); concurrent load: 32 associations x $PER_ASSOC CT images of $(stat -c %s "$WORK/assoc0/0.dcm") bytes"

# start RECEIVER OUT PORT -> RECV_PID
start_receiver() {
  local receiver=$1 out=$2 port=$3 fork=${4:-}
  case $receiver in
    web) start_web "$out" "$(free_port)" "$port"; RECV_PID=$WEB_PID; return ;;
    listen) dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll listen "$port" --dir "$out" --aet BENCH >/dev/null 2>&1 & ;;
    storescp) storescp $fork -od "$out" "$port" >/dev/null 2>&1 & ;;
  esac
  RECV_PID=$!; BENCH_PIDS+=("$RECV_PID")
  for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.1; done
}

echo "| receiver | load | seconds | peak resident (VmHWM) MB | resident before MB |"
echo "|---|---|---:|---:|---:|"
for receiver in web listen storescp; do
  for load in big 32; do
    out="$WORK/out-$receiver-$load"; mkdir -p "$out"; port=$(free_port)
    start_receiver $receiver "$out" "$port" $([ $load = 32 ] && [ $receiver = storescp ] && echo --fork)
    before=$(awk '/VmRSS/ {print $2}' /proc/$RECV_PID/status)
    t0=$(date +%s.%N)
    if [ $load = big ]; then storescu -aec BENCH 127.0.0.1 "$port" "$WORK/big.dcm" >/dev/null
    else pids=(); for a in $(seq 0 31); do storescu -aec BENCH +sd 127.0.0.1 "$port" "$WORK/assoc$a" >/dev/null & pids+=($!); done; wait "${pids[@]}"; fi
    t1=$(date +%s.%N)
    peak=$(awk '/VmHWM/ {print $2}' /proc/$RECV_PID/status)
    stop_pid "$RECV_PID"
    printf '| %s | %s | %.1f | %.0f | %.0f |\n' "$receiver$([ $load = 32 ] && [ $receiver = storescp ] && echo ' --fork (parent)')" \
      "$([ $load = big ] && echo "1 instance, $((BIG / 1048576)) MiB" || echo "32 associations x $PER_ASSOC")" \
      "$(echo "$t1 - $t0" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$(echo "$before / 1024" | bc -l)"
    rm -rf "$out" "$out".*.log
  done
done
