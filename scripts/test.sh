#!/usr/bin/env bash
# Runs every DoseWatch test on this machine: installs the real peers first (DCMTK, Orthanc,
# pydicom, dicom3tools, PostgreSQL, Chromium), then runs every test assembly in the solution.
# A second pass runs the Data and Web tests again with DOSEWATCH_TEST_DATABASE=postgres: every fixture that makes a
# database or an app without naming an engine then uses a real PostgreSQL server started by the tests
# (tests/Shared/TestDatabaseEngine.cs), one database per app. DOSEWATCH_TEST_POSTGRES_PASS=0 skips that pass;
# DOSEWATCH_TEST_POSTGRES_WEB=0 skips only its Web part, the longer one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
export TCP_NODELAY=1   # DCMTK leaves Nagle on otherwise: ~40 ms per small write on loopback
# One TRX per test project and pass (tests/<project>/TestResults/results*.trx): .ci/run sums their counters.
find tests -path "*/TestResults/*.trx" -delete 2>/dev/null || true
rc=0
dotnet test DoseWatch.sln -c Release --logger "trx;LogFileName=results.trx" "$@" || rc=$?
if [ "${DOSEWATCH_TEST_POSTGRES_PASS:-1}" != 0 ]; then
  # Same binaries. Data facts that name their engine (Sqlite…/PostgreSql… classes) already ran on both in pass 1; the
  # Web project runs whole (its few PostgreSQL-named facts are seconds).
  if [ "${DOSEWATCH_TEST_POSTGRES_WEB:-1}" != 0 ]; then
    DOSEWATCH_TEST_DATABASE=postgres dotnet test tests/DoseWatch.Web.Tests -c Release --no-build \
      --logger "trx;LogFileName=results-postgres.trx" || rc=$?
  fi
  DOSEWATCH_TEST_DATABASE=postgres dotnet test tests/DoseWatch.Data.Tests -c Release --no-build \
    --filter "FullyQualifiedName!~.Sqlite&FullyQualifiedName!~.PostgreSql" \
    --logger "trx;LogFileName=results-postgres.trx" || rc=$?
fi
exit "$rc"
