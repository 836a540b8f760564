using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// Study totals over the study's distinct events. The counting rule:
/// <list type="bullet">
/// <item>Events are distinct by (study, event key): cumulative and continued RDSRs, and the images that carry the
/// Irradiation Event UID of an RDSR event, collapse onto one event (dose reports win over image headers).</item>
/// <item>Image-derived X-ray events (CT, DX/CR/MG headers) of a study that also has X-ray events from a dose report
/// are listed but not counted (<see cref="StoredEvent.CountedInTotals"/> false): without a shared UID they may describe
/// the same exposures, and the dose report is the complete record. MR and US records never overlap with X-ray.</item>
/// <item>Each total is the sum of the counted events' values; null when no counted event has the quantity, in which case
/// the largest value reported as accumulated by one of the study's objects is used (e.g. a vendor summary without events).</item>
/// <item>fluoroTimeTotalS is the device's own Total Fluoro Time (113730), the largest reported by the study's objects
/// (cumulative reports repeat and extend it); only when no object reports one is it the sum of the irradiation
/// durations of fluoroscopy events (SCT 44491008). Event durations are not summed first: vendors fill them
/// inconsistently (Siemens Artis zee leaves them out, Canon Alphenix's sum to ~100× the reported total).</item>
/// </list>
/// </summary>
public sealed record StudyTotals(
    int EventCount,
    double? DlpTotalMGyCm,
    double? DapTotalGyCm2,
    double? DoseRpTotalGy,
    double? FluoroTimeTotalS,
    double? AgdTotalMGy);

public sealed record StoredEvent(IrradiationEvent Event, string SopInstanceUid, bool CountedInTotals);

public sealed record StudyRecord(Study Study, long? DeviceId, StudyTotals Totals, IReadOnlyList<StoredEvent> Events);

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
/// The quantity a study's dose is judged by in the browser's dose filter and sort: the sum over the study's events of
/// <see cref="StudyDoseQuantity.Column"/> (DLP for CT, DAP for projection X-ray, AGD for MG, activity for NM/PT).
/// </summary>
public static class HeadlineDose
{
    public static StudyDoseQuantity? For(string? modality) =>
        DashboardRepository.StudyDoseQuantities.FirstOrDefault(q => string.Equals(q.Modality, modality?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>An object a study was extracted from; <see cref="Path"/> is the stored file (instances.path), null when not kept.</summary>
public sealed record StudySourceObject(string SopInstanceUid, string SopClassUid, string? SeriesInstanceUid, string? Modality, string Kind,
    string? NotADoseObjectReason, int EventCount, string Warnings, string AppliedFixes, DateTimeOffset? ExtractedAt, string? Path, string? CallingAeTitle);

/// <summary>A device as the studies identify it; <see cref="Label"/> is what a person recognises it by.</summary>
public sealed record DeviceChoice(string DeviceKey, string? Modality, string? Manufacturer, string? Model, string? StationName)
{
    public string Label => string.Join(" · ", new[] { StationName, Model, Manufacturer }.Where(x => !string.IsNullOrWhiteSpace(x)).DefaultIfEmpty(DeviceKey));
}

/// <summary>A study of a device with its headline dose (<see cref="HeadlineDose"/> of its modality), null when not reported.</summary>
public sealed record DeviceStudyDose(string StudyInstanceUid, DateOnly Day, string? Modality, double? Dose);

/// <summary>Studies per day of one device and its latest studies' doses.</summary>
public sealed record DeviceHistory(IReadOnlyList<(DateOnly Day, long Studies)> StudiesPerDay, IReadOnlyList<DeviceStudyDose> Studies);

public sealed record StudyFilterChoices(IReadOnlyList<string> Modalities, IReadOnlyList<DeviceChoice> Devices, IReadOnlyList<string> StandardProtocols);

public sealed record StudyPage(IReadOnlyList<StudySummary> Items, int Page, int PageSize, long Total);

/// <summary>What a save did: lets the job log "3 new events, 2 merged" and lets tests check idempotency.</summary>
public sealed record DoseRecordSaveOutcome(string SopInstanceUid, string? StudyInstanceUid, int EventsInserted, int EventsMerged, bool SourceObjectWasKnown);

internal static class StudyTotalsRule
{
    public static IReadOnlyList<StoredEvent> MarkCounted(IReadOnlyList<(IrradiationEvent Event, string Sop)> events)
    {
        var hasXRayReport = events.Any(e => e.Event.Source.IsDoseReport() && e.Event.Source.IsXRay());
        return events.Select(e => new StoredEvent(e.Event, e.Sop,
            !(hasXRayReport && !e.Event.Source.IsDoseReport() && e.Event.Source.IsXRay()))).ToList();
    }

    public static StudyTotals Compute(IReadOnlyList<StoredEvent> events, IReadOnlyList<AccumulatedDose> reported)
    {
        var counted = events.Where(e => e.CountedInTotals).Select(e => e.Event).ToList();
        double? Sum(Func<IrradiationEvent, double?> pick, Func<AccumulatedDose, double?> fallback)
        {
            double? sum = null;
            foreach (var v in counted.Select(pick))
                if (v is { } x) sum = (sum ?? 0) + x;
            return sum ?? reported.Select(fallback).Where(v => v is not null).Max();
        }
        return new StudyTotals(
            counted.Count,
            Sum(e => e.DlpMGyCm, a => a.DlpTotalMGyCm),
            Sum(e => e.DapGyCm2, a => a.DapTotalGyCm2),
            Sum(e => e.DoseRpGy, a => a.DoseRpTotalGy),
            reported.Select(a => a.FluoroTimeTotalS).Where(v => v is not null).Max() ?? Sum(e => e.AcquisitionType?.Value == "44491008" ? e.IrradiationDurationS : null, _ => null),
            Sum(e => e.AgdMGy, a => a.AgdTotalMGy));
    }
}
