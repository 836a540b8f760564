# Issue #16 item 4: a copy of a real mammography image with one more element, a private UN of undefined length whose
# item is encoded in Explicit VR (PS3.5 6.2.2 says Implicit VR), as a vendor's image has it. Written as raw bytes, since
# no writer produces the fault on purpose, then read back with pydicom to report what it sees.
# stdin: {"source": path, "target": path}; stdout: JSON of pydicom's reading of the target.
import json, struct, sys, warnings
import pydicom
from pydicom.filebase import DicomBytesIO

req = json.load(sys.stdin)
ds = pydicom.dcmread(req["source"])
assert not ds.file_meta.TransferSyntaxUID.is_implicit_VR and ds.file_meta.TransferSyntaxUID.is_little_endian
def written(dataset):
    out = DicomBytesIO()
    out.is_little_endian, out.is_implicit_VR = True, False
    pydicom.dcmwrite(out, dataset, write_like_original=True)
    return out.getvalue()

raw = written(ds)
del ds.PixelData
head = written(ds)
# Pixel data is the last element: everything before it is the file written without it.
assert raw.startswith(head) and raw[len(head):len(head) + 4] == struct.pack("<HH", 0x7FE0, 0x0010)
pixel = len(head)

def explicit(group, element, vr, value):
    value = value + (b" " if len(value) % 2 else b"")
    return struct.pack("<HH", group, element) + vr + struct.pack("<H", len(value)) + value

creator = explicit(0x7FD1, 0x0010, b"LO", b"DOSEWATCH UN TEST")
item = explicit(0x0008, 0x0100, b"SH", b"T-04000") + explicit(0x0008, 0x0102, b"SH", b"SRT") + explicit(0x0008, 0x0104, b"LO", b"Breast")
un = (struct.pack("<HH", 0x7FD1, 0x1001) + b"UN\0\0" + struct.pack("<I", 0xFFFFFFFF)
      + struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + item + struct.pack("<HHI", 0xFFFE, 0xE00D, 0)
      + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))
with open(req["target"], "wb") as f:
    f.write(raw[:pixel] + creator + un + raw[pixel:])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    back = pydicom.dcmread(req["target"])
    seq = back[0x7FD1, 0x1001]
    first = seq.value[0]
    print(json.dumps({
        "vr": seq.VR,
        "items": len(seq.value),
        "codeValue": str(first.CodeValue),
        "scheme": str(first.CodingSchemeDesignator),
        "meaning": str(first.CodeMeaning),
        "warnings": [str(w.message) for w in caught],
    }))
