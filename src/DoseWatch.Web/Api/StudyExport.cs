using DoseWatch.Core.Domain;
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

    private static readonly EventColumn[] EventColumns =
    [
        new("Protocol", e => e.Protocol),
        new("Acquisition type", e => e.AcquisitionType?.Meaning ?? e.AcquisitionType?.Value),
        new("Target region", e => e.TargetRegion?.Meaning ?? e.TargetRegion?.Value),
        new("Start (UTC)", e => e.StartedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
        new("kVp", e => e.Kvp),
        new("Tube current (mA)", e => e.TubeCurrentMA),
        new("Exposure time (s)", e => e.ExposureTimeS),
        new("Pitch factor", e => e.PitchFactor),
        new("Scan length (mm)", e => e.ScanLengthMm),
        new("CTDIvol (mGy)", e => e.CtdiVolMGy),
        new("Phantom", e => e.Phantom?.ToString()),
        new("DLP (mGy.cm)", e => e.DlpMGyCm),
        new("SSDE (mGy)", e => e.SsdeMGy),
        new("DAP (Gy.cm2)", e => e.DapGyCm2),
        new("Dose RP (Gy)", e => e.DoseRpGy),
        new("AGD (mGy)", e => e.AgdMGy),
        new("SAR (W/kg)", e => e.SarWPerKg),
        new("MI", e => e.MechanicalIndex),
        new("TIS", e => e.ThermalIndexSoftTissue),
        new("Administered activity (MBq)", e => e.AdministeredActivityMBq),
    ];

    public static readonly IReadOnlyList<string> StudyHeaders =
    [
        "Study instance UID", "Accession number", "Study date", "Study time", "Modality", "Manufacturer", "Model", "Station name", "Serial number",
        "Study description", "Patient pseudonym", "Patient age", "Age (years)", "Sex", "Weight (kg)", "Height (m)", "Open alerts", "No. events",
        "DLP total (mGy.cm)", "DAP total (Gy.cm2)", "Dose RP total (Gy)", "Fluoro time total (s)", "AGD total (mGy)",
        // The totals above are the device's own where it reported them (StudyTotalsRule); the event sums are kept beside.
        "DLP sum of events (mGy.cm)", "DAP sum of events (Gy.cm2)", "Dose RP sum of events (Gy)", "AGD sum of events (mGy)", "Totals warnings",
        "Peak skin dose (Gy)", "Peak skin dose location", "Peak skin dose not computed because",
    ];

    public static ExportTable Build(IReadOnlyList<StudyRecord> studies, IReadOnlyDictionary<string, IReadOnlyList<StoredAlert>> alerts,
        IReadOnlyDictionary<string, string?> pseudonyms, IReadOnlyDictionary<string, SkinDoseResult> skinDoses)
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
                s.StudyTime?.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), s.Modality, s.Device.Manufacturer, s.Device.Model,
                s.Device.StationName, s.Device.SerialNumber, s.StudyDescription, pseudonyms.GetValueOrDefault(s.StudyInstanceUid), s.Patient.Age, s.Patient.AgeYears, s.Patient.Sex, s.Patient.WeightKg,
                s.Patient.HeightM, open, t.EventCount, t.DlpTotalMGyCm, t.DapTotalGyCm2, t.DoseRpTotalGy, t.FluoroTimeTotalS, t.AgdTotalMGy,
                t.Sums.DlpMGyCm, t.Sums.DapGyCm2, t.Sums.DoseRpGy, t.Sums.AgdMGy, t.Discrepancies.Count == 0 ? null : string.Join(" ", t.Discrepancies.Select(d => d.Message)),
            };
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
