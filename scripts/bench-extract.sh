#!/usr/bin/env bash
# Extraction throughput, DoseWatch beside pydicom, same files, same run (a benchmark, not a test).
#   DoseWatch: `dosewatch bench-extract` = read header (stop before pixels) + classify + extract + unit conversion.
#   pydicom 2.3.1: tests/DoseWatch.Core.Tests/independent/read_dose.py's read() = dcmread + walk of the content tree
#   collecting the same concepts (the tests' independent reader), in one process.
# Usage: scripts/bench-extract.sh [SECONDS_PER_TOOL]   (default 5); files: every RDSR/ESR sample in ../shared/samples.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
mapfile -t files < <(find "$root/../shared/samples" \( -name '*RDSR*.dcm' -o -name '*ESR*.dcm' \) | sort)
echo "${#files[@]} files, $(cat "${files[@]}" | wc -c) bytes"
dotnet build -c Release "$root/src/DoseWatch.Cli" -v q -nologo > /dev/null
"$root/src/DoseWatch.Cli/bin/Release/net10.0/dosewatch" bench-extract --seconds "$seconds" "${files[@]}"
/usr/bin/python3 - "$root/tests/DoseWatch.Core.Tests/independent" "$seconds" "${files[@]}" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
import read_dose
seconds, files = float(sys.argv[2]), sys.argv[3:]
for f in files: read_dose.read(f)
done, start = 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    for f in files: read_dose.read(f)
    done += len(files)
elapsed = time.perf_counter() - start
print(f"pydicom read_dose: {done} files in {elapsed:.2f} s = {done / elapsed:.0f} files/s")
PY
