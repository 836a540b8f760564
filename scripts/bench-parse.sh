#!/usr/bin/env bash
# Parsing benchmark (not a test): files/s for DoseWatch's reader, pydicom 2.3 dcmread and DCMTK dcmdump/dsrdump on
# the same files in the same run. Results go into docs/benchmarks.md ("Parsing").
#
#   bash scripts/bench-parse.sh [seconds-per-measurement]   (default 5)
#
# Sets: (1) every RDSR/ESR sample in ../shared/samples, read completely (pydicom converts every value, as DoseWatch
#           keeps every value);
#       (2) image headers, stopping before Pixel Data: every image sample plus pydicom's CT_small.dcm.
# DCMTK tools get all files of a set in one invocation (no process start per file), repeated for the time budget,
# output to /dev/null. Everything reads from the page cache. Three rates are printed: per wall-clock second, per
# CPU second (user+sys of the measuring process or of the tool's processes), and the rate of the fastest pass over
# the whole set. The machine is shared, so the CPU rate and the fastest pass are the ones to compare; the wall rate
# shows what the load allowed.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-5}"
SAMPLES=../shared/samples
PYDICOM_CT=/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm

mapfile -t RDSR < <(ls "$SAMPLES"/openrem/*RDSR*.dcm "$SAMPLES"/openrem/*-ESR-*.dcm "$SAMPLES"/pyskindose/*.dcm | sort -u)
mapfile -t IMAGES < <( (ls "$SAMPLES"/openrem/*-Im-*.dcm "$SAMPLES"/openrem/*-SC-*.dcm "$SAMPLES"/openrem/NM-*Im*.dcm; echo "$PYDICOM_CT") | sort -u)

dotnet build src/DoseWatch.Cli -c Release -nologo -v q >/dev/null
DOSEWATCH=src/DoseWatch.Cli/bin/Release/net10.0/dosewatch

# One Python harness for the reference tools: pydicom in-process, DCMTK as child processes; CPU from getrusage.
bench() { # label mode(pydicom|pydicom-stop|tool) files-count -- args...
  /usr/bin/python3 - "$SECONDS_EACH" "$@" <<'PY'
import resource, subprocess, sys, time
seconds, label, mode, n = float(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
args = sys.argv[6:]
if mode.startswith("pydicom"):
    import pydicom
    stop = mode == "pydicom-stop"
    walk = mode == "pydicom"
    def once():
        for f in args:
            ds = pydicom.dcmread(f, stop_before_pixels=stop)
            if walk:
                for elem in ds.iterall():
                    elem.value
    who = resource.RUSAGE_SELF
else:
    def once():
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    who = resource.RUSAGE_CHILDREN
once()  # warm-up
r0, t0, files, best = resource.getrusage(who), time.perf_counter(), 0, float("inf")
while time.perf_counter() - t0 < seconds:
    p0 = time.perf_counter()
    once()
    best = min(best, time.perf_counter() - p0)
    files += n
wall, r1 = time.perf_counter() - t0, resource.getrusage(who)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print("| %-42s | %9.0f | %9.0f | %9.0f |" % (label, files / wall, files / cpu, n / best))
PY
}

echo "$(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${SECONDS_EACH} s per measurement"
echo
echo "RDSRs, every element: ${#RDSR[@]} files, $(cat "${RDSR[@]}" | wc -c) bytes"
echo
echo "| reader | files/s (wall) | files/CPU-s | files/s, fastest pass |"
echo "|---|---:|---:|---:|"
$DOSEWATCH bench parse --seconds "$SECONDS_EACH" --table "dosewatch DicomReader.ReadFile" "${RDSR[@]}"
bench "pydicom 2.3.1 dcmread + every value" pydicom "${#RDSR[@]}" -- "${RDSR[@]}"
bench "pydicom 2.3.1 dcmread only (values raw)" pydicom-lazy "${#RDSR[@]}" -- "${RDSR[@]}"
bench "DCMTK 3.6.7 dcmdump" tool "${#RDSR[@]}" -- dcmdump -q "${RDSR[@]}"
bench "DCMTK 3.6.7 dsrdump" tool "${#RDSR[@]}" -- dsrdump -q "${RDSR[@]}"
echo
echo "Image headers, stop before Pixel Data: ${#IMAGES[@]} files, $(cat "${IMAGES[@]}" | wc -c) bytes"
echo
echo "| reader | files/s (wall) | files/CPU-s | files/s, fastest pass |"
echo "|---|---:|---:|---:|"
$DOSEWATCH bench parse --stop-before-pixels --seconds "$SECONDS_EACH" --table "dosewatch StopBeforePixelData" "${IMAGES[@]}"
bench "pydicom 2.3.1 dcmread(stop_before_pixels)" pydicom-stop "${#IMAGES[@]}" -- "${IMAGES[@]}"
bench "DCMTK 3.6.7 dcmdump +sb 7fe0,0010" tool "${#IMAGES[@]}" -- dcmdump -q +sb 7fe0,0010 "${IMAGES[@]}"
