#!/usr/bin/python3
"""Writes a copy of an RDSR in which every NUM with the given concept code is re-expressed in another unit:
value multiplied by FACTOR and the unit code replaced (pydicom 2.3.1 is the writer, not DoseWatch).

Usage: rescale_units.py SOURCE TARGET CODE NEW_UNIT FACTOR
"""
import sys

import pydicom
from pydicom.valuerep import DSfloat


def walk(items, code, unit, factor):
    count = 0
    for item in items:
        concept = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "NUM" and concept and concept[0].CodeValue == code and item.get("MeasuredValueSequence"):
            measured = item.MeasuredValueSequence[0]
            measured.NumericValue = DSfloat(format(float(measured.NumericValue) * factor, ".10g"), auto_format=False)
            if "FloatingPointValue" in measured:
                del measured.FloatingPointValue
            measured.MeasurementUnitsCodeSequence[0].CodeValue = unit
            count += 1
        if "ContentSequence" in item:
            count += walk(item.ContentSequence, code, unit, factor)
    return count


source, target, code, unit, factor = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
ds = pydicom.dcmread(source)
print(walk(ds.ContentSequence, code, unit, factor))
ds.save_as(target)
