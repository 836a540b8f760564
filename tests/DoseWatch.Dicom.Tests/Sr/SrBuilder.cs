using System.Buffers.Binary;
using System.Text;
using DoseWatch.Dicom.Sr;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>Builds SR content items as a device would encode them (PS3.3 C.17.3), for tests on constructed data sets.</summary>
internal static class SrBuilder
{
    public static DicomElement Text(DicomTag tag, DicomVR vr, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr.PaddingByte];
        return new DicomElement(tag, vr, bytes);
    }

    public static DicomDataSet CodeItem(string value, string scheme, string meaning) => new(
    [
        Text(CodeTags.CodeValue, DicomVR.SH, value), Text(CodeTags.CodingSchemeDesignator, DicomVR.SH, scheme),
        Text(CodeTags.CodeMeaning, DicomVR.LO, meaning),
    ]);

    public static DicomSequence CodeSequence(DicomTag tag, string value, string scheme, string meaning) => new(tag, [CodeItem(value, scheme, meaning)]);

    public static DicomDataSet Item(string? relationship, string? valueType, (string Value, string Scheme, string Meaning)? concept,
        IEnumerable<DicomElement>? value = null, IEnumerable<DicomDataSet>? children = null)
    {
        var ds = new DicomDataSet();
        if (relationship is not null) ds.Set(Text(SrTags.RelationshipType, DicomVR.CS, relationship));
        if (valueType is not null) ds.Set(Text(SrTags.ValueType, DicomVR.CS, valueType));
        if (concept is { } c) ds.Set(CodeSequence(SrTags.ConceptNameCodeSequence, c.Value, c.Scheme, c.Meaning));
        foreach (var e in value ?? []) ds.Set(e);
        if (children is not null) ds.Set(new DicomSequence(SrTags.ContentSequence, children));
        return ds;
    }

    public static DicomDataSet Num((string, string, string) concept, string? numericValue, string? units, string relationship = "CONTAINS", double[]? floating = null)
    {
        var measured = new List<DicomDataSet>();
        if (numericValue is not null)
        {
            var mv = new DicomDataSet().Set(Text(SrTags.NumericValue, DicomVR.DS, numericValue));
            if (units is not null) mv.Set(CodeSequence(SrTags.MeasurementUnitsCodeSequence, units, "UCUM", units));
            if (floating is not null)
            {
                var bytes = new byte[8 * floating.Length];
                for (var i = 0; i < floating.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), floating[i]);
                mv.Set(new DicomElement(SrTags.FloatingPointValue, DicomVR.FD, bytes));
            }
            measured.Add(mv);
        }
        return Item(relationship, "NUM", concept, [new DicomSequence(SrTags.MeasuredValueSequence, measured)]);
    }

    public static DicomDataSet Code(string relationship, (string, string, string) concept, (string Value, string Scheme, string Meaning) code) =>
        Item(relationship, "CODE", concept, [CodeSequence(SrTags.ConceptCodeSequence, code.Value, code.Scheme, code.Meaning)]);
}
