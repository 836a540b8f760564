using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// What an alert shows beside the value: the protocol, named facts (expected set, median, MAD, score, reason for
/// proceeding...) and the distribution the value was judged against, for the chart with this study marked.
/// </summary>
public sealed record AlertEvidence(
    string? StandardProtocol,
    string? RawProtocol,
    IReadOnlyDictionary<string, string> Facts,
    IReadOnlyList<double> Distribution)
{
    public static AlertEvidence Of(ProtocolResolution? protocol, params IEnumerable<(string Name, string Value)> facts) =>
        new(protocol?.Standard?.Name, protocol?.RawName, facts.ToDictionary(f => f.Name, f => f.Value), []);

    public AlertEvidence WithDistribution(IReadOnlyList<double> values) => this with { Distribution = values };
}

/// <summary>
/// One finding of one rule on one study (and event, for per-event checks; null for per-study ones). The triple (study,
/// event, rule) is its identity: evaluating the same study again gives the same triple, which storage keeps once.
/// <see cref="Value"/> and <see cref="Threshold"/> are in <see cref="Unit"/>; either is null where the check has no number
/// (an unknown protocol name; a kVp outside a set).
/// </summary>
public sealed record AlertCandidate(
    string StudyInstanceUid,
    string? EventUid,
    Rule Rule,
    string Quantity,
    double? Value,
    double? Threshold,
    string Unit,
    string Message,
    AlertEvidence Evidence)
{
    public RuleType Type => Rule.Type;

    /// <summary>
    /// Start of a national DRL median's period key (<c>drl-median:device:category:yyyy-MM</c>); storage keeps one alert
    /// per rule and key (migrations/0034, which spells this prefix).
    /// </summary>
    public const string DrlMedianKeyPrefix = "drl-median:";

    /// <summary>Whether a stored alert's event UID is a period key rather than an irradiation event (not shown as an event).</summary>
    public static bool IsPeriodKey(string? eventUid) => eventUid?.StartsWith(DrlMedianKeyPrefix, StringComparison.Ordinal) == true;
}

/// <summary>
/// Everything the evaluator needs about one study, gathered by the caller (the job reads it from SQL). History lists
/// hold earlier studies only, never the study being evaluated.
/// </summary>
public sealed record StudyAnalysisInput(
    Study Study,
    IReadOnlyList<IrradiationEvent> Events,
    ProtocolCatalogue Catalogue)
{
    /// <summary>The device's accumulated totals over the study's dose objects (<see cref="StudyTotalsRule.Combine"/>).</summary>
    public AccumulatedDose Reported { get; init; } = AccumulatedDose.None;

    /// <summary>Stored (learned or edited) references; a missing one is learned from <see cref="DeviceHistory"/>.</summary>
    public IReadOnlyList<ProtocolReference> References { get; init; } = [];

    /// <summary>Earlier studies of the same device and modality, any protocol (the evaluator maps them itself).</summary>
    public IReadOnlyList<HistoricalStudy> DeviceHistory { get; init; } = [];

    /// <summary>Earlier studies of the same patient, for cumulative dose.</summary>
    public IReadOnlyList<HistoricalStudy> PatientHistory { get; init; } = [];

    /// <summary>Fluoroscopy: the study's peak skin dose from its skin dose map (Gy); null when none could be computed.</summary>
    public double? PeakSkinDoseGy { get; init; }

    /// <summary>The patient's other studies with a peak skin dose, for the cumulative peak skin dose rule.</summary>
    public IReadOnlyList<PatientPeakSkinDose> PatientPeakSkinDoses { get; init; } = [];

    public IReadOnlyList<NationalDrlTable> NationalDrls { get; init; } = [NationalDrlTable.UnitedKingdom2022];

    /// <summary>
    /// Set by the caller when the weekly digest of new protocol names is due (none raised yet in this
    /// <see cref="ProtocolNameDigest.Week"/>) and names entered the review queue since the last one; null otherwise.
    /// </summary>
    public ProtocolNameDigest? NewProtocolNames { get; init; }
}

/// <summary>Raw names that entered the review queue since <paramref name="Since"/> (mapping them is a physicist's work).</summary>
public sealed record ProtocolNameDigest(DateTimeOffset Since, IReadOnlyList<string> Names)
{
    /// <summary>
    /// At most one digest alert per ISO 8601 week (UTC), "2026-W49": unknown names are work for the review queue, not an
    /// alert per study.
    /// </summary>
    public static string Week(DateTimeOffset at) =>
        FormattableString.Invariant($"{System.Globalization.ISOWeek.GetYear(at.UtcDateTime):D4}-W{System.Globalization.ISOWeek.GetWeekOfYear(at.UtcDateTime):D2}");
}

/// <summary>One of a patient's studies with the peak skin dose of its skin dose map.</summary>
public sealed record PatientPeakSkinDose(string StudyInstanceUid, DateOnly? StudyDate, double PeakSkinDoseGy);
