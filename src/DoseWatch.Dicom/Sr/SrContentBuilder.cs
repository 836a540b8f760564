using System.Globalization;

namespace DoseWatch.Dicom.Sr;

/// <summary>
/// Builds SR content items (PS3.3 C.17.3 and the C.18 value macros) as data set items, the inverse of
/// <see cref="ContentItem"/>. Every item carries its relationship type, value type and Concept Name Code Sequence; NUM
/// values are written as DS text with their UCUM unit so that any reader sees exactly the number given.
/// </summary>
public static class SrContentBuilder
{
    public const string Contains = "CONTAINS";
    public const string HasObsContext = "HAS OBS CONTEXT";
    public const string HasConceptMod = "HAS CONCEPT MOD";
    public const string HasProperties = "HAS PROPERTIES";
    public const string HasAcqContext = "HAS ACQ CONTEXT";
    public const string InferredFrom = "INFERRED FROM";

    /// <summary>The attributes of a document's root CONTAINER, set on the top-level data set (no relationship type).</summary>
    public static void SetRoot(DicomDataSet dataSet, CodedConcept concept, string templateId, IEnumerable<DicomDataSet> children)
    {
        dataSet.SetString(SrTags.ValueType, DicomVR.CS, "CONTAINER");
        dataSet.Set(CodeSequence(SrTags.ConceptNameCodeSequence, concept));
        dataSet.SetString(SrTags.ContinuityOfContent, DicomVR.CS, "SEPARATE");
        dataSet.Set(TemplateSequence(templateId));
        dataSet.Set(new DicomSequence(SrTags.ContentSequence, children));
    }

    public static DicomDataSet Container(string relationship, CodedConcept concept, IEnumerable<DicomDataSet> children, string? templateId = null)
    {
        var item = Item(relationship, "CONTAINER", concept);
        item.SetString(SrTags.ContinuityOfContent, DicomVR.CS, "SEPARATE");
        if (templateId is not null) item.Set(TemplateSequence(templateId));
        item.Set(new DicomSequence(SrTags.ContentSequence, children));
        return item;
    }

    public static DicomDataSet Code(string relationship, CodedConcept concept, CodedConcept value, params DicomDataSet[] children) =>
        WithChildren(Item(relationship, "CODE", concept).Set(CodeSequence(SrTags.ConceptCodeSequence, value)), children);

    /// <summary>A NUM item; the value is written as a DS of at most 16 characters (PS3.5 Table 6.2-1).</summary>
    public static DicomDataSet Num(string relationship, CodedConcept concept, double value, CodedConcept unit, params DicomDataSet[] children)
    {
        var measured = new DicomDataSet();
        measured.SetString(SrTags.NumericValue, DicomVR.DS, DecimalString(value));
        measured.Set(CodeSequence(SrTags.MeasurementUnitsCodeSequence, unit));
        return WithChildren(Item(relationship, "NUM", concept).Set(new DicomSequence(SrTags.MeasuredValueSequence, [measured])), children);
    }

    public static DicomDataSet Text(string relationship, CodedConcept concept, string text) =>
        Item(relationship, "TEXT", concept).SetString(SrTags.TextValue, DicomVR.UT, text);

    public static DicomDataSet UidRef(string relationship, CodedConcept concept, string uid, params DicomDataSet[] children) =>
        WithChildren(Item(relationship, "UIDREF", concept).SetString(SrTags.Uid, DicomVR.UI, uid), children);

    public static DicomDataSet DateTime(string relationship, CodedConcept concept, System.DateTime value) =>
        Item(relationship, "DATETIME", concept).SetString(SrTags.DateTime, DicomVR.DT, value.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));

    public static DicomDataSet PersonName(string relationship, CodedConcept concept, string name, params DicomDataSet[] children) =>
        WithChildren(Item(relationship, "PNAME", concept).SetString(SrTags.PersonName, DicomVR.PN, name), children);

    /// <summary>A one-item code sequence (Code Sequence Macro, PS3.3 Table 8.8-1).</summary>
    public static DicomSequence CodeSequence(DicomTag tag, CodedConcept code)
    {
        var item = new DicomDataSet();
        item.SetString(CodeTags.CodeValue, DicomVR.SH, code.CodeValue);
        item.SetString(CodeTags.CodingSchemeDesignator, DicomVR.SH, code.CodingSchemeDesignator);
        item.SetString(CodeTags.CodeMeaning, DicomVR.LO, code.CodeMeaning ?? code.CodeValue);
        return new DicomSequence(tag, [item]);
    }

    /// <summary>Shortest invariant text of the value that fits a DS; precision beyond 16 characters is rounded away.</summary>
    public static string DecimalString(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), "a DS holds finite numbers only");
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; text.Length > 16 && digits > 1; digits--)
            text = value.ToString("G" + digits, CultureInfo.InvariantCulture);
        return text;
    }

    private static DicomDataSet Item(string relationship, string valueType, CodedConcept concept)
    {
        var item = new DicomDataSet();
        item.SetString(SrTags.RelationshipType, DicomVR.CS, relationship);
        item.SetString(SrTags.ValueType, DicomVR.CS, valueType);
        item.Set(CodeSequence(SrTags.ConceptNameCodeSequence, concept));
        return item;
    }

    private static DicomDataSet WithChildren(DicomDataSet item, DicomDataSet[] children)
    {
        if (children.Length > 0) item.Set(new DicomSequence(SrTags.ContentSequence, children));
        return item;
    }

    private static DicomSequence TemplateSequence(string templateId)
    {
        var template = new DicomDataSet();
        template.SetString(SrTags.MappingResource, DicomVR.CS, "DCMR");
        template.SetString(SrTags.TemplateIdentifier, DicomVR.CS, templateId);
        return new DicomSequence(SrTags.ContentTemplateSequence, [template]);
    }
}
