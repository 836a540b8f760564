"""Independent reading (pydicom) of original and de-identified objects for the de-identification tests.

usage: read_deid.py FILE...   prints one JSON object per file (in order) on one line each:
  patientId, patientName, studyDate, contentDate, sop, study,
  dates: every DA value and the date part of every DT value in the data set, in traversal order (tag, value),
  refs: every Referenced SOP Instance UID (0008,1155) anywhere, contentRefs: those inside the SR Content Sequence, uidrefs: every SR UIDREF (0040,A124)
"""
import json, sys
import pydicom

def walk(ds, out, in_content=False):
    for el in ds:
        if el.VR == 'SQ':
            for item in el.value:
                walk(item, out, in_content or el.tag == 0x0040A730)
            continue
        if el.tag.is_private or el.value in (None, ''):
            continue
        if el.VR in ('DA', 'DT'):
            values = el.value if isinstance(el.value, pydicom.multival.MultiValue) else [el.value]
            for v in values:
                out['dates'].append([f'{el.tag:08X}', str(v)])
        if el.tag == 0x00081155:
            out['refs'].append(str(el.value))
            if in_content:
                out['contentRefs'].append(str(el.value))
        if el.tag == 0x0040A124:
            out['uidrefs'].append(str(el.value))

for path in sys.argv[1:]:
    d = pydicom.dcmread(path, force=True)
    out = {'patientId': str(d.get('PatientID', '')), 'issuer': str(d.get('IssuerOfPatientID', '')), 'patientName': str(d.get('PatientName', '')),
           'studyDate': str(d.get('StudyDate', '')), 'contentDate': str(d.get('ContentDate', '')),
           'sop': str(d.get('SOPInstanceUID', '')), 'study': str(d.get('StudyInstanceUID', '')),
           'identityRemoved': str(d.get('PatientIdentityRemoved', '')),
           'methodCodes': [str(i.CodeValue) for i in d.get('DeidentificationMethodCodeSequence', [])],
           'dates': [], 'refs': [], 'contentRefs': [], 'uidrefs': []}
    walk(d, out)
    print(json.dumps(out))
