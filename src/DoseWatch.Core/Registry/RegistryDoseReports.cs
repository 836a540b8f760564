using System.Security.Cryptography;
using System.Text;
using DoseWatch.Dicom.Deidentification;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Core.Registry;

/// <summary>
/// What DoseWatch forwards to a dose registry as an IHE REM Dose Information Reporter, and how it is de-identified.
/// <para>Dose reports are the two SOP classes the registry transactions carry: X-Ray Radiation Dose SR (REM: CT and
/// projection X-ray) and Radiopharmaceutical Radiation Dose SR (REM-NM). Not forwarded: Patient Radiation Dose SR (a dose
/// management system's own derivation, not the modality's report), Enhanced/Comprehensive SR that happen to carry a dose
/// tree, and images.</para>
/// </summary>
public static class RegistryDoseReports
{
    public static bool IsDoseReport(string sopClassUid) =>
        sopClassUid is SopClassUids.XRayRadiationDoseSr or SopClassUids.RadiopharmaceuticalRadiationDoseSr;

    /// <summary>The report's kind in words for the delivery log.</summary>
    public static string Kind(string sopClassUid) => sopClassUid switch
    {
        SopClassUids.XRayRadiationDoseSr => "X-ray radiation dose report",
        SopClassUids.RadiopharmaceuticalRadiationDoseSr => "Radiopharmaceutical dose report",
        _ => "Other object",
    };

    /// <summary>
    /// What a registry receives: the Basic profile with Clean Structured Content, plus patient age, sex, size and weight
    /// (registries compare dose by patient size and age), the device identity (registries compare per machine), and real
    /// dates (registries report per period; a shift of years would put exams in the wrong survey).
    /// </summary>
    public static DeidentificationOptions Options(bool shiftDates) =>
        new(RetainFullDates: !shiftDates, RetainPatientCharacteristics: true, RetainDeviceIdentity: true);

    /// <summary>
    /// The de-identification key of one registry: HMAC-SHA256(secret, registry AE title). Pseudonyms and new UIDs are then
    /// stable per patient and object for that registry, cannot be reversed without the secret, and differ between
    /// registries, so two registries cannot link their records of one patient.
    /// </summary>
    public static byte[] RegistryKey(ReadOnlySpan<byte> secret, string registryAeTitle)
    {
        if (secret.Length < 32) throw new ArgumentException("The registry secret must be at least 32 bytes.", nameof(secret));
        return HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("dosewatch-registry-v1;" + registryAeTitle.Trim()));
    }

    /// <summary>A C-STORE answer in words (PS3.4 B.2.3, PS3.7 C.4.2): what a PACS administrator reads in the delivery log.</summary>
    public static string DescribeStoreStatus(DimseStatus status) => status.Code switch
    {
        0x0000 => "Stored",
        0xB000 => "Stored with a warning: the registry coerced some data elements",
        0xB006 => "Stored with a warning: the registry discarded some elements",
        0xB007 => "Stored with a warning: the data set does not match the SOP class",
        0x0111 => "Refused: the registry already holds an object with this SOP Instance UID",
        0x0122 => "Refused: the registry does not accept this kind of object",
        0x0124 => "Refused: the registry does not authorize this sender",
        0x0110 => "Failed: the registry reported a processing failure",
        >= 0xA700 and <= 0xA7FF => "Refused: the registry is out of resources",
        >= 0xA900 and <= 0xA9FF => "Failed: the registry says the data set does not match the SOP class",
        >= 0xC000 and <= 0xCFFF => "Failed: the registry cannot understand the object",
        _ when status.Category == StatusCategory.Warning => $"Stored with a warning (status 0x{status.Code:X4})",
        _ => $"Failed (status 0x{status.Code:X4})",
    };
}
