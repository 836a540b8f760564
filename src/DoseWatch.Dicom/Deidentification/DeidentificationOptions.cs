namespace DoseWatch.Dicom.Deidentification;

/// <summary>
/// PS3.15 Annex E options applied on top of the Basic Application Level Confidentiality Profile. The default (all off) is
/// the research export's profile: dates shifted per patient (Retain Longitudinal Temporal Information with Modified
/// Dates), no patient characteristics, no device identity.
/// </summary>
/// <param name="RetainFullDates">Retain Longitudinal Temporal Information with Full Dates (113106) instead of Modified
/// Dates (113107): dates and times are kept as they are. Birth dates still go (header and SR Subject Birth Date).</param>
/// <param name="RetainPatientCharacteristics">Retain Patient Characteristics (113108), restricted to what dose needs:
/// Patient's Age, Sex, Size, Weight and Pregnancy Status (ethnic group, smoking status and the like still go).</param>
/// <param name="RetainDeviceIdentity">Retain Device Identity (113109): Device Serial Number, Station Name and Detector ID
/// in the header, and the SR's Device Observer Name and Serial Number, so a report can be told apart per machine.</param>
public sealed record DeidentificationOptions(bool RetainFullDates = false, bool RetainPatientCharacteristics = false, bool RetainDeviceIdentity = false)
{
    public static readonly DeidentificationOptions ResearchExport = new();

    /// <summary>Patient's Sex (Z), Age, Size, Weight (X), Pregnancy Status (X).</summary>
    internal static readonly HashSet<uint> PatientCharacteristics = [0x00100040, 0x00101010, 0x00101020, 0x00101030, 0x001021C0];

    /// <summary>Station Name, Device Serial Number, Detector ID.</summary>
    internal static readonly HashSet<uint> DeviceIdentity = [0x00081010, 0x00181000, 0x0018700A];

    /// <summary>SR TEXT items of the device observer (TID 1004): Device Observer Name and Serial Number.</summary>
    internal static readonly HashSet<string> DeviceObserverTextConcepts = new(StringComparer.Ordinal) { "121013", "121016" };

    /// <summary>The attribute is kept as it is under these options (its profile action does not apply).</summary>
    internal bool Retains(uint tag) =>
        (RetainPatientCharacteristics && PatientCharacteristics.Contains(tag)) || (RetainDeviceIdentity && DeviceIdentity.Contains(tag));

    /// <summary>PS3.16 CID 7050 codes of what is applied, for (0012,0063)/(0012,0064).</summary>
    public IReadOnlyList<(string Code, string Meaning)> MethodCodes()
    {
        var codes = new List<(string, string)> { ("113100", "Basic Application Confidentiality Profile") };
        codes.Add(RetainFullDates
            ? ("113106", "Retain Longitudinal Temporal Information Full Dates Option")
            : ("113107", "Retain Longitudinal Temporal Information Modified Dates Option"));
        if (RetainPatientCharacteristics) codes.Add(("113108", "Retain Patient Characteristics Option"));
        if (RetainDeviceIdentity) codes.Add(("113109", "Retain Device Identity Option"));
        codes.Add(("113104", "Clean Structured Content Option"));
        return codes;
    }
}
