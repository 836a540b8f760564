# The first item of each concept below every container of one code, read with pydicom (issue #16 item 9 tests):
# {"file": path, "container": code} on stdin, a JSON list (one object per container: code -> values/unit, meaning or text).
import sys, json, pydicom
req=json.load(sys.stdin)
ds=pydicom.dcmread(req['file'])
def code(it): return it.ConceptNameCodeSequence[0].CodeValue
def walk(items, out):
    for it in items:
        if 'ConceptNameCodeSequence' in it:
            k=code(it)
            if it.ValueType=='NUM' and len(it.get('MeasuredValueSequence',[])):
                m=it.MeasuredValueSequence[0]
                v=m.NumericValue
                out.setdefault(k, {'values':[float(x) for x in (v if isinstance(v, pydicom.multival.MultiValue) else [v])], 'unit':m.MeasurementUnitsCodeSequence[0].CodeValue})
            elif it.ValueType=='CODE': out.setdefault(k, {'meaning': it.ConceptCodeSequence[0].CodeMeaning})
            elif it.ValueType=='UIDREF': out.setdefault(k, {'text': it.UID})
            elif it.ValueType=='TEXT': out.setdefault(k, {'text': it.TextValue})
            elif it.ValueType=='PNAME': out.setdefault(k, {'text': str(it.PersonName)})
        walk(it.get('ContentSequence',[]), out)
events=[]
def find(items, container):
    for it in items:
        if 'ConceptNameCodeSequence' in it and code(it)==container:
            out={}; walk(it.get('ContentSequence',[]), out); events.append(out)
        else: find(it.get('ContentSequence',[]), container)
find(ds.ContentSequence, req['container'])
print(json.dumps(events))
