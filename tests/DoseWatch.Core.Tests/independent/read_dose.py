#!/usr/bin/python3
"""Independent reading of a dose object with pydicom 2.3.1, for DoseWatch's extraction tests.

Walks the SR content tree (or the image header) of one file and prints JSON: identifiers, study/device
attributes, and for each irradiation event every NUM (code, scheme, values, unit), CODE, TEXT and UIDREF it
contains, found by code value + coding scheme. No unit conversion and no interpretation beyond locating the
event and accumulation containers: the C# test converts units explicitly and compares.

Usage: read_dose.py FILE [FILE...]   (several files: one JSON object keyed by path)
"""
import json
import sys

import pydicom
from pydicom.sr._snomed_dict import mapping as SNOMED_MAPPING

EVENT_CONTAINERS = {("113819", "DCM"), ("113706", "DCM"), ("113502", "DCM")}
ACCUMULATION_CONTAINERS = {("113811", "DCM"), ("113702", "DCM")}

HEADER_KEYWORDS = [
    "CTDIvol", "KVP", "XRayTubeCurrent", "XRayTubeCurrentInmA", "Exposure", "ExposureInmAs", "ExposureInuAs",
    "ExposureTime", "ExposureTimeInms", "SpiralPitchFactor", "TotalCollimationWidth", "SingleCollimationWidth",
    "ProtocolName", "SeriesDescription", "BodyPartExamined", "AcquisitionNumber", "IrradiationEventUID",
    "WaterEquivalentDiameter", "ImageAndFluoroscopyAreaDoseProduct", "EntranceDoseInmGy", "EntranceDose",
    "OrganDose", "OrganExposed", "BodyPartThickness", "CompressionForce", "ExposureIndex", "TargetExposureIndex",
    "DeviationIndex", "RelativeXRayExposure", "AnodeTargetMaterial", "FilterMaterial", "FilterType",
    "DistanceSourceToDetector", "DistanceSourceToPatient", "ImageLaterality", "ViewPosition",
    "SAR", "dBdt", "B1rms", "MagneticFieldStrength", "MechanicalIndex", "BoneThermalIndex",
    "CranialThermalIndex", "SoftTissueThermalIndex", "TransducerData", "ProcessingFunction",
    "ImageType", "PresentationIntentType", "AcquisitionDate", "AcquisitionTime", "ContentDate",
]


def text(v):
    if v is None:
        return None
    if isinstance(v, pydicom.multival.MultiValue):
        return "\\".join(str(x) for x in v)
    s = str(v).strip()
    return s or None


def number_list(elem_value):
    if elem_value is None or elem_value == "":
        return []
    values = elem_value if isinstance(elem_value, (list, pydicom.multival.MultiValue)) else [elem_value]
    out = []
    for x in values:
        try:
            out.append(float(str(x).strip()))
        except ValueError:
            pass
    return out


def code_of(seq):
    if not seq:
        return None
    item = seq[0]
    value = item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue")
    if value is None:
        return None
    code = {"code": str(value).strip(), "scheme": str(item.get("CodingSchemeDesignator", "")).strip(),
            "meaning": text(item.get("CodeMeaning"))}
    # Legacy SNOMED RT codes with their SNOMED CT equivalent, from pydicom's own mapping table.
    if code["scheme"] == "SRT" and code["code"] in SNOMED_MAPPING["SRT"]:
        code["sct"] = SNOMED_MAPPING["SRT"][code["code"]]
    return code


def content_item(item, path):
    concept = code_of(item.get("ConceptNameCodeSequence"))
    vt = str(item.get("ValueType", "")).strip()
    out = {"valueType": vt, "concept": concept, "path": path}
    if vt == "NUM":
        mv = item.get("MeasuredValueSequence")
        if mv:
            m = mv[0]
            if "FloatingPointValue" in m:
                out["values"] = [float(x) for x in (m.FloatingPointValue if isinstance(m.FloatingPointValue, (list, pydicom.multival.MultiValue)) else [m.FloatingPointValue])]
            else:
                raw = m["NumericValue"].value if "NumericValue" in m else None
                out["values"] = number_list(raw)
            unit = code_of(m.get("MeasurementUnitsCodeSequence"))
            out["unit"] = unit["code"] if unit else None
        else:
            out["values"] = []
            out["unit"] = None
    elif vt == "CODE":
        out["value"] = code_of(item.get("ConceptCodeSequence"))
    elif vt in ("TEXT",):
        out["text"] = text(item.get("TextValue"))
    elif vt == "UIDREF":
        out["text"] = text(item.get("UID"))
    elif vt == "DATETIME":
        out["text"] = text(item.get("DateTime"))
    elif vt == "PNAME":
        out["text"] = text(str(item.get("PersonName"))) if item.get("PersonName") is not None else None
    return out


def walk(items, path, sink):
    """Flattens a content tree below a container into sink, keeping the path of container codes."""
    for item in items:
        ci = content_item(item, path)
        sink.append(ci)
        if "ContentSequence" in item:
            key = ci["concept"]["code"] if ci["concept"] else "?"
            walk(item.ContentSequence, path + [key], sink)


def find_containers(items, wanted, found):
    for item in items:
        concept = code_of(item.get("ConceptNameCodeSequence"))
        if str(item.get("ValueType", "")).strip() == "CONTAINER" and concept and (concept["code"], concept["scheme"]) in wanted:
            found.append((concept, item))
            continue
        if "ContentSequence" in item:
            find_containers(item.ContentSequence, wanted, found)


def exposure_dose_item(item):
    out = {}
    for keyword in ("CTDIvol", "KVP", "XRayTubeCurrentInuA", "ExposureTime", "ScanLength", "SpiralPitchFactor",
                    "SeriesDescription", "AcquisitionType", "TotalCollimationWidth", "SingleCollimationWidth"):
        if keyword in item:
            elem = item[keyword]
            out[keyword] = number_list(elem.value) if elem.VR in ("DS", "IS", "FD") else text(elem.value)
    try:
        block = item.private_block(0x00E1, "ELSCINT1")
        raw = block[0x21].value
        out["ELSCINT1_21"] = raw.decode("ascii").strip() if isinstance(raw, bytes) else str(raw).strip()
    except KeyError:
        pass
    return out


def read(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
    out = {
        "sopClassUid": text(ds.get("SOPClassUID")),
        "sopInstanceUid": text(ds.get("SOPInstanceUID")),
        "studyInstanceUid": text(ds.get("StudyInstanceUID")),
        "seriesInstanceUid": text(ds.get("SeriesInstanceUID")),
        "modality": text(ds.get("Modality")),
        "accessionNumber": text(ds.get("AccessionNumber")),
        "studyDate": text(ds.get("StudyDate")),
        "studyDescription": text(ds.get("StudyDescription")),
        "manufacturer": text(ds.get("Manufacturer")),
        "model": text(ds.get("ManufacturerModelName")),
        "stationName": text(ds.get("StationName")),
        "serialNumber": text(ds.get("DeviceSerialNumber")),
        "patientSex": text(ds.get("PatientSex")),
        "patientAge": text(ds.get("PatientAge")),
        "patientWeight": number_list(ds.get("PatientWeight")),
        "patientSize": number_list(ds.get("PatientSize")),
        "requestedProcedure": text(ds.get("RequestedProcedureDescription")) or next(
            (text(i.get("RequestedProcedureDescription")) for i in ds.get("RequestAttributesSequence", []) if text(i.get("RequestedProcedureDescription"))), None),
        "root": code_of(ds.get("ConceptNameCodeSequence")),
        "templateId": None,
        "events": [],
        "accumulations": [],
        "header": {},
    }
    if "ContentTemplateSequence" in ds and len(ds.ContentTemplateSequence):
        out["templateId"] = text(ds.ContentTemplateSequence[0].get("TemplateIdentifier"))
    if "ContentSequence" in ds:
        events = []
        find_containers(ds.ContentSequence, EVENT_CONTAINERS, events)
        for concept, item in events:
            items = []
            walk(item.get("ContentSequence", []), [concept["code"]], items)
            out["events"].append({"container": concept, "items": items})
        accumulations = []
        find_containers(ds.ContentSequence, ACCUMULATION_CONTAINERS, accumulations)
        for concept, item in accumulations:
            items = []
            walk(item.get("ContentSequence", []), [concept["code"]], items)
            out["accumulations"].append({"container": concept, "items": items})
    for keyword in HEADER_KEYWORDS:
        if keyword in ds:
            elem = ds[keyword]
            if elem.VR in ("DS", "IS", "FD", "FL", "US", "UL", "SS", "SL"):
                out["header"][keyword] = number_list(elem.value)
            else:
                out["header"][keyword] = text(elem.value)
    if out["root"] and (out["root"]["code"], out["root"]["scheme"]) not in {("113701", "DCM"), ("113500", "DCM")} and "ContentSequence" in ds:
        out["tree"] = []
        walk(ds.ContentSequence, [out["root"]["code"]], out["tree"])
    out["exposureDoseItems"] = [exposure_dose_item(item) for item in ds.get("ExposureDoseSequence", [])]
    phantom = ds.get("CTDIPhantomTypeCodeSequence")
    if phantom:
        out["header"]["CTDIPhantomTypeCode"] = code_of(phantom)
    # NM/PET administrations (Radiopharmaceutical Information Sequence), as pydicom reads each item.
    out["radiopharmaceuticals"] = [{
        "totalDose": number_list(i.get("RadionuclideTotalDose")),
        "radiopharmaceutical": text(i.get("Radiopharmaceutical")),
        "agent": code_of(i.get("RadiopharmaceuticalCodeSequence")),
        "radionuclide": code_of(i.get("RadionuclideCodeSequence")),
        "route": code_of(i.get("AdministrationRouteCodeSequence")),
        "startDateTime": text(i.get("RadiopharmaceuticalStartDateTime")),
        "startTime": text(i.get("RadiopharmaceuticalStartTime")),
        "administrationUid": text(i.get((0x0008, 0x3012)).value if (0x0008, 0x3012) in i else None),
    } for i in ds.get("RadiopharmaceuticalInformationSequence", [])]
    out["seriesDate"] = text(ds.get("SeriesDate"))
    return out


if __name__ == "__main__":
    paths = sys.argv[1:]
    if len(paths) == 1:
        json.dump(read(paths[0]), sys.stdout)
    else:
        json.dump({p: read(p) for p in paths}, sys.stdout)
