#!/usr/bin/env bash
# Extraction benchmark (issue #4), not a test. Prints the lines recorded in docs/benchmarks.md, section "Extraction".
#  1. throughput in-process: read (pixels skipped) + extract + save to SQLite, RDSRs and images, beside pydicom reading
#     the same files (dcmread + full SR walk) in the same run;
#  2. C-STORE-to-queryable latency: RDSRs sent one by one with storescu to the running app, API polled.
# Usage: bash scripts/bench-extract-to-sql.sh [RDSR_COUNT (default 500)] [LATENCY_COUNT (default 200)]
set -euo pipefail
cd "$(dirname "$0")/.."
RDSRS=${1:-500}
LATENCY=${2:-200}
SAMPLES=../shared/samples/openrem
WORK=$(mktemp -d /tmp/dosewatch-bench-extract.XXXXXX)
APP_PID=
cleanup() { [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build DoseWatch.sln -c Release -v q -nologo >/dev/null
CLI="dotnet src/DoseWatch.Cli/bin/Release/net10.0/dosewatch.dll"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg)"
$CLI demo --studies "$RDSRS" --seed 42 --end 2026-11-01 --out "$WORK/rdsr" | tail -1
IMAGES=$(ls $SAMPLES/{CT-SC,DX-Im,MG-Im,NM-NmIm,NM-PetIm,PX-Im}*.dcm)
echo "images: $(echo "$IMAGES" | wc -l) real image files from $SAMPLES, 20 passes"

echo "--- throughput, RDSRs (demo-generated)"
echo "DoseWatch: $($CLI bench-extract-sql "$WORK"/rdsr/*.dcm)"
echo "pydicom:   $(/usr/bin/python3 scripts/bench_pydicom_sr_walk.py "$WORK"/rdsr/*.dcm)"
echo "--- throughput, images (headers)"
echo "DoseWatch: $($CLI bench-extract-sql --passes 20 $IMAGES)"
echo "pydicom:   $(/usr/bin/python3 scripts/bench_pydicom_sr_walk.py --passes 20 $IMAGES)"

echo "--- C-STORE to queryable, $LATENCY RDSRs one by one (storescu → SCP → inbox → Hangfire job → SQLite → API), shipped settings (job queue poll 1 s)"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); DICOM=$(free_port)
export BENCH_API_KEY="dwk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"   # the API needs a key (docs/security.md)
ASPNETCORE_ENVIRONMENT=Production dotnet src/DoseWatch.Web/bin/Release/net10.0/DoseWatch.Web.dll --urls="http://127.0.0.1:$HTTP" \
  --DoseWatch:DataDirectory="$WORK/app" --Dicom:BindAddress=127.0.0.1 --Dicom:Port="$DICOM" --Dicom:AeTitle=BENCH \
  --DoseWatch:Auth:ProvisionedApiKeys:0:Name=bench --DoseWatch:Auth:ProvisionedApiKeys:0:Key="$BENCH_API_KEY" \
  --DoseWatch:Auth:ProvisionedApiKeys:0:Role=Administrator >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null && break; sleep 0.2; done
/usr/bin/python3 scripts/bench_store_latency.py "http://127.0.0.1:$HTTP" "$DICOM" BENCH $(ls "$WORK"/rdsr/*.dcm | head -n "$LATENCY")
