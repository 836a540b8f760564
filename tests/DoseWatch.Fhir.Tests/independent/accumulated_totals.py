#!/usr/bin/python3
"""Independent reading with pydicom of the totals a Radiation Dose Summary carries, for DoseWatch.Fhir.Tests.

Request on stdin: {"file": PATH, "codes": ["113813", ...]}. Walks the SR content tree and prints JSON: for each DCM
code asked for, every NUM with that concept name found anywhere in the tree, as {"value", "unit"} (UCUM code as
written). No conversion: the C# test converts explicitly.
"""
import json
import sys

import pydicom

request = json.load(sys.stdin)
ds = pydicom.dcmread(request["file"])
wanted = set(request["codes"])
found = {c: [] for c in wanted}


def walk(items):
    for item in items:
        name = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and name and name[0].CodingSchemeDesignator == "DCM" and name[0].CodeValue in wanted:
            mv = item.MeasuredValueSequence[0] if item.get("MeasuredValueSequence") else None
            if mv is not None:
                found[name[0].CodeValue].append({"value": float(mv.NumericValue), "unit": mv.MeasurementUnitsCodeSequence[0].CodeValue})
        if item.get("ContentSequence"):
            walk(item.ContentSequence)


walk(ds.get("ContentSequence", []))
print(json.dumps(found))
