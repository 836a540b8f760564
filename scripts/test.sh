#!/usr/bin/env bash
# Runs every DoseWatch test on this machine: installs the real peers first (DCMTK, Orthanc,
# pydicom, dicom3tools, PostgreSQL, Chromium), then runs every test assembly in the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
export TCP_NODELAY=1   # DCMTK leaves Nagle on otherwise: ~40 ms per small write on loopback
# One TRX per test project (tests/<project>/TestResults/results.trx): .ci/run sums their counters.
find tests -path "*/TestResults/*.trx" -delete 2>/dev/null || true
dotnet test DoseWatch.sln -c Release --logger "trx;LogFileName=results.trx" "$@"
