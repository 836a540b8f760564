"""Writes copies of one CT RDSR as new studies, for the alerts end-to-end test (run with Debian's /usr/bin/python3).

usage: make_rdsr_series.py SAMPLE OUTDIR SPEC...
Each SPEC is name:factor[:kvp=V][:protocol=P][:date=YYYYMMDD][:time=HHMMSS]. Every copy gets new Study/Series/SOP
Instance UIDs and new Irradiation Event UIDs, and the Study Date and Time given (else the sample's); in every non-localizer CT acquisition (113819 whose 113820 is not 113805) CTDIvol (113830) and DLP (113838)
are multiplied by factor, KVP (113733) is set to V and the acquisition protocol (125203) to P when given; the accumulated
CT Dose Length Product Total (113813) becomes the sum of the acquisitions' DLP, as the scanner would report it.
Prints one JSON line per copy, read back from the written file: name, file, study UID, its dose events (CTDIvol,
DLP, kVp, target region meaning) and its reported DLP total.
"""
import json
import sys

import pydicom
from pydicom.uid import generate_uid


def code(item):
    return item.ConceptNameCodeSequence[0].CodeValue if "ConceptNameCodeSequence" in item else None


def children(item):
    return item.ContentSequence if "ContentSequence" in item else []


def descendants(item):
    for child in children(item):
        yield child
        yield from descendants(child)


def acquisitions(ds):
    return [i for i in descendants(ds) if code(i) == "113819"]


def is_localizer(acq):
    return any(code(c) == "113820" and c.ConceptCodeSequence[0].CodeValue == "113805" for c in children(acq))


def edit(acq, factor, kvp, protocol):
    for item in descendants(acq):
        c = code(item)
        if c in ("113830", "113838"):
            mv = item.MeasuredValueSequence[0]
            mv.NumericValue = f"{float(mv.NumericValue) * factor:.4f}"
        elif c == "113733" and kvp is not None:
            item.MeasuredValueSequence[0].NumericValue = str(kvp)
        elif c == "125203" and protocol is not None:
            item.TextValue = protocol


def describe(acq):
    values = {code(i): i for i in descendants(acq)}
    return {
        "eventUid": str(values["113769"].UID),
        "protocol": str(values["125203"].TextValue) if "125203" in values else None,
        "localizer": is_localizer(acq),
        "ctdiVolMGy": float(values["113830"].MeasuredValueSequence[0].NumericValue) if "113830" in values else None,
        "dlpMGyCm": float(values["113838"].MeasuredValueSequence[0].NumericValue) if "113838" in values else None,
        "targetRegion": str(values["123014"].ConceptCodeSequence[0].CodeMeaning) if "123014" in values else None,
        "kvp": [float(i.MeasuredValueSequence[0].NumericValue) for i in descendants(acq) if code(i) == "113733"],
    }


def main():
    sample, outdir, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    for spec in specs:
        name, factor, *options = spec.split(":")
        opts = dict(o.split("=", 1) for o in options)
        ds = pydicom.dcmread(sample)
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = generate_uid()
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        for item in descendants(ds):
            if code(item) == "113769":
                item.UID = generate_uid()
        if "date" in opts:
            ds.StudyDate = opts["date"]
        if "time" in opts:
            ds.StudyTime = opts["time"]
        for acq in acquisitions(ds):
            if not is_localizer(acq):
                edit(acq, float(factor), opts.get("kvp"), opts.get("protocol"))
        event_dlp = sum(float(i.MeasuredValueSequence[0].NumericValue) for i in descendants(ds) if code(i) == "113838")
        for item in descendants(ds):
            if code(item) == "113813":
                item.MeasuredValueSequence[0].NumericValue = f"{event_dlp:.4f}"
        path = f"{outdir}/{name}.dcm"
        ds.save_as(path, write_like_original=True)
        back = pydicom.dcmread(path)
        totals = [float(i.MeasuredValueSequence[0].NumericValue) for i in descendants(back) if code(i) == "113813"]
        print(json.dumps({"name": name, "file": path, "studyInstanceUid": str(back.StudyInstanceUID),
                          "studyDate": str(back.StudyDate), "studyTime": str(back.StudyTime),
                          "events": [describe(a) for a in acquisitions(back)],
                          "dlpTotalMGyCm": totals[0] if totals else None}))


if __name__ == "__main__":
    main()
