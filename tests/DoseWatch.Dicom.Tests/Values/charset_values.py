"""Prints, as JSON, pydicom's decoding of every character-set text element (SH, LO, ST, LT, PN, UC, UT) of the files given.

Output: {file: {path: values}}. Paths: "(gggg,eeee)" at the top level, "(gggg,eeee)/i/(gggg,eeee)" inside item i of a sequence.
Values are lists of strings, one per value (an empty element is an empty list). Run with Debian's /usr/bin/python3
(pydicom 2.3.1). Used by CharsetConformanceTests as the independent reference.
"""
import json
import sys

import pydicom

CHARSET_VRS = {"SH", "LO", "ST", "LT", "PN", "UC", "UT"}


def values(element):
    value = element.value
    if value is None or value == "":
        return []
    if isinstance(value, (list, pydicom.multival.MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def walk(dataset, prefix, out):
    for element in dataset:
        path = f"{prefix}({element.tag.group:04X},{element.tag.element:04X})"
        if element.VR == "SQ":
            for i, item in enumerate(element.value):
                walk(item, f"{path}/{i}/", out)
        elif element.VR in CHARSET_VRS:
            out[path] = values(element)


def main(paths):
    readings = {}
    for path in paths:
        out = {}
        walk(pydicom.dcmread(path, force=True), "", out)
        readings[path] = out
    json.dump(readings, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
