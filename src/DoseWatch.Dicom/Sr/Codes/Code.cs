namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>Shorthands for declaring standard codes (PS3.16) with their coding scheme designator.</summary>
internal static class Code
{
    /// <summary>DICOM Controlled Terminology (PS3.16 Annex D).</summary>
    public static CodedConcept Dcm(string value, string meaning) => new(value, "DCM", meaning);

    /// <summary>SNOMED CT concept ID (scheme SCT); the legacy SNOMED-RT id, if any, is in <see cref="LegacySnomedIds"/>.</summary>
    public static CodedConcept Sct(string value, string meaning) => new(value, "SCT", meaning);

    /// <summary>Unified Code for Units of Measure: the code value is the case-sensitive unit expression.</summary>
    public static CodedConcept Ucum(string value, string meaning) => new(value, "UCUM", meaning);
}
