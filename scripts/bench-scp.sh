#!/usr/bin/env bash
# Store SCP benchmark (not a test): instances/s, MB/s and peak receiver memory for DoseWatch's `dosewatch listen`
# beside DCMTK storescp, on the same load in the same run, sent by DCMTK storescu over loopback.
#   Loads: 1,000 RDSRs (copies of a shared sample with new SOP Instance UIDs) and 1,000 CT images of ~525 kB
#          (pydicom: CT_small.dcm resized to 512x512x16 bit), over one association, then 8 associations at once.
#   Usage: bash scripts/bench-scp.sh [REPEATS]   (default 3; the median of the repeats is reported)
#   Receivers: dosewatch listen (fsync of each file and of the inbox directory before Success), the same with
#   --no-fsync, DCMTK storescp (default: parse and write, no fsync) and storescp syncing each file; --fork for 8.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
N=${BENCH_INSTANCES:-1000}
export TCP_NODELAY=1   # DCMTK leaves Nagle on otherwise
WORK=$(mktemp -d /tmp/dw-bench-scp.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

dotnet build src/DoseWatch.Cli -c Release -v q -nologo >/dev/null
DOSEWATCH="dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll"
RDSR_SAMPLE=../shared/samples/openrem/CT-RDSR-Siemens-Multi-3.dcm

make_load() {  # name source-generator
  local dir=$WORK/$1; mkdir -p "$dir/all"
  if [ "$1" = rdsr ]; then
    for i in $(seq 1 "$N"); do cp "$RDSR_SAMPLE" "$dir/all/$i.dcm"; done
    find "$dir/all" -name '*.dcm' -print0 | xargs -0 -n 200 dcmodify -nb -gin
  else
    /usr/bin/python3 - "$dir/all" "$N" <<'PY'
import sys, pydicom
from pydicom.uid import generate_uid
ds = pydicom.dcmread('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm')
ds.Rows = ds.Columns = 512
ds.PixelData = bytes(range(256)) * (512 * 512 * 2 // 256)
for i in range(int(sys.argv[2])):
    ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(f"{sys.argv[1]}/{i}.dcm", write_like_original=False)
PY
  fi
  # 8 slices for 8 concurrent associations
  local i=0
  for f in "$dir"/all/*.dcm; do
    local s=$((i % 8)); mkdir -p "$dir/part$s"; ln "$f" "$dir/part$s/"; i=$((i + 1))
  done
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; return 1; }

# run_one RECEIVER LOAD MODE -> prints "seconds peak_kb"
run_one() {
  local receiver=$1 load=$2 mode=$3 port out pid
  port=$(free_port); out=$WORK/out-$$-$RANDOM; mkdir -p "$out"
  case $receiver in
    dosewatch)         $DOSEWATCH listen "$port" --dir "$out" --aet STORESCP >/dev/null & ;;
    dosewatch-nofsync) $DOSEWATCH listen "$port" --dir "$out" --aet STORESCP --no-fsync >/dev/null & ;;
    storescp)          storescp $([ "$mode" = 8 ] && echo --fork) -od "$out" "$port" & ;;
    # DCMTK 3.6.7's storescp has no --fsync: each received file is synced by a synchronous exec-on-reception
    # command instead (coreutils sync FILE = fsync), which also costs a process start per instance.
    storescp-fsync)    storescp $([ "$mode" = 8 ] && echo --fork) -xcr "sync #p/#f" -xs -od "$out" "$port" & ;;
  esac
  pid=$!
  wait_port "$port"
  local start end
  start=$(date +%s.%N)
  if [ "$mode" = 1 ]; then
    storescu -aec STORESCP +sd 127.0.0.1 "$port" "$WORK/$load/all" >/dev/null
  else
    for s in 0 1 2 3 4 5 6 7; do storescu -aec STORESCP +sd 127.0.0.1 "$port" "$WORK/$load/part$s" >/dev/null & done
    wait $(jobs -p | grep -v "^$pid$")
  fi
  end=$(date +%s.%N)
  local stored; stored=$(find "$out" -maxdepth 1 -type f | wc -l)
  local peak; peak=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ "$stored" -eq "$N" ] || { echo "$receiver stored $stored of $N" >&2; exit 1; }
  rm -rf "$out"
  echo "$(echo "$end - $start" | bc -l) $peak"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem/ {print $2}') GB RAM; $(date -u +%F)"
for load in rdsr ct; do make_load $load; done
echo "load: $N RDSRs of $(stat -c %s "$WORK/rdsr/all/1.dcm") bytes; $N CT images of $(stat -c %s "$WORK/ct/all/0.dcm") bytes"
printf '| load | associations | receiver | instances/s | MB/s | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
for load in rdsr ct; do
  bytes=$(du -cb "$WORK/$load/all" | tail -1 | cut -f1)
  for mode in 1 8; do
    for receiver in dosewatch dosewatch-nofsync storescp storescp-fsync; do
      times=(); peaks=()
      for _ in $(seq 1 "$REPEATS"); do read -r t p < <(run_one $receiver $load $mode); times+=("$t"); peaks+=("$p"); done
      t=$(printf '%s\n' "${times[@]}" | median); p=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
      name=$receiver; [ "$mode" = 8 ] && [[ $receiver == storescp* ]] && name="$receiver --fork"
      printf '| %s | %s | %s | %.0f | %.1f | %.0f |\n' $load $mode "$name" "$(echo "$N / $t" | bc -l)" "$(echo "$bytes / $t / 1048576" | bc -l)" "$(echo "$p / 1024" | bc -l)"
    done
  done
done
