using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;

namespace DoseWatch.Data.Repositories;

public sealed record StudyRecord(Study Study, long? DeviceId, StudyTotals Totals, IReadOnlyList<StoredEvent> Events)
{
    /// <summary>The accumulated values the study's dose objects report (the device's own totals, one per object that reports any).</summary>
    public IReadOnlyList<AccumulatedDose> Reported { get; init; } = [];

    /// <summary>The extraction warnings of the study's objects, one line each ("where: message", as saved), for exports;
    /// filled by <see cref="DoseRecordRepository.StreamStudiesAsync"/>.</summary>
    public IReadOnlyList<string> ExtractionWarnings { get; init; } = [];
}

/// <param name="PeakSkinDoseGy">Fluoroscopy: the peak skin dose of the study's skin dose map (SkinDoseRepository); null when none was computed.</param>
public sealed record StudySummary(Study Study, long? DeviceId, StudyTotals Totals, double? PeakSkinDoseGy = null);

/// <summary>Filters of GET /api/v1/studies. Dates are inclusive study dates; device matches station, model, manufacturer or serial; protocol matches any event's protocol (case-insensitive substring).</summary>
public sealed record StudyQuery(
    string? Modality = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Device = null,
    string? Protocol = null,
    int Page = 1,
    int PageSize = 50)
{
    /// <summary>Studies with an event (or study description) mapped to this standard protocol (exact name, case-insensitive raw match).</summary>
    public string? StandardProtocol { get; init; }

    /// <summary>Patient sex as sent (M, F, O).</summary>
    public string? Sex { get; init; }

    /// <summary>One patient's studies: the keyed pseudonym of the patient ID searched for (identifiers are stored
    /// sealed, so the search is on the HMAC, never on plaintext).</summary>
    public string? PatientPseudonym { get; init; }

    /// <summary>Only this study (FHIR read and part-of search).</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>Only the study extracted from this dose object (FHIR identifier search).</summary>
    public string? SourceSopInstanceUid { get; init; }

    /// <summary>Only the studies of this device number (devices.id).</summary>
    public long? DeviceId { get; init; }

    /// <summary>Only studies whose modality is one of these (the FHIR feed: modalities that irradiate).</summary>
    public IReadOnlyList<string>? AnyModality { get; init; }

    /// <summary>Age band: at least this many years (inclusive)...</summary>
    public double? AgeFromYears { get; init; }

    /// <summary>...and younger than this many years (exclusive).</summary>
    public double? AgeBelowYears { get; init; }

    /// <summary>Range (inclusive) of the modality's headline study dose (<see cref="HeadlineDose"/>); needs <see cref="Modality"/>.</summary>
    public double? DoseMin { get; init; }

    public double? DoseMax { get; init; }

    /// <summary>Only studies with an alert that is not resolved.</summary>
    public bool OpenAlertsOnly { get; init; }

    public StudySort Sort { get; init; } = StudySort.Date;

    public bool Descending { get; init; } = true;
}

/// <summary>Server-side sort keys of the study list; ties are broken by date and then Study Instance UID so paging is stable.</summary>
public enum StudySort { Date, Modality, Device, Age, Events, Dose }

/// <summary>
/// The quantity a study's dose is judged by (DLP for CT, DAP for projection X-ray, AGD for MG, activity for NM/PT) in
/// the browser's dose filter and sort, the dashboards' daily medians and the study page: the study's total of it as
/// Core's <see cref="StudyTotalsRule"/> decides, so the device's own accumulated value where a dose object reports one.
/// </summary>
public static class HeadlineDose
{
    public static StudyDoseQuantity? For(string? modality) =>
        DashboardRepository.StudyDoseQuantities.FirstOrDefault(q => string.Equals(q.Modality, modality?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The study's headline dose from its totals; null when the modality has none or it was not reported.</summary>
    public static double? Of(string? modality, StudyTotals totals) => For(modality)?.Column switch
    {
        "dlp_mgy_cm" => totals.DlpTotalMGyCm,
        "dap_gy_cm2" => totals.DapTotalGyCm2,
        "agd_mgy" => totals.AgdTotalMGy,
        "administered_activity_mbq" => totals.AdministeredActivityTotalMBq,
        _ => null,
    };
}

/// <summary>An object a study was extracted from; <see cref="Path"/> is the stored file (instances.path), null when not kept.</summary>
public sealed record StudySourceObject(string SopInstanceUid, string SopClassUid, string? SeriesInstanceUid, string? Modality, string Kind,
    string? NotADoseObjectReason, int EventCount, string Warnings, string AppliedFixes, DateTimeOffset? ExtractedAt, string? Path, string? CallingAeTitle)
{
    /// <summary>One line per warning ("where: message"), as the save wrote them.</summary>
    public IReadOnlyList<string> WarningLines => SplitWarnings(Warnings);

    /// <summary>dose_source_objects.warnings as the save wrote it: one warning a line.</summary>
    public static IReadOnlyList<string> SplitWarnings(string? warnings) =>
        (warnings ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The object's own accession and device: the parts of a multi-modality study (PET/CT) may differ.</summary>
    public string? AccessionNumber { get; init; }
    public string? DeviceKey { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? StationName { get; init; }

    /// <summary>The accumulated values the object reports (none for image headers).</summary>
    public AccumulatedDose Accumulated { get; init; } = AccumulatedDose.None;
}

/// <summary>A device as the studies identify it; <see cref="Label"/> is what a person recognises it by.</summary>
public sealed record DeviceChoice(string DeviceKey, string? Modality, string? Manufacturer, string? Model, string? StationName, string? DisplayName = null)
{
    public string Label => DisplayText.DeviceName(StationName, Model, Manufacturer, DisplayName);

    /// <summary>The shortest name people know the device by: its display name, else its station, else the full label.</summary>
    public string ShortLabel => !string.IsNullOrWhiteSpace(DisplayName) ? DisplayName.Trim() : StationName ?? Label;
}

/// <summary>A study of a device with its headline dose (<see cref="HeadlineDose"/> of its modality), null when not reported.</summary>
public sealed record DeviceStudyDose(string StudyInstanceUid, DateOnly Day, string? Modality, double? Dose);

/// <summary>Studies per day of one device and its latest studies' doses.</summary>
public sealed record DeviceHistory(IReadOnlyList<(DateOnly Day, long Studies)> StudiesPerDay, IReadOnlyList<DeviceStudyDose> Studies);

public sealed record StudyFilterChoices(IReadOnlyList<string> Modalities, IReadOnlyList<DeviceChoice> Devices, IReadOnlyList<string> StandardProtocols);

public sealed record StudyPage(IReadOnlyList<StudySummary> Items, int Page, int PageSize, long Total);

/// <summary>What a save did: lets the job log "3 new events, 2 merged" and lets tests check idempotency.</summary>
public sealed record DoseRecordSaveOutcome(string SopInstanceUid, string? StudyInstanceUid, int EventsInserted, int EventsMerged, bool SourceObjectWasKnown);
/// <summary>Every modality of a study: the studies row's (the first received) and then each dose object's own, once each.
/// A PET/CT under one Study Instance UID is CT and PT (or NM), not only what arrived first (issue #16 item 8).</summary>
public static class StudyModalities
{
    public static IReadOnlyList<string> Of(Study study, IReadOnlyList<StudySourceObject> sources) =>
        new[] { study.Modality }
            .Concat(sources.Where(o => o.Kind == nameof(ExtractionKind.DoseObject)).Select(o => o.Modality))
            .Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
