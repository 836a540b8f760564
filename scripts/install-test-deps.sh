#!/usr/bin/env bash
# Installs (idempotently) every real peer and server the test suite talks to.
# Safe to run again: it only installs what is missing.
set -euo pipefail

# PySkinDose (../shared/peers), run beside the skin dose tests, needs numpy..pil from Debian; the at-rest encryption
# tests decrypt stored objects independently with python3-cryptography.
debs=(dcmtk python3-pydicom python3-openpyxl dicom3tools orthanc postgresql chromium libpixelmed-java
      python3-numpy python3-pandas python3-scipy python3-stl python3-plotly python3-tqdm python3-rich python3-pil
      python3-cryptography)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# libpixelmed-java does not pull in a JRE; any installed java will do for the PixelMed SCU test.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Orthanc's Debian package starts a system service on install; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl stop orthanc 2>/dev/null || true; fi
pkill -x Orthanc 2>/dev/null || true

# Node peers (dcmjs-dimse) for the network tests.
if [ -f tests/peers/package.json ] && [ ! -d tests/peers/node_modules ]; then
  (cd tests/peers && npm install --no-audit --no-fund --silent)
fi
