using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;
using DoseWatch.Core.SkinDose;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Api;

/// <summary>
/// The browser's table as an OpenREM-like export: one row per study (identity, device, patient characteristics, totals),
/// then its events across as E1 ..., E2 ... column groups. Event columns are only those some exported event has, so a
/// CT export carries CTDIvol and DLP, a fluoroscopy export DAP and dose at the reference point. Units are in the headers.
/// </summary>
public static class StudyExport
{
    public const int MaximumStudies = 50_000;

    private sealed record EventColumn(string Header, Func<IrradiationEvent, object?> Value);

    // Who and when, then every quantity of EventQuantities (the study page's event table lists the same).
    private static readonly EventColumn[] EventColumns =
    [
        new("Protocol", e => e.Protocol),
        new("Acquisition type", e => e.AcquisitionType?.Meaning ?? e.AcquisitionType?.Value),
        new("Target region", e => e.TargetRegion?.Meaning ?? e.TargetRegion?.Value),
        new("Start (UTC)", e => e.StartedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
        new("Acquisition plane", e => e.AcquisitionPlane),
        .. EventQuantities.All.Select(q => new EventColumn(q.ExportHeader, q.Value)),
    ];

    private sealed record ReportedColumn(string Header, Func<AccumulatedDose, double?> Value);

    // The device's own accumulated values (TID 10002/10012) combined over the study's dose objects by StudyTotalsRule:
    // a cumulative report supersedes the partial one it extends, continued reports add up.
    private static readonly ReportedColumn[] ReportedColumns =
    [
        new("Reported fluoro DAP total (Gy.cm2)", a => a.FluoroDapTotalGyCm2),
        new("Reported acquisition DAP total (Gy.cm2)", a => a.AcquisitionDapTotalGyCm2),
        new("Reported fluoro dose RP total (Gy)", a => a.FluoroDoseRpTotalGy),
        new("Reported acquisition dose RP total (Gy)", a => a.AcquisitionDoseRpTotalGy),
        new("Reported acquisition time total (s)", a => a.AcquisitionTimeTotalS),
        new("Reported radiographic frames", a => a.RadiographicFrameCount),
        new("Reported CT effective dose total (mSv)", a => a.CtEffectiveDoseTotalMSv),
    ];

    public static readonly IReadOnlyList<string> StudyHeaders =
    [
        // "Device" is the name people know it by (the administrator's display name, else station · model · manufacturer), as
        // the pages label it; the four identifying values follow as the device sent them.
        "Study instance UID", "Accession number", "Study date", "Study time", "Modality", "Device", "Manufacturer", "Model", "Station name", "Serial number",
        "Study description", "Patient pseudonym", "Patient age", "Age (years)", "Sex", "Weight (kg)", "Height (m)", "Open alerts", "No. events",
        "DLP total (mGy.cm)", "DAP total (Gy.cm2)", "Dose RP total (Gy)", "Fluoro time total (s)", "AGD total (mGy)",
        // The totals above are the device's own where it reported them (StudyTotalsRule); the event sums are kept beside.
        "DLP sum of events (mGy.cm)", "DAP sum of events (Gy.cm2)", "Dose RP sum of events (Gy)", "AGD sum of events (mGy)", "Totals warnings",
        // What the study page and the Inbox show as warnings (a required value missing, a quirk read leniently).
        "Extraction warnings",
        "Requested procedure", .. ReportedColumns.Select(c => c.Header),
        "Peak skin dose (Gy)", "Peak skin dose location", "Peak skin dose not computed because",
    ];

    public static ExportTable Build(IReadOnlyList<StudyRecord> studies, IReadOnlyDictionary<string, IReadOnlyList<StoredAlert>> alerts,
        IReadOnlyDictionary<string, string?> pseudonyms, IReadOnlyDictionary<string, SkinDoseResult> skinDoses, IReadOnlyDictionary<string, string> deviceLabels)
    {
        var events = studies.ToDictionary(s => s.Study.StudyInstanceUid, s => s.Events.Where(e => e.CountedInTotals).Select(e => e.Event).ToList(), StringComparer.Ordinal);
        var columns = EventColumns.Where(c => events.Values.Any(list => list.Any(e => c.Value(e) is not null))).ToList();
        var maximumEvents = events.Values.Select(l => l.Count).DefaultIfEmpty(0).Max();
        var headers = StudyHeaders.ToList();
        for (var n = 1; n <= maximumEvents; n++) headers.AddRange(columns.Select(c => $"E{n} {c.Header}"));
        var table = new ExportTable(headers);
        foreach (var record in studies)
        {
            var s = record.Study;
            var t = record.Totals;
            var open = alerts.GetValueOrDefault(s.StudyInstanceUid)?.Count(a => a.Status != AlertStatuses.Resolved) ?? 0;
            var cells = new List<object?>
            {
                s.StudyInstanceUid, s.AccessionNumber, s.StudyDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                s.StudyTime?.ToString("HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture), s.Modality, deviceLabels.GetValueOrDefault(s.Device.Key), s.Device.Manufacturer, s.Device.Model,
                s.Device.StationName, s.Device.SerialNumber, s.StudyDescription, pseudonyms.GetValueOrDefault(s.StudyInstanceUid), s.Patient.Age is null && s.Patient.AgeYears is null ? null : DisplayText.PatientAge(s.Patient.Age, s.Patient.AgeYears), s.Patient.AgeYears, s.Patient.Sex, s.Patient.WeightKg,
                s.Patient.HeightM, open, t.EventCount, t.DlpTotalMGyCm, t.DapTotalGyCm2, t.DoseRpTotalGy, t.FluoroTimeTotalS, t.AgdTotalMGy,
                t.Sums.DlpMGyCm, t.Sums.DapGyCm2, t.Sums.DoseRpGy, t.Sums.AgdMGy, t.Discrepancies.Count == 0 ? null : string.Join(" ", t.Discrepancies.Select(d => d.Message)),
                record.ExtractionWarnings.Count == 0 ? null : string.Join(" | ", record.ExtractionWarnings),
                s.RequestedProcedure,
            };
            cells.AddRange(ReportedColumns.Select(c => (object?)c.Value(t.Reported)));
            var skin = skinDoses.GetValueOrDefault(s.StudyInstanceUid);
            cells.AddRange([skin?.PeakSkinDoseGy, skin?.PeakLocation?.Describe(), skin?.NotComputedReason]);
            var mine = events[s.StudyInstanceUid];
            for (var n = 0; n < maximumEvents; n++)
                cells.AddRange(columns.Select(c => n < mine.Count ? c.Value(mine[n]) : null));
            table.Add([.. cells]);
        }
        return table;
    }
}
