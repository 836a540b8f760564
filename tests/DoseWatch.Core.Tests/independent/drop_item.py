#!/usr/bin/python3
"""Writes a copy of a dose report with pydicom, without the first content item of a concept (e.g. 113830 Mean CTDIvol).

Prints JSON: the event container (code) that held it, its 1-based position among the containers of that code, and how
many items of the concept are left (read back from the written file).

Usage: drop_item.py SOURCE OUT CODE
"""
import json
import sys

import pydicom

EVENTS = {"113819", "113706"}


def code(item):
    names = item.get("ConceptNameCodeSequence")
    return names[0].CodeValue if names else None


def count(items, concept):
    return sum((code(i) == concept) + count(i.get("ContentSequence", []), concept) for i in items)


def drop(items, concept, event):
    for item in list(items):
        if code(item) == concept:
            items.remove(item)
            return event
        inner = event
        if code(item) in EVENTS:
            seen[code(item)] = seen.get(code(item), 0) + 1
            inner = (code(item), seen[code(item)])
        found = drop(item.get("ContentSequence", []), concept, inner)
        if found is not None:
            return found
    return None


source, out, concept = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {}
ds = pydicom.dcmread(source)
where = drop(ds.ContentSequence, concept, None)
ds.save_as(out)
left = count(pydicom.dcmread(out).ContentSequence, concept)
print(json.dumps({"container": where[0] if where else None, "position": where[1] if where else None, "left": left}))
