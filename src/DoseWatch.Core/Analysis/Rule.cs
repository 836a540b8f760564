using System.Globalization;
using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>The kinds of alert; their wire names are the API's <c>type</c> values (alerts.type, no CHECK since migration 0031).</summary>
public enum RuleType
{
    ProtocolDeviation,
    DoseOutlier,
    NotificationValue,
    DrlExceeded,
    CumulativeDose,
    DoseCheck,
    PeakSkinDose,
}

public static class RuleTypes
{
    private static readonly (RuleType Type, string Wire)[] Names =
    [
        (RuleType.ProtocolDeviation, "protocol-deviation"),
        (RuleType.DoseOutlier, "dose-outlier"),
        (RuleType.NotificationValue, "notification-value"),
        (RuleType.DrlExceeded, "drl-exceeded"),
        (RuleType.CumulativeDose, "cumulative-dose"),
        (RuleType.DoseCheck, "dose-check"),
        (RuleType.PeakSkinDose, "peak-skin-dose"),
    ];

    public static string ToWire(this RuleType type) => Names.First(n => n.Type == type).Wire;

    public static bool TryParse(string? wire, out RuleType type)
    {
        foreach (var (t, w) in Names)
            if (string.Equals(w, wire, StringComparison.OrdinalIgnoreCase)) { type = t; return true; }
        type = default;
        return false;
    }

    public static RuleType Parse(string wire) =>
        TryParse(wire, out var type) ? type : throw new FormatException($"'{wire}' is not a rule type; expected one of {string.Join(", ", Names.Select(n => n.Wire))}.");
}

/// <summary>Where a rule applies; a null member matches everything.</summary>
public sealed record RuleScope(string? Modality = null, string? DeviceKey = null, string? StandardProtocol = null)
{
    public static readonly RuleScope Everywhere = new();

    public bool Matches(Study study) =>
        (Modality is null || string.Equals(Modality, study.Modality, StringComparison.OrdinalIgnoreCase))
        && (DeviceKey is null || string.Equals(DeviceKey, study.Device.Key, StringComparison.Ordinal));

    public bool MatchesProtocol(StandardProtocol? protocol) =>
        StandardProtocol is null || string.Equals(StandardProtocol, protocol?.Name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A rule is data: its type picks the check, its scope where it applies, <see cref="Threshold"/> (in <see cref="Unit"/>)
/// the limit, and <see cref="Parameters"/> the rest (see <see cref="RuleParameters"/> for the names each type reads).
/// A null threshold means "the reference table's value".
/// </summary>
public sealed record Rule(
    long Id,
    string Name,
    RuleType Type,
    RuleScope Scope,
    double? Threshold,
    string? Unit,
    IReadOnlyDictionary<string, string> Parameters,
    bool Enabled = true)
{
    public string? Parameter(string name) => Parameters.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    public int IntParameter(string name, int fallback) =>
        Parameter(name) is { } v && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : fallback;

    public double DoubleParameter(string name, double fallback) =>
        Parameter(name) is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : fallback;
}

/// <summary>Parameter names and values the rule types read.</summary>
public static class RuleParameters
{
    /// <summary>protocol-deviation: which check (one of the <c>Check*</c> values).</summary>
    public const string Check = "check";
    public const string CheckUnknownProtocol = "unknown-protocol";
    public const string CheckUnapprovedProtocol = "unapproved-protocol";
    public const string CheckTargetRegion = "target-region";
    public const string CheckKvp = "kvp";
    public const string CheckPitch = "pitch";
    public const string CheckCollimation = "collimation";
    public const string CheckEventCount = "event-count";
    public const string CheckOperatingMode = "operating-mode";
    public const string CheckThermalIndexType = "ti-type";

    /// <summary>dose-outlier, drl-exceeded, notification-value (fluoro), cumulative-dose: a <see cref="DoseQuantity"/> name.</summary>
    public const string Quantity = "quantity";

    /// <summary>dose-outlier, drl-exceeded (local), protocol-deviation (learned reference): smallest usable history (default 20).</summary>
    public const string MinimumSampleSize = "minimumSampleSize";
    public const int DefaultMinimumSampleSize = 20;

    /// <summary>dose-outlier: the robust score above which a dose is an outlier when the rule has no threshold.</summary>
    public const double DefaultOutlierScore = 3.5;

    /// <summary>notification-value: which published table (one of the <c>Table*</c> values).</summary>
    public const string Table = "table";
    public const string TableAapmCt = "aapm-ct";
    public const string TableFluoroscopySrdl = "fluoro-srdl";
    public const string TableMrSar = "mr-sar";
    public const string TableUltrasoundMi = "us-mi";
    public const string TableUltrasoundTi = "us-ti";

    /// <summary>notification-value (aapm-ct) and drl-exceeded (national): the table row; inferred for aapm-ct when absent.</summary>
    public const string Examination = "examination";

    /// <summary>drl-exceeded: national or local; country of the national table (default UK); local percentile (default 75).</summary>
    public const string Source = "source";
    public const string SourceNational = "national";
    public const string SourceLocal = "local";
    public const string Country = "country";
    public const string Percentile = "percentile";

    /// <summary>
    /// drl-exceeded (national): how many of the device's latest studies of a DRL category form the sample whose median is
    /// compared with the DRL (default 20); fewer studies of the category: not judged yet.
    /// </summary>
    public const string MedianOfStudies = "medianOfStudies";
    public const int DefaultMedianOfStudies = 20;

    /// <summary>cumulative-dose: window in days (default 84 = 12 weeks); peak-skin-dose: when set, the patient's peak skin doses are added over this window.</summary>
    public const string WindowDays = "windowDays";
    public const int DefaultWindowDays = 84;

    /// <summary>dose-check: notification, alert or any (default).</summary>
    public const string Part = "part";
    public const string PartAny = "any";
    public const string PartAlert = "alert";
    public const string PartNotification = "notification";
}

/// <summary>
/// A dose quantity a rule can judge: per event (CTDIvol, SSDE, AGD, administered activity, SAR, MI, TI) or per study
/// (totals over the study's events). <see cref="SizeDependent"/>: the dose follows the patient's size, so outlier scores
/// are size-adjusted where the weight is known. <see cref="Stratum"/>: history is compared only within the same value
/// of it (administered activity per radiopharmaceutical).
/// </summary>
public sealed record DoseQuantity(string Name, string Unit, bool PerStudy, Func<IrradiationEvent, double?> Pick)
{
    /// <summary>The device's own accumulated value of a per-study quantity (TID 10002/10012), null when it has none.</summary>
    public Func<AccumulatedDose, double?> Accumulated { get; init; } = _ => null;

    public bool SizeDependent { get; init; }
    public Func<IrradiationEvent, string?>? Stratum { get; init; }

    public static readonly DoseQuantity CtdiVol = new("ctdivol", "mGy", false, e => e.CtdiVolMGy) { SizeDependent = true };
    /// <summary>Size-adjusted: SSDE as reported, else DoseWatch's AAPM 204/220 estimate.</summary>
    public static readonly DoseQuantity Ssde = new("ssde", "mGy", false, e => e.SsdeMGy ?? e.Estimates.FirstOrDefault(x => x.Quantity == "SSDE")?.Value);
    public static readonly DoseQuantity Agd = new("agd", "mGy", false, e => e.AgdMGy);
    public static readonly DoseQuantity Dlp = new("dlp", "mGy.cm", true, e => e.DlpMGyCm) { SizeDependent = true, Accumulated = a => a.DlpTotalMGyCm };
    public static readonly DoseQuantity Dap = new("dap", "Gy.cm2", true, e => e.DapGyCm2) { SizeDependent = true, Accumulated = a => a.DapTotalGyCm2 };
    public static readonly DoseQuantity DoseRp = new("doserp", "Gy", true, e => e.DoseRpGy) { SizeDependent = true, Accumulated = a => a.DoseRpTotalGy };
    public static readonly DoseQuantity FluoroTime = new("fluorotime", "s", true,
        e => Equals(e.AcquisitionType, DoseEvents.Fluoroscopy) ? e.IrradiationDurationS : null) { Accumulated = a => a.FluoroTimeTotalS };
    /// <summary>Administered activity, compared per radiopharmaceutical (agent, else radionuclide).</summary>
    public static readonly DoseQuantity Activity = new("activity", "MBq", false, e => e.AdministeredActivityMBq)
    {
        SizeDependent = true, Stratum = e => e.RadiopharmaceuticalAgent ?? e.Radionuclide?.ToString(),
    };
    public static readonly DoseQuantity Sar = new("sar", "W/kg", false, e => e.SarWPerKg);
    public static readonly DoseQuantity MechanicalIndex = new("mechanicalIndex", "1", false, e => e.MechanicalIndex);
    /// <summary>The largest of TIS, TIB and TIC reported.</summary>
    public static readonly DoseQuantity ThermalIndex = new("thermalIndex", "1", false,
        e => new[] { e.ThermalIndexSoftTissue, e.ThermalIndexBone, e.ThermalIndexCranialBone }.Max());

    public static readonly IReadOnlyList<DoseQuantity> All = [CtdiVol, Ssde, Agd, Dlp, Dap, DoseRp, FluoroTime, Activity, Sar, MechanicalIndex, ThermalIndex];

    public static DoseQuantity Parse(string? name, DoseQuantity fallback) =>
        name is null ? fallback : All.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new FormatException($"'{name}' is not a dose quantity; expected one of {string.Join(", ", All.Select(q => q.Name))}.");

    /// <summary>
    /// The study's value of a per-study quantity: the device's own accumulated value when the study's dose objects report
    /// one (<see cref="StudyTotalsRule"/>: per-event durations and rounded event doses are not what the device counted),
    /// else the sum over all its events, localizers included (their dose was delivered, and DRLs for DLP are per complete
    /// examination); null if neither is reported.
    /// </summary>
    public double? StudyValue(IEnumerable<IrradiationEvent> events, AccumulatedDose? reported = null) =>
        (reported is null ? null : Accumulated(reported)) ?? DoseEvents.Total(events, Pick);
}
