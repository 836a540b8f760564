using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>A closed interval of a quantity in the unit of the property that holds it.</summary>
public sealed record ValueRange(double Minimum, double Maximum)
{
    public bool Contains(double value) => value >= Minimum && value <= Maximum;

    public override string ToString() => FormattableString.Invariant($"[{Minimum:G6}, {Maximum:G6}]");
}

/// <summary>
/// The recipe of one standard protocol on one device (<see cref="DeviceKey"/> "" for every device): what its events are
/// expected to look like. Learned from history by <see cref="ProtocolReferenceLearner"/> and editable by a physicist
/// (<see cref="EditedBy"/> set), in which case relearning leaves it alone. A null member means "no expectation".
/// </summary>
public sealed record ProtocolReference
{
    public required string StandardProtocol { get; init; }
    public string DeviceKey { get; init; } = "";
    public ConceptCode? TargetRegion { get; init; }
    public IReadOnlySet<double> KvpSet { get; init; } = new HashSet<double>();
    public ValueRange? PitchFactor { get; init; }
    public ValueRange? TotalCollimationMm { get; init; }
    /// <summary>Events per study (non-localizer CT acquisitions, or all events for other modalities).</summary>
    public ValueRange? EventCount { get; init; }
    public ValueRange? CtdiVolMGy { get; init; }
    public ValueRange? DlpTotalMGyCm { get; init; }
    public int SampleSize { get; init; }
    public string? EditedBy { get; init; }

    /// <summary>Same protocol, device, limits, sample size and editor (the record's own equality compares the kV set by reference).</summary>
    public bool IsSameAs(ProtocolReference other) =>
        StandardProtocol == other.StandardProtocol && DeviceKey == other.DeviceKey
        && TargetRegion == other.TargetRegion && KvpSet.SetEquals(other.KvpSet) && PitchFactor == other.PitchFactor
        && TotalCollimationMm == other.TotalCollimationMm && EventCount == other.EventCount && CtdiVolMGy == other.CtdiVolMGy
        && DlpTotalMGyCm == other.DlpTotalMGyCm && SampleSize == other.SampleSize && EditedBy == other.EditedBy;
}

/// <summary>The events of one earlier study of a protocol, the unit of history for references and outliers.</summary>
public sealed record HistoricalStudy(string StudyInstanceUid, DateOnly? StudyDate, string? StudyDescription, IReadOnlyList<IrradiationEvent> Events)
{
    /// <summary>The device's accumulated totals over the study's dose objects (<see cref="StudyTotalsRule.Combine"/>).</summary>
    public AccumulatedDose Reported { get; init; } = AccumulatedDose.None;

    /// <summary>The patient's weight at the study, for size-adjusted outlier scores; null when the objects did not carry it.</summary>
    public double? PatientWeightKg { get; init; }

    /// <summary>Study Time (0008,0030): orders studies of one day (a rolling sample of the latest studies).</summary>
    public TimeOnly? StudyTime { get; init; }
}

public static class ProtocolReferenceLearner
{
    /// <summary>Quantiles that bound a learned range: the central 95 % of history.</summary>
    public const double LowerQuantile = 0.025, UpperQuantile = 0.975;

    /// <summary>A kVp joins the learned set when at least this share of dose events used it (rare ones are deviations).</summary>
    public const double MinimumKvpShare = 0.05;

    /// <summary>
    /// A set of usual values (kVp, MR operating mode, TI type) is an expectation only when its values cover at least this
    /// share of the events: where the setting varies freely (automatic kVp in fluoroscopy and mammography) no value is
    /// unusual, and a set of the commonest would flag the rest.
    /// </summary>
    public const double MinimumSetCoverage = 0.95;

    /// <summary>The values used by at least <see cref="MinimumKvpShare"/> of <paramref name="values"/>, if they cover <see cref="MinimumSetCoverage"/> of them; else empty.</summary>
    public static HashSet<T> ExpectedSet<T>(IEnumerable<T> values) where T : notnull
    {
        var all = values.ToList();
        var set = all.GroupBy(v => v).Where(g => g.Count() >= MinimumKvpShare * all.Count).Select(g => g.Key).ToHashSet();
        return all.Count > 0 && all.Count(set.Contains) >= MinimumSetCoverage * all.Count ? set : [];
    }

    /// <summary>
    /// Learns a reference from earlier studies of one protocol on one device: the most frequent target region, the kVp
    /// values used by at least 5 % of events (when they cover 95 % of them, <see cref="ExpectedSet"/>), and the central 95 % (type 7 quantiles 2.5 % and 97.5 %) of pitch, total
    /// collimation, events per study, CTDIvol per event and DLP per study. Localizers are left out of the technique and
    /// dose statistics (their values describe the scout, not the protocol).
    /// </summary>
    public static ProtocolReference Learn(string standardProtocol, string deviceKey, IReadOnlyList<HistoricalStudy> history)
    {
        var events = history.SelectMany(h => h.Events).Where(DoseEvents.IsDiagnostic).ToList();
        var kvpSet = ExpectedSet(events.SelectMany(DoseEvents.Kvps));
        return new ProtocolReference
        {
            StandardProtocol = standardProtocol,
            DeviceKey = deviceKey,
            TargetRegion = events.Where(e => e.TargetRegion is not null).GroupBy(e => e.TargetRegion!)
                .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(),
            KvpSet = kvpSet,
            PitchFactor = Range(events.Select(e => e.PitchFactor)),
            TotalCollimationMm = Range(events.Select(e => e.NominalTotalCollimationMm)),
            EventCount = Range(history.Select(h => (double?)h.Events.Count(DoseEvents.IsDiagnostic))),
            CtdiVolMGy = Range(events.Select(e => e.CtdiVolMGy)),
            DlpTotalMGyCm = Range(history.Select(h => DoseEvents.Total(h.Events, e => e.DlpMGyCm))),
            SampleSize = history.Count,
        };
    }

    private static ValueRange? Range(IEnumerable<double?> values)
    {
        var v = values.OfType<double>().ToArray();
        if (v.Length == 0) return null;
        Array.Sort(v); // once for both quantiles: every analysis learns its groups' references from hundreds of events
        return new ValueRange(RobustStatistics.QuantileOfSorted(v, LowerQuantile), RobustStatistics.QuantileOfSorted(v, UpperQuantile));
    }
}

/// <summary>Small facts about events shared by the reference learner and the rules.</summary>
public static class DoseEvents
{
    /// <summary>DCM 113805 Constant Angle Acquisition: the CT localizer (scout).</summary>
    public static readonly ConceptCode ConstantAngleAcquisition = new("113805", "DCM");

    /// <summary>SCT 44491008 Fluoroscopy (CID 10002).</summary>
    public static readonly ConceptCode Fluoroscopy = new("44491008", "SCT");

    /// <summary>Every event except CT localizers.</summary>
    public static bool IsDiagnostic(IrradiationEvent ev) => !Equals(ev.AcquisitionType, ConstantAngleAcquisition);

    /// <summary>The tube voltages of an event: per X-ray source for CT (dual source has two), else the event's own.</summary>
    public static IEnumerable<double> Kvps(IrradiationEvent ev) =>
        ev.XRaySources.Count > 0 ? ev.XRaySources.Select(s => s.Kvp).OfType<double>() : ev.Kvp is { } k ? [k] : [];

    /// <summary>Sum of a quantity over the events that report it; null when none does (never 0 for "not reported").</summary>
    public static double? Total(IEnumerable<IrradiationEvent> events, Func<IrradiationEvent, double?> pick) =>
        events.Select(pick).Aggregate((double?)null, (sum, v) => v is { } x ? (sum ?? 0) + x : sum);
}
