#!/usr/bin/python3
"""C-STORE-to-queryable latency for scripts/bench-extract-to-sql.sh: each RDSR is sent alone with DCMTK storescu to the
running DoseWatch, then the REST API is polled every 5 ms until the study shows all its events. Prints median and p99."""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pydicom


def events_in(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    found = 0
    stack = list(ds.get("ContentSequence", []))
    while stack:
        item = stack.pop()
        concept = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "CONTAINER" and concept and concept[0].CodeValue in ("113819", "113706"):
            found += 1
        stack.extend(item.get("ContentSequence", []))
    return ds.StudyInstanceUID, found


def queryable(api, study_uid, events):
    try:
        request = urllib.request.Request(f"{api}/api/v1/studies/{study_uid}",
                                         headers={"Authorization": f"Bearer {os.environ.get('BENCH_API_KEY', '')}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return len(json.load(response)["events"]) >= events
    except urllib.error.HTTPError:
        return False


def main(api, port, aec, paths):
    env = dict(os.environ, TCP_NODELAY="1")
    latencies = []
    for path in paths:
        study_uid, events = events_in(path)
        start = time.perf_counter()
        subprocess.run(["storescu", "-aec", aec, "127.0.0.1", str(port), path], check=True, env=env)
        while not queryable(api, study_uid, events):
            if time.perf_counter() - start > 30:
                sys.exit(f"{path}: not queryable after 30 s")
            time.sleep(0.005)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))]
    print(f"{len(latencies)} RDSRs, C-STORE to queryable: median {statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms, max {latencies[-1]:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:])
