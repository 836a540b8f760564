#!/usr/bin/python3
"""Independent reading of fluoroscopy RDSRs with pydicom, for the cumulative-dose end-to-end test.

For each file prints one JSON line: the study identifiers (Study Instance UID, Patient ID, Study Date) and, for each
irradiation event container (TID 10003, DCM 113706), the event type code (113721), Dose (RP) (113738), Dose Area
Product (122130) and Irradiation Duration (113742), each as value + unit code exactly as stored; and the device's own
Accumulated X-Ray Dose Data (TID 10002, DCM 113702) totals: Dose (RP) Total (113725), Dose Area Product Total (113722)
and Total Fluoro Time (113730), summed over the containers (planes) that report them. No unit conversion: the C# test
converts explicitly.

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


def containers(items, concept, found):
    for item in items:
        if str(item.get("ValueType", "")).strip() == "CONTAINER" and code(item.get("ConceptNameCodeSequence")) == concept:
            found.append(item)
            continue
        if "ContentSequence" in item:
            containers(item.ContentSequence, concept, found)


def totals(planes):
    out = {"doseRp": None, "dap": None, "fluoroTime": None}
    names = {("113725", "DCM"): "doseRp", ("113722", "DCM"): "dap", ("113730", "DCM"): "fluoroTime"}
    for container in planes:
        for item in container.get("ContentSequence", []):
            name = names.get(code(item.get("ConceptNameCodeSequence")))
            if name and str(item.get("ValueType", "")).strip() == "NUM" and num(item):
                m = num(item)
                if out[name] is None:
                    out[name] = m
                elif out[name]["unit"] == m["unit"]:
                    out[name] = {"value": out[name]["value"] + m["value"], "unit": m["unit"]}
                else:
                    raise ValueError("planes report %s in different units" % name)
    return out


def read(path):
    ds = pydicom.dcmread(path)
    events = []
    containers(ds.get("ContentSequence", []), ("113706", "DCM"), events)
    planes = []
    containers(ds.get("ContentSequence", []), ("113702", "DCM"), planes)
    out = []
    for container in events:
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
            "studyDate": str(ds.get("StudyDate", "")), "events": out, "accumulated": totals(planes)}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(read(p)))
