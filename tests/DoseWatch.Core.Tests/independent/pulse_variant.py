#!/usr/bin/python3
"""Makes a per-pulse variant of a projection RDSR with pydicom and reads back its expected means with numpy.

The first Irradiation Event X-Ray Data container's KVP (113733) and X-Ray Tube Current (113734) become one value
per pulse, some of them exactly 0 (pulses without exposure, as fluoroscopy RDSRs list them). The variant is written to
OUT; the answer is read back from OUT (not from the lists written) and is the numpy mean of the non-zero values.

Usage: pulse_variant.py SOURCE OUT   ->  {"kvp": [...], "ma": [...], "kvpMean": x, "maMean": y}
"""
import json
import sys

import numpy
import pydicom

KVP = [0, 85, 85, 68, 0, 72, 85, 85, 70, 0, 85]
MA = [0, 50, 52, 48, 0, 51, 49, 50, 50, 0, 50]


def first(seq, code):
    for item in seq:
        names = item.get("ConceptNameCodeSequence")
        if names and names[0].CodeValue == code:
            return item
    return None


def descendant(item, code):
    for child in item.get("ContentSequence", []):
        names = child.get("ConceptNameCodeSequence")
        if names and names[0].CodeValue == code:
            return child
        found = descendant(child, code)
        if found is not None:
            return found
    return None


def values(item):
    v = item.MeasuredValueSequence[0].NumericValue
    return [float(x) for x in (v if isinstance(v, pydicom.multival.MultiValue) else [v])]


source, out = sys.argv[1], sys.argv[2]
ds = pydicom.dcmread(source)
event = first(ds.ContentSequence, "113706")
descendant(event, "113733").MeasuredValueSequence[0].NumericValue = [str(v) for v in KVP]
descendant(event, "113734").MeasuredValueSequence[0].NumericValue = [str(v) for v in MA]
ds.save_as(out)

back = pydicom.dcmread(out)
event = first(back.ContentSequence, "113706")
kvp = numpy.array(values(descendant(event, "113733")))
ma = numpy.array(values(descendant(event, "113734")))
print(json.dumps({"kvp": kvp.tolist(), "ma": ma.tolist(),
                  "kvpMean": float(numpy.mean(kvp[kvp != 0])), "maMean": float(numpy.mean(ma[ma != 0]))}))
