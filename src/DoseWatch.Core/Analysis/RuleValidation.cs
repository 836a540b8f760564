using System.Globalization;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// Checks a rule as a physicist edited it before it is stored: the parameters its type reads must parse and make sense,
/// so that a typo is refused in the form instead of skipping the rule at the next analysis.
/// </summary>
public static class RuleValidation
{
    private static readonly string[] Checks =
    [
        RuleParameters.CheckUnknownProtocol, RuleParameters.CheckUnapprovedProtocol, RuleParameters.CheckTargetRegion, RuleParameters.CheckKvp,
        RuleParameters.CheckPitch, RuleParameters.CheckCollimation, RuleParameters.CheckEventCount, RuleParameters.CheckOperatingMode,
        RuleParameters.CheckThermalIndexType,
    ];

    public static readonly IReadOnlyList<string> NotificationTables = ["aapm-ct", "fluoro-srdl", "mr-sar", "us-mi", "us-ti"];

    /// <summary>Problems, one sentence each, keyed by the field or parameter name; empty when the rule can be stored.</summary>
    public static IReadOnlyDictionary<string, string> Problems(Rule rule)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(rule.Name)) problems["name"] = "A rule needs a name.";
        if (rule.Threshold is { } t && (!double.IsFinite(t) || t < 0)) problems["threshold"] = "The threshold must be a finite number, 0 or more (empty: the reference value).";
        if (rule.Parameter(RuleParameters.Quantity) is { } quantity && !DoseQuantity.All.Any(q => string.Equals(q.Name, quantity, StringComparison.OrdinalIgnoreCase)))
            problems[RuleParameters.Quantity] = $"'{quantity}' is not a dose quantity; use one of {string.Join(", ", DoseQuantity.All.Select(q => q.Name))}.";
        Positive(rule, RuleParameters.MinimumSampleSize, problems);
        Positive(rule, RuleParameters.WindowDays, problems);
        Positive(rule, RuleParameters.MedianOfStudies, problems);
        if (rule.Parameter(RuleParameters.Percentile) is { } p && !(double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct is > 0 and < 100))
            problems[RuleParameters.Percentile] = "The percentile must be a number between 0 and 100.";
        switch (rule.Type)
        {
            case RuleType.ProtocolDeviation when !Checks.Contains(rule.Parameter(RuleParameters.Check)):
                problems[RuleParameters.Check] = $"A protocol-deviation rule names its check: one of {string.Join(", ", Checks)}.";
                break;
            case RuleType.NotificationValue when !NotificationTables.Contains(rule.Parameter(RuleParameters.Table)):
                problems[RuleParameters.Table] = $"A notification-value rule names its table: one of {string.Join(", ", NotificationTables)}.";
                break;
            case RuleType.DrlExceeded when rule.Parameter(RuleParameters.Source) is not ("local" or "national" or null):
                problems[RuleParameters.Source] = "The DRL source is local or national.";
                break;
            // A national rule without an examination takes the row each study maps to (NationalDrlCategory).
            case RuleType.DrlExceeded when rule.Parameter(RuleParameters.Source) is not "local"
                && rule.Parameter(RuleParameters.Quantity)?.ToLowerInvariant() is { } q && q is not ("ctdivol" or "dlp"):
                problems[RuleParameters.Quantity] = "A national DRL rule compares ctdivol (per sequence) or dlp (per examination).";
                break;
            case RuleType.PeakSkinDose when rule.Threshold is <= 0:
                problems["threshold"] = "A peak skin dose rule's threshold is a dose above 0 Gy (e.g. 2, 3 or 5), or empty for the substantial radiation dose level of 3 Gy.";
                break;
            case RuleType.DoseCheck when rule.Parameter(RuleParameters.Part) is not ("any" or "alert" or "notification" or null):
                problems[RuleParameters.Part] = "The dose-check part is any, alert or notification.";
                break;
        }
        return problems;
    }

    private static void Positive(Rule rule, string name, Dictionary<string, string> problems)
    {
        if (rule.Parameter(name) is { } v && !(int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 1))
            problems[name] = $"{name} must be a whole number, 1 or more.";
    }
}
