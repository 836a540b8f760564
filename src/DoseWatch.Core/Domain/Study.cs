namespace DoseWatch.Core.Domain;

/// <summary>The device that irradiated (or imaged) the patient, as identified in the object.</summary>
public sealed record DeviceIdentity(
    string? Manufacturer,
    string? Model,
    string? StationName,
    string? SerialNumber,
    string? DeviceObserverUid)
{
    public static readonly DeviceIdentity Unknown = new(null, null, null, null, null);

    /// <summary>Stable key for "the same device": the observer UID when present, else manufacturer/model/serial/station.</summary>
    public string Key => DeviceObserverUid is { Length: > 0 } uid
        ? "uid:" + uid
        : string.Join('|', Manufacturer ?? "", Model ?? "", SerialNumber ?? "", StationName ?? "");
}

/// <summary>Patient characteristics at the time of the study (PS3.3 Patient Study module); all optional.</summary>
public sealed record PatientCharacteristics(string? Age, double? AgeYears, string? Sex, double? WeightKg, double? HeightM)
{
    public static readonly PatientCharacteristics Unknown = new(null, null, null, null, null);
}

public sealed record Study(
    string StudyInstanceUid,
    string? AccessionNumber,
    DateOnly? StudyDate,
    TimeOnly? StudyTime,
    string? Modality,
    string? StudyDescription,
    PatientCharacteristics Patient,
    DeviceIdentity Device)
{
    /// <summary>Requested Procedure Description (0032,1060), or the first one of the Request Attributes Sequence.</summary>
    public string? RequestedProcedure { get; init; }
}
