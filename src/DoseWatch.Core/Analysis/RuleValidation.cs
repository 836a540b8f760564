namespace DoseWatch.Core.Analysis;

/// <summary>
/// Checks a rule as a physicist edited it before it is stored: the parameters its type reads must parse and make sense,
/// so that a typo is refused in the form instead of skipping the rule at the next analysis.
/// </summary>
public static class RuleValidation
{
    /// <summary>Problems, one sentence each, keyed by the field or parameter name; empty when the rule can be stored.</summary>
    public static IReadOnlyDictionary<string, string> Problems(Rule rule)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(rule.Name)) problems["name"] = "A rule needs a name.";
        if (rule.Threshold is { } t && (!double.IsFinite(t) || t < 0)) problems["threshold"] = "The threshold must be a finite number, 0 or more (empty: the reference value).";
        // Each parameter the type reads, as its catalogue entry allows (a choice it offers, a number in range, set when required).
        foreach (var definition in RuleParameterCatalogue.For(rule.Type))
            if (definition.Problem(rule.Parameter(definition.Key)) is { } problem) problems[definition.Key] = problem;
        switch (rule.Type)
        {
            // A national rule without an examination takes the row each study maps to (NationalDrlCategory).
            case RuleType.DrlExceeded when !problems.ContainsKey(RuleParameters.Quantity) && rule.Parameter(RuleParameters.Source) is not RuleParameters.SourceLocal
                && rule.Parameter(RuleParameters.Quantity)?.ToLowerInvariant() is { } q && q != DoseQuantity.CtdiVol.Name && q != DoseQuantity.Dlp.Name:
                problems[RuleParameters.Quantity] = "A national DRL rule compares CTDIvol (per sequence) or DLP (per examination).";
                break;
            case RuleType.PeakSkinDose when rule.Threshold is <= 0:
                problems["threshold"] = "A peak skin dose rule's threshold is a dose above 0 Gy (e.g. 2, 3 or 5), or empty for the substantial radiation dose level of 3 Gy.";
                break;
        }
        return problems;
    }
}
