#!/usr/bin/python3
"""Reference for scripts/bench-extract-to-sql.sh: pydicom 2.3.1 reads each file (pixels skipped) and walks the whole SR
content tree, touching every concept name, numeric value, unit and code, as an extractor must. Prints files/s."""
import sys
import time

import pydicom


def walk(items, sink):
    for item in items:
        concept = item.get("ConceptNameCodeSequence")
        if concept:
            sink.append((concept[0].get("CodeValue"), concept[0].get("CodingSchemeDesignator")))
        for mv in item.get("MeasuredValueSequence", []):
            sink.append((mv.get("NumericValue"), mv.MeasurementUnitsCodeSequence[0].get("CodeValue") if "MeasurementUnitsCodeSequence" in mv else None))
        for code in item.get("ConceptCodeSequence", []):
            sink.append((code.get("CodeValue"), code.get("CodingSchemeDesignator")))
        if "ContentSequence" in item:
            walk(item.ContentSequence, sink)


def main(paths, passes):
    count = 0
    items = 0
    start = time.perf_counter()
    for _ in range(passes):
        for path in paths:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            sink = []
            walk(ds.get("ContentSequence", []), sink)
            for keyword in ("CTDIvol", "KVP", "ExposureIndex", "EntranceDoseInmGy", "ImageAndFluoroscopyAreaDoseProduct", "OrganDose"):
                sink.append(ds.get(keyword))
            items += len(sink)
            count += 1
    seconds = time.perf_counter() - start
    print(f"{count} objects read+walked in {seconds:0.2f} s: {count / seconds:0.1f} objects/s ({items} items)")


if __name__ == "__main__":
    args = sys.argv[1:]
    passes = 1
    if args and args[0] == "--passes":
        passes = int(args[1])
        args = args[2:]
    main(args, passes)
