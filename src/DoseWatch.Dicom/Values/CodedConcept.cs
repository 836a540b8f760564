namespace DoseWatch.Dicom;

/// <summary>
/// A coded entry (PS3.3 Table 8.8-1, Code Sequence Macro). Equality and hashing use only the code value and the coding
/// scheme designator, never the meaning: meanings change between editions and vendors send wrong ones. Comparison
/// forgives what real devices send: surrounding spaces, letter case (except UCUM, where case is significant: "mm"
/// is not "Mm"), and legacy SNOMED-RT identifiers (scheme SRT or SNM3), which PS3.16 replaced by SNOMED CT concept IDs
/// (scheme SCT) from 2019 on: a legacy code in <see cref="LegacySnomedIds"/> equals its SCT replacement.
/// </summary>
public sealed record CodedConcept(string CodeValue, string CodingSchemeDesignator, string? CodeMeaning = null, string? CodingSchemeVersion = null)
{
    // Explicit properties so that `with` recomputes the comparison key.
    public string CodeValue { get; init { field = value; _key = null; } } = CodeValue;
    public string CodingSchemeDesignator { get; init { field = value; _key = null; } } = CodingSchemeDesignator;

    // A reference, so that a concept shared between threads never shows a half-written key.
    private Tuple<string, string>? _key;

    /// <summary>The normalised (scheme, value) pair this concept is compared by.</summary>
    public (string Scheme, string Value) Key => (_key ??= Normalise(CodeValue, CodingSchemeDesignator)).ToValueTuple();

    public bool Equals(CodedConcept? other) => other is not null && Key == other.Key;

    public override int GetHashCode() => Key.GetHashCode();

    /// <summary>Reads a Code Sequence Macro item; the value is Code Value, else Long Code Value, else URN Code Value. Null without value or scheme.</summary>
    public static CodedConcept? FromItem(DicomDataSet item)
    {
        var value = item.GetString(CodeTags.CodeValue) ?? item.GetString(CodeTags.LongCodeValue) ?? item.GetString(CodeTags.UrnCodeValue);
        var scheme = item.GetString(CodeTags.CodingSchemeDesignator);
        // URN codes (e.g. "urn:…") carry no scheme designator by definition.
        if (scheme is null && item.Contains(CodeTags.UrnCodeValue)) scheme = "";
        if (value is null || scheme is null) return null;
        return new CodedConcept(value.Trim(), scheme.Trim(), item.GetString(CodeTags.CodeMeaning)?.Trim(), item.GetString(CodeTags.CodingSchemeVersion)?.Trim());
    }

    public override string ToString() => $"({CodeValue}, {CodingSchemeDesignator}, \"{CodeMeaning}\")";

    private static Tuple<string, string> Normalise(string value, string scheme)
    {
        var s = scheme.Trim().ToUpperInvariant();
        var v = value.Trim();
        if (s == "UCUM") return Tuple.Create(s, v);
        v = v.ToUpperInvariant();
        if (s is "SRT" or "SNM3") return LegacySnomedIds.ToConceptId(v) is { } sct ? Tuple.Create("SCT", sct) : Tuple.Create("SRT", v);
        return Tuple.Create(s, v);
    }
}

/// <summary>Tags of the Code Sequence Macro (PS3.3 Table 8.8-1).</summary>
public static class CodeTags
{
    public static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    public static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    public static readonly DicomTag CodingSchemeVersion = new(0x0008, 0x0103);
    public static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    public static readonly DicomTag LongCodeValue = new(0x0008, 0x0119);
    public static readonly DicomTag UrnCodeValue = new(0x0008, 0x0120);
}
