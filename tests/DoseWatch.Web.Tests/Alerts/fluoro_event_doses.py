#!/usr/bin/python3
"""Independent reading of fluoroscopy RDSRs with pydicom, for the cumulative-dose end-to-end test.

For each file prints one JSON line: the study identifiers (Study Instance UID, Patient ID, Study Date) and, for each
irradiation event container (TID 10003, DCM 113706), the event type code (113721), Dose (RP) (113738), Dose Area
Product (122130) and Irradiation Duration (113742), each as value + unit code exactly as stored. No unit conversion:
the C# test converts explicitly.

Usage: fluoro_event_doses.py FILE [FILE...]
"""
import json
import sys

import pydicom


def code(seq):
    if not seq:
        return None
    item = seq[0]
    return (str(item.get("CodeValue", "")).strip(), str(item.get("CodingSchemeDesignator", "")).strip())


def num(item):
    mv = item.get("MeasuredValueSequence")
    if not mv:
        return None
    m = mv[0]
    value = float(m.FloatingPointValue) if "FloatingPointValue" in m else float(m.NumericValue)
    unit = code(m.get("MeasurementUnitsCodeSequence"))
    return {"value": value, "unit": unit[0] if unit else None}


def events(items, found):
    for item in items:
        if str(item.get("ValueType", "")).strip() == "CONTAINER" and code(item.get("ConceptNameCodeSequence")) == ("113706", "DCM"):
            found.append(item)
            continue
        if "ContentSequence" in item:
            events(item.ContentSequence, found)


def read(path):
    ds = pydicom.dcmread(path)
    containers = []
    events(ds.get("ContentSequence", []), containers)
    out = []
    for container in containers:
        event = {"type": None, "doseRp": None, "dap": None, "duration": None}
        for item in container.get("ContentSequence", []):
            concept = code(item.get("ConceptNameCodeSequence"))
            vt = str(item.get("ValueType", "")).strip()
            if concept == ("113721", "DCM") and vt == "CODE":
                event["type"] = code(item.get("ConceptCodeSequence"))[0]
            elif concept == ("113738", "DCM") and vt == "NUM":
                event["doseRp"] = num(item)
            elif concept == ("122130", "DCM") and vt == "NUM":
                event["dap"] = num(item)
            elif concept == ("113742", "DCM") and vt == "NUM":
                event["duration"] = num(item)
        out.append(event)
    return {"file": path, "studyInstanceUid": str(ds.StudyInstanceUID), "patientId": str(ds.get("PatientID", "")),
            "studyDate": str(ds.get("StudyDate", "")), "events": out}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(read(p)))
