#!/usr/bin/python3
"""Independent reading of irradiation event start times with pydicom and Python's zoneinfo, for DoseWatch's time tests.

For each irradiation event container (CT 113819, projection X-ray 113706) prints the DateTime Started (111526) as
written and as an ISO 8601 instant in UTC with microseconds: the offset written in the value, else the object's
Timezone Offset From UTC (0008,0201) (&ZZXX, or GE's "UTC-04:00" form), else the site time zone given on the command line.

Usage: event_times.py FILE ZONE   ->  {"offsetAttribute": "...", "events": [{"written": "...", "utc": "..."}]}
"""
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pydicom

EVENTS = {"113819", "113706"}


def offset(text):
    m = re.fullmatch(r"\s*(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})\s*", text or "", re.IGNORECASE)
    if not m:
        return None
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


def first_started(items):
    for child in items:
        cn = child.get("ConceptNameCodeSequence")
        if cn and cn[0].CodeValue == "111526" and child.get("ValueType") == "DATETIME":
            return str(child.DateTime)
        found = first_started(child.get("ContentSequence", []))
        if found is not None:
            return found
    return None


def walk(items, out):
    for item in items:
        names = item.get("ConceptNameCodeSequence")
        if item.get("ValueType") == "CONTAINER" and names and names[0].CodeValue in EVENTS:
            started = first_started(item.get("ContentSequence", []))
            if started is not None:
                out.append(started)
            continue
        if "ContentSequence" in item:
            walk(item.ContentSequence, out)


path, zone = sys.argv[1], ZoneInfo(sys.argv[2])
ds = pydicom.dcmread(path, stop_before_pixels=True)
attribute = ds.get("TimezoneOffsetFromUTC")
object_offset = offset(str(attribute)) if attribute is not None else None
written = []
walk(ds.get("ContentSequence", []), written)
events = []
for w in written:
    m = re.fullmatch(r"(\d{14})(?:\.(\d{1,6}))?([+-]\d{4})?", w.strip())
    local = datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(microsecond=int((m.group(2) or "0").ljust(6, "0")))
    tz = offset(m.group(3)) if m.group(3) else object_offset
    aware = local.replace(tzinfo=tz) if tz is not None else local.replace(tzinfo=zone)
    events.append({"written": w, "utc": aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")})
print(json.dumps({"offsetAttribute": None if attribute is None else str(attribute), "events": events}))
