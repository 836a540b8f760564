"""Walks the SR content tree of each SR file given (SOP class 1.2.840.10008.5.1.4.1.1.88.*) with pydicom and prints,
as JSON {file: {"sop_class": uid, "template": root Template Identifier or null, "items": entries or null for non-SR files}}, one entry per content item in document order
(pre-order, the root first): [concept code value, coding scheme designator, value, units code value].

value by Value Type: NUM -> list of floats (Floating Point Value (0040,A161) when present, else Numeric Value (0040,A30A));
CODE -> "value|scheme" of the Concept Code Sequence; TEXT/UIDREF/DATETIME/DATE/TIME/PNAME -> the text as decoded;
IMAGE/COMPOSITE/WAVEFORM -> Referenced SOP Instance UIDs; anything else (CONTAINER, by-reference, SCOORD...) -> null.
Run with Debian's /usr/bin/python3 (pydicom 2.3.1). Used by SrConformanceTests as the independent reference.
"""
import json
import sys

import pydicom


def code_of(item):
    value = item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue")
    if value is None:
        return None, None
    return str(value).strip(), str(item.get("CodingSchemeDesignator", "")).strip()


def first_code(dataset, keyword):
    sequence = dataset.get(keyword)
    for item in sequence or []:
        value, scheme = code_of(item)
        if value is not None:
            return value, scheme
    return None, None


def as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, pydicom.multival.MultiValue)):
        return list(value)
    return [value]


def number_value(item):
    measured = item.get("MeasuredValueSequence")
    if not measured:
        return [], None
    mv = measured[0]
    units, _ = first_code(mv, "MeasurementUnitsCodeSequence")
    floating = as_list(mv.get("FloatingPointValue"))
    if floating:
        return [float(v) for v in floating], units
    numbers = []
    for v in as_list(mv.get("NumericValue")):
        try:
            numbers.append(float(v))
        except (TypeError, ValueError):
            pass  # unreadable DS text: no number
    return numbers, units


def value_of(item):
    vt = str(item.get("ValueType", "")).strip().upper()
    if vt == "NUM":
        return number_value(item)
    if vt == "CODE":
        value, scheme = first_code(item, "ConceptCodeSequence")
        return (None if value is None else f"{value}|{scheme}"), None
    text_keywords = {"TEXT": "TextValue", "PNAME": "PersonName", "UIDREF": "UID", "DATETIME": "DateTime", "DATE": "Date",
                     "TIME": "Time"}
    if vt in text_keywords:
        value = item.get(text_keywords[vt])
        if value is None or str(value) == "":
            return None, None
        # TEXT and PNAME keep leading spaces (significant in UT); the ASCII VRs are trimmed on both sides.
        return (str(value) if vt in ("TEXT", "PNAME") else str(value).strip()), None
    if vt in ("IMAGE", "COMPOSITE", "WAVEFORM"):
        return [str(r.get("ReferencedSOPInstanceUID", "")).strip() for r in item.get("ReferencedSOPSequence") or []], None
    return None, None


def walk(item, out):
    stack = [item]
    while stack:
        node = stack.pop()
        value, scheme = first_code(node, "ConceptNameCodeSequence")
        node_value, units = value_of(node)
        out.append([value, scheme, node_value, units])
        stack.extend(reversed(list(node.get("ContentSequence") or [])))


def main(paths):
    readings = {}
    for path in paths:
        dataset = pydicom.dcmread(path, force=True, stop_before_pixels=True)
        sop_class = str(dataset.get("SOPClassUID", "")).strip()
        out = None
        if sop_class.startswith("1.2.840.10008.5.1.4.1.1.88."):
            out = []
            walk(dataset, out)
        templates = dataset.get("ContentTemplateSequence") or []
        template = str(templates[0].get("TemplateIdentifier", "")).strip() if templates else None
        readings[path] = {"sop_class": sop_class, "template": template or None, "items": out}
    json.dump(readings, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
