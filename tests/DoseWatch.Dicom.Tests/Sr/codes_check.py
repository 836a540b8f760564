"""Looks codes up in pydicom 2.3.1's copy of PS3.16 (sr/_concepts_dict.py, sr/_snomed_dict.py).

argv[1]: {"concepts": [[scheme, value], ...], "legacy": [srt_id, ...]}
stdout: {"concepts": {"scheme|value": meaning or null}, "legacy": {srt_id: sct concept id or null}}
Run with Debian's /usr/bin/python3. Used by CodeConstantsTests as the independent reference.
"""
import json
import sys

from pydicom.sr._concepts_dict import concepts
from pydicom.sr._snomed_dict import mapping

meanings = {}
for scheme, by_keyword in concepts.items():
    for codes in by_keyword.values():
        for value, (meaning, _cids) in codes.items():
            meanings.setdefault(f"{scheme}|{value}", meaning)

request = json.loads(sys.argv[1])
json.dump({
    "concepts": {f"{s}|{v}": meanings.get(f"{s}|{v}") for s, v in request["concepts"]},
    "legacy": {srt: mapping["SRT"].get(srt) for srt in request["legacy"]},
}, sys.stdout, ensure_ascii=False)
