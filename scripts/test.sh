#!/usr/bin/env bash
# Runs every DoseWatch test on this machine: installs the real peers first (DCMTK, Orthanc,
# pydicom, dicom3tools, PostgreSQL, Chromium), then runs every test assembly in the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
export TCP_NODELAY=1   # DCMTK leaves Nagle on otherwise: ~40 ms per small write on loopback
rm -rf TestResults
dotnet test DoseWatch.sln -c Release --results-directory TestResults --logger "trx" "$@"
