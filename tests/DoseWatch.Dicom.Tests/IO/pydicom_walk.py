#!/usr/bin/python3
"""Prints pydicom's reading of DICOM files as normalised JSON, for DoseWatch's conformance tests.

Usage: /usr/bin/python3 pydicom_walk.py FILE...   (Debian's python3-pydicom 2.3.x)
Output: one JSON object per line: {"file", "error"} or {"file", "meta": NODES, "dataset": NODES}
NODE: [tag "ggggeeee", vr or null (null when the VR came from a dictionary, i.e. Implicit VR), value]
  value: for sequences a list of items (each a list of NODES); otherwise the raw value bytes converted to little
  endian per VR unit size (as DoseWatch keeps them), as hex when at most 64 bytes, else "md5:<hex>:<length>".
Undefined-length encapsulated values are pydicom's raw item bytes (Basic Offset Table and fragment items, without
the sequence delimiter). Nothing here decodes text: tags, VRs, structure and bytes are what is compared.
"""
import hashlib
import json
import struct
import sys

import pydicom
from pydicom import config
from pydicom.dataelem import DataElement_from_raw, RawDataElement
from pydicom.sequence import Sequence

config.replace_un_with_known_vr = False  # keep the VR the file says (DoseWatch keeps UN too)

UNIT = {"AT": 2, "OW": 2, "SS": 2, "US": 2, "FL": 4, "OF": 4, "SL": 4, "UL": 4, "OL": 4,
        "FD": 8, "OD": 8, "SV": 8, "UV": 8, "OV": 8}


def to_little_endian(value, vr, little):
    unit = UNIT.get(vr, 1)
    if little or unit == 1:
        return value
    whole = len(value) - len(value) % unit
    out = bytearray(value)
    for i in range(0, whole, unit):
        out[i:i + unit] = value[i:i + unit][::-1]
    return bytes(out)


def show(value):
    if len(value) <= 64:
        return value.hex()
    return "md5:%s:%d" % (hashlib.md5(value).hexdigest(), len(value))


def converted(elem):
    """pydicom converts a few elements while reading (meta group, Specific Character Set): re-encode those. Text is
    compared without its trailing padding ("text:"), since the padding byte is gone after conversion."""
    value = elem.value
    if isinstance(value, bytes):
        return show(value)
    if isinstance(value, int) and elem.VR in ("UL", "US", "SL", "SS"):
        return show(struct.pack({"UL": "<I", "US": "<H", "SL": "<i", "SS": "<h"}[elem.VR], value))
    if value is None or value == "" or value == b"":
        return ""  # empty, whether pydicom converted it or not
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        value = "\\".join(str(v) for v in value)
    return "text:" + str(value).rstrip(" \0")


def walk(ds):
    nodes = []
    for tag in sorted(ds.keys()):
        raw = ds.get_item(tag)
        tag_hex = "%08x" % int(tag)
        if isinstance(raw, RawDataElement):
            explicit = raw.VR is not None
            vr = raw.VR
            little = raw.is_little_endian
            value = raw.value or b""
            if not explicit:
                vr = DataElement_from_raw(raw, "iso8859").VR
            if vr == "SQ":
                nodes.append([tag_hex, "SQ" if explicit else None, [walk(item) for item in ds[tag].value]])
                continue
            if " or " in vr:  # pydicom's "OB or OW": no VR in the file to compare
                explicit = False
            nodes.append([tag_hex, vr if explicit else None, show(to_little_endian(value, vr, little))])
        else:  # pydicom parses sequences while reading
            if raw.VR == "SQ" or isinstance(raw.value, Sequence):  # an empty sequence's value is a plain list
                nodes.append([tag_hex, "SQ", [walk(item) for item in (raw.value or [])]])
            else:
                nodes.append([tag_hex, raw.VR, converted(raw)])
    return nodes


for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path, force=True)
        result = {"file": path, "meta": walk(ds.file_meta) if hasattr(ds, "file_meta") else [], "dataset": walk(ds)}
    except Exception as ex:  # any refusal is reported, not raised: the test decides what it means
        result = {"file": path, "error": "%s: %s" % (type(ex).__name__, ex)}
    print(json.dumps(result))
