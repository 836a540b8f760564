using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>An event as stored for a study: the object it was last written from, and whether the study's totals count it.</summary>
public sealed record StoredEvent(IrradiationEvent Event, string SopInstanceUid, bool CountedInTotals);

/// <summary>
/// One dose object's own accumulated totals (TID 10002 per plane, combined within the object; TID 10012 for CT) and the
/// Irradiation Event UIDs it lists. <paramref name="ExtractedAt"/> orders two reports that list the same events.
/// </summary>
public sealed record ReportedTotals(string SopInstanceUid, IReadOnlySet<string> EventUids, AccumulatedDose Accumulated, DateTimeOffset? ExtractedAt = null);

/// <summary>The sums over the study's counted events, in the units of <see cref="StudyTotals"/>; null when no counted event reports the quantity.</summary>
public sealed record EventSums(double? DlpMGyCm, double? DapGyCm2, double? DoseRpGy, double? FluoroTimeS, double? AgdMGy)
{
    public static readonly EventSums None = new(null, null, null, null, null);
}

/// <summary>A device-reported total and the sum of the same study's events that differ beyond rounding (<see cref="StudyTotalsRule.RelativeTolerance"/>).</summary>
public sealed record TotalsDiscrepancy(string Quantity, string Label, string Unit, double Reported, double EventSum)
{
    /// <summary>(event sum − reported) / reported.</summary>
    public double RelativeDifference => (EventSum - Reported) / Reported;

    public string Message => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Label}: the device reports {Reported:G4} {Unit} for the study, its events sum to {EventSum:G4} {Unit} ({RelativeDifference * 100:+0.0;-0.0} %). The study total is the device's.");
}

/// <summary>
/// A study's totals (see <see cref="StudyTotalsRule"/>): each headline total is the device's own accumulated value when a
/// dose object of the study reports one, else the sum of the counted events. <see cref="Reported"/> is the device's
/// accumulated values combined over the study's dose objects; <see cref="Sums"/> the event sums kept beside them.
/// </summary>
public sealed record StudyTotals(
    int EventCount,
    double? DlpTotalMGyCm,
    double? DapTotalGyCm2,
    double? DoseRpTotalGy,
    double? FluoroTimeTotalS,
    double? AgdTotalMGy)
{
    public AccumulatedDose Reported { get; init; } = AccumulatedDose.None;

    public EventSums Sums { get; init; } = EventSums.None;

    /// <summary>Administered activity summed over the counted administrations (NM/PET); no device reports a study total of it.</summary>
    public double? AdministeredActivityTotalMBq { get; init; }

    /// <summary>Quantities whose device total and event sum differ beyond rounding.</summary>
    public IReadOnlyList<TotalsDiscrepancy> Discrepancies { get; init; } = [];

    /// <summary>Dose objects whose accumulated values were not used: a later or larger report of the same events supersedes them.</summary>
    public IReadOnlyList<string> SupersededObjects { get; init; } = [];
}

/// <summary>
/// How a study's totals are counted (issue #16), decided here and stored by Data:
/// <list type="number">
/// <item><b>Which events count.</b> Events are distinct by (study, event key): cumulative and continued RDSRs, and
/// images carrying an RDSR event's Irradiation Event UID, collapse onto one event. Image-derived X-ray events (CT,
/// DX/CR/MG headers) of a study that also has X-ray events from a dose report are listed but not counted: without a
/// shared UID they may describe the same exposures, and the dose report is the complete record.</item>
/// <item><b>The device's totals come first.</b> Each study total (DLP, DAP, dose at RP, fluoroscopy time, AGD) is the
/// device's own accumulated value where a dose object reports one; the sum of the counted events is kept beside it
/// (<see cref="StudyTotals.Sums"/>) and only stands in when no object reports the quantity. Vendors' event lists are
/// incomplete or rounded (a Philips Allura's events sum 16 % below its reported DAP), while the accumulated values are
/// what the device's own dosimeter and timer counted.</item>
/// <item><b>No double counting across reports.</b> A report whose listed events are a strict subset of another
/// report's is superseded by it (a cumulative report sent after a partial one, whichever arrived first); of two reports
/// listing the same events the later extracted one (then the greater SOP Instance UID) is kept. What is left is taken
/// largest first, and a report sharing any event with one already taken is set aside as well (a partial overlap cannot
/// be added without counting its shared events twice). The kept reports list disjoint events (continued reports, or
/// several devices in one study), so their totals add up. A report that lists no events (a vendor summary) is used only
/// for quantities no report with events gives, and then the largest such value, as its repeats are cumulative.</item>
/// <item><b>Discrepancies.</b> Where a device total and the event sum of the same quantity differ by more than
/// <see cref="RelativeTolerance"/> of the total, the study carries a <see cref="TotalsDiscrepancy"/>. Fluoroscopy time is
/// not compared: vendors fill per-event durations inconsistently (Siemens Artis zee leaves them out, a Canon Alphenix's
/// sum to ~100× its reported total), so their sum is a fallback, not a check.</item>
/// </list>
/// Biplane systems: the planes of one object are combined by the extractor (their sum, or the All Planes container);
/// events of both planes are in the object's event list, so supersession per object is supersession per device and plane.
/// </summary>
public static class StudyTotalsRule
{
    /// <summary>
    /// Beyond rounding: reports give a total and each event to 2-4 significant digits, so their sum can drift from the
    /// total by a fraction of a percent; 1 % flags a missing or mis-reported event without flagging rounding.
    /// </summary>
    public const double RelativeTolerance = 0.01;

    /// <summary>SCT 44491008 Fluoroscopy (CID 10002).</summary>
    private const string FluoroscopyCode = "44491008";

    public static IReadOnlyList<StoredEvent> MarkCounted(IReadOnlyList<(IrradiationEvent Event, string Sop)> events)
    {
        var hasXRayReport = events.Any(e => e.Event.Source.IsDoseReport() && e.Event.Source.IsXRay());
        return events.Select(e => new StoredEvent(e.Event, e.Sop,
            !(hasXRayReport && !e.Event.Source.IsDoseReport() && e.Event.Source.IsXRay()))).ToList();
    }

    public static StudyTotals Compute(IReadOnlyList<StoredEvent> events, IReadOnlyList<ReportedTotals> reported)
    {
        var counted = events.Where(e => e.CountedInTotals).Select(e => e.Event).ToList();
        var sums = new EventSums(
            Sum(counted.Select(e => e.DlpMGyCm)),
            Sum(counted.Select(e => e.DapGyCm2)),
            Sum(counted.Select(e => e.DoseRpGy)),
            Sum(counted.Select(e => e.AcquisitionType?.Value == FluoroscopyCode ? e.IrradiationDurationS : null)),
            Sum(counted.Select(e => e.AgdMGy)));
        var (device, superseded) = Combine(reported);
        var discrepancies = new List<TotalsDiscrepancy>();
        void Compare(string quantity, string label, string unit, double? total, double? sum)
        {
            if (total is { } t && sum is { } s && t != 0 && Math.Abs(s - t) > RelativeTolerance * Math.Abs(t))
                discrepancies.Add(new TotalsDiscrepancy(quantity, label, unit, t, s));
        }
        Compare("dlp", "DLP", "mGy·cm", device.DlpTotalMGyCm, sums.DlpMGyCm);
        Compare("dap", "DAP", "Gy·cm²", device.DapTotalGyCm2, sums.DapGyCm2);
        Compare("doseRp", "Dose at the reference point", "Gy", device.DoseRpTotalGy, sums.DoseRpGy);
        Compare("agd", "AGD", "mGy", device.AgdTotalMGy, sums.AgdMGy);
        return new StudyTotals(
            counted.Count,
            device.DlpTotalMGyCm ?? sums.DlpMGyCm,
            device.DapTotalGyCm2 ?? sums.DapGyCm2,
            device.DoseRpTotalGy ?? sums.DoseRpGy,
            device.FluoroTimeTotalS ?? sums.FluoroTimeS,
            device.AgdTotalMGy ?? sums.AgdMGy)
        {
            Reported = device,
            Sums = sums,
            AdministeredActivityTotalMBq = Sum(counted.Select(e => e.AdministeredActivityMBq)),
            Discrepancies = discrepancies,
            SupersededObjects = superseded,
        };
    }

    /// <summary>The device's accumulated values over the study's dose objects, without counting a superseded report (rule 3).</summary>
    public static (AccumulatedDose Totals, IReadOnlyList<string> Superseded) Combine(IReadOnlyList<ReportedTotals> reported)
    {
        var reporting = reported.Where(r => HasAny(r.Accumulated)).ToList();
        var listing = reporting.Where(r => r.EventUids.Count > 0).ToList();
        var summaries = reporting.Where(r => r.EventUids.Count == 0).ToList();

        bool Later(ReportedTotals a, ReportedTotals b) =>
            Nullable.Compare(a.ExtractedAt, b.ExtractedAt) is var c && (c > 0 || (c == 0 && string.CompareOrdinal(a.SopInstanceUid, b.SopInstanceUid) > 0));
        bool SupersededBy(ReportedTotals x, ReportedTotals y) =>
            !ReferenceEquals(x, y) && x.EventUids.IsSubsetOf(y.EventUids) && (x.EventUids.Count < y.EventUids.Count || Later(y, x));

        var superseded = listing.Where(x => listing.Any(y => SupersededBy(x, y))).Select(x => x.SopInstanceUid).ToList();
        var kept = new List<ReportedTotals>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in listing.Where(x => !superseded.Contains(x.SopInstanceUid))
                     .OrderByDescending(x => x.EventUids.Count).ThenByDescending(x => x.ExtractedAt).ThenByDescending(x => x.SopInstanceUid, StringComparer.Ordinal))
        {
            if (r.EventUids.Overlaps(covered)) { superseded.Add(r.SopInstanceUid); continue; }
            kept.Add(r);
            covered.UnionWith(r.EventUids);
        }

        double? Total(Func<AccumulatedDose, double?> pick) =>
            Sum(kept.Select(r => pick(r.Accumulated))) ?? summaries.Select(r => pick(r.Accumulated)).Max();
        var totals = new AccumulatedDose
        {
            ReportedEventCount = Total(a => a.ReportedEventCount),
            DlpTotalMGyCm = Total(a => a.DlpTotalMGyCm),
            CtEffectiveDoseTotalMSv = Total(a => a.CtEffectiveDoseTotalMSv),
            DapTotalGyCm2 = Total(a => a.DapTotalGyCm2),
            DoseRpTotalGy = Total(a => a.DoseRpTotalGy),
            FluoroDapTotalGyCm2 = Total(a => a.FluoroDapTotalGyCm2),
            FluoroDoseRpTotalGy = Total(a => a.FluoroDoseRpTotalGy),
            AcquisitionDapTotalGyCm2 = Total(a => a.AcquisitionDapTotalGyCm2),
            AcquisitionDoseRpTotalGy = Total(a => a.AcquisitionDoseRpTotalGy),
            FluoroTimeTotalS = Total(a => a.FluoroTimeTotalS),
            AcquisitionTimeTotalS = Total(a => a.AcquisitionTimeTotalS),
            RadiographicFrameCount = Total(a => a.RadiographicFrameCount),
            AgdLeftBreastMGy = Total(a => a.AgdLeftBreastMGy),
            AgdRightBreastMGy = Total(a => a.AgdRightBreastMGy),
            AgdTotalMGy = Total(a => a.AgdTotalMGy),
        };
        return (totals, superseded);
    }

    private static bool HasAny(AccumulatedDose a) => a != AccumulatedDose.None;

    /// <summary>Sum of the values given; null when none is (never 0 for "not reported").</summary>
    private static double? Sum(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var v in values)
            if (v is { } x) sum = (sum ?? 0) + x;
        return sum;
    }
}
