#!/usr/bin/python3
"""Prints pydicom's data dictionary (its own copy of PS3.6) as JSON: {"tags": {...}, "repeaters": {...}}, each
entry [VR, VM, keyword]. Used to check DoseWatch's dictionary, which is generated from DCMTK's copy."""
import json
from pydicom.datadict import DicomDictionary, RepeatersDictionary

print(json.dumps({
    "tags": {"%08x" % tag: [vr, vm, kw] for tag, (vr, vm, _name, _retired, kw) in DicomDictionary.items()},
    "repeaters": {mask: [vr, vm, kw] for mask, (vr, vm, _name, _retired, kw) in RepeatersDictionary.items()},
}))
