using System.Globalization;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// The dose is unusual for its protocol on its device: the log-MAD score (<see cref="OutlierScore"/>) above the rule's
/// threshold (default 3.5). Per event for CTDIvol/SSDE/AGD, per study for totals. Only high doses are flagged: a low
/// dose is an image-quality question, not a radiation-protection one. The alert's threshold is the dose at which the
/// score reaches the rule's threshold: median · exp(threshold · 1.4826 · max(MAD, floor)).
/// </summary>
internal static class DoseOutlierRule
{
    public const double DefaultScoreThreshold = RuleParameters.DefaultOutlierScore;

    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.CtdiVol);
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        var limit = rule.Threshold ?? DefaultScoreThreshold;
        if (quantity.PerStudy)
        {
            if (context.StudyProtocol.Standard is not { } standard || !rule.Scope.MatchesProtocol(standard)) yield break;
            if (quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
            var history = context.HistoryStudies(standard).Select(h => quantity.StudyValue(h.Events, h.Reported)).OfType<double>().ToList();
            if (Judge(rule, context, null, context.StudyProtocol, quantity, value, history, minimum, limit) is { } c) yield return c;
            yield break;
        }
        var histories = new Dictionary<string, List<double>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (ev, protocol) in context.Events)
        {
            if (protocol.Standard is not { } standard || !rule.Scope.MatchesProtocol(standard) || quantity.Pick(ev) is not { } value) continue;
            if (!histories.TryGetValue(standard.Name, out var history))
                histories[standard.Name] = history = context.HistoryEvents(standard).Select(quantity.Pick).OfType<double>().ToList();
            if (Judge(rule, context, ev.EventUid, protocol, quantity, value, history, minimum, limit) is { } c) yield return c;
        }
    }

    private static AlertCandidate? Judge(Rule rule, AnalysisContext context, string? eventUid, ProtocolResolution protocol,
        DoseQuantity quantity, double value, IReadOnlyList<double> history, int minimum, double limit)
    {
        var score = OutlierScore.Compute(value, history, minimum);
        if (!score.IsScored || score.Score <= limit) return null;
        var threshold = score.MedianDose!.Value * Math.Exp(limit * RobustStatistics.NormalConsistency * Math.Max(score.LogMad!.Value, OutlierScore.MinimumLogMad));
        return new AlertCandidate(context.Study.StudyInstanceUid, eventUid, rule, quantity.Name, value, threshold, quantity.Unit,
            $"{quantity.Name} {Number(value)} {quantity.Unit} is an outlier for {protocol.Standard!.Name} on this device (score {Number(score.Score!.Value)}, median {Number(score.MedianDose.Value)} {quantity.Unit}, n = {score.SampleSize}).",
            AlertEvidence.Of(protocol,
                ("score", Number(score.Score.Value)), ("scoreThreshold", Number(limit)), ("median", Number(score.MedianDose.Value)),
                ("logMad", Number(score.LogMad.Value)), ("sampleSize", score.SampleSize.ToString(CultureInfo.InvariantCulture)))
                .WithDistribution(history.Order().ToList()));
    }
}

/// <summary>The study or event exceeded a diagnostic reference level: national (table row named by the rule) or local (a percentile of history, default 75th).</summary>
internal static class DrlRules
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.Dlp);
        var local = string.Equals(rule.Parameter(RuleParameters.Source), "local", StringComparison.OrdinalIgnoreCase);
        if (quantity.PerStudy)
        {
            if (!rule.Scope.MatchesProtocol(context.StudyProtocol.Standard) || quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
            var drl = local ? LocalDrl(rule, context, context.StudyProtocol, quantity) : NationalDrl(rule, context, quantity);
            if (drl is { } d && value > d.Level) yield return Candidate(rule, context, null, context.StudyProtocol, quantity, value, d);
            yield break;
        }
        foreach (var (ev, protocol) in context.Events)
        {
            if (!rule.Scope.MatchesProtocol(protocol.Standard) || quantity.Pick(ev) is not { } value) continue;
            var drl = local ? LocalDrl(rule, context, protocol, quantity) : NationalDrl(rule, context, quantity);
            if (drl is { } d && value > d.Level) yield return Candidate(rule, context, ev.EventUid, protocol, quantity, value, d);
        }
    }

    private static (double Level, string Source, IReadOnlyList<double> Distribution)? NationalDrl(Rule rule, AnalysisContext context, DoseQuantity quantity)
    {
        var country = rule.Parameter(RuleParameters.Country) ?? "UK";
        var examination = rule.Parameter(RuleParameters.Examination)
            ?? throw new FormatException($"Rule {rule.Id} '{rule.Name}': a national DRL rule names its table row with '{RuleParameters.Examination}'.");
        var table = context.Input.NationalDrls.FirstOrDefault(t => string.Equals(t.Country, country, StringComparison.OrdinalIgnoreCase));
        var row = table?.Find(examination);
        var level = quantity == DoseQuantity.CtdiVol ? row?.CtdiVolMGy : quantity == DoseQuantity.Dlp ? row?.DlpMGyCm : null;
        return level is { } l ? (rule.Threshold ?? l, $"{table!.Country} national DRL {table.Edition}: {row!.Examination}", []) : null;
    }

    private static (double Level, string Source, IReadOnlyList<double> Distribution)? LocalDrl(Rule rule, AnalysisContext context, ProtocolResolution protocol, DoseQuantity quantity)
    {
        if (protocol.Standard is not { } standard) return null;
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        var percentile = rule.DoubleParameter(RuleParameters.Percentile, 75);
        var history = (quantity.PerStudy
            ? context.HistoryStudies(standard).Select(h => quantity.StudyValue(h.Events, h.Reported))
            : context.HistoryEvents(standard).Select(quantity.Pick)).OfType<double>().Order().ToList();
        if (history.Count < minimum) return null;
        return (RobustStatistics.Quantile(history, percentile / 100), $"local DRL: {Number(percentile)}th percentile of {history.Count} earlier values", history);
    }

    private static AlertCandidate Candidate(Rule rule, AnalysisContext context, string? eventUid, ProtocolResolution protocol, DoseQuantity quantity,
        double value, (double Level, string Source, IReadOnlyList<double> Distribution) drl) =>
        new(context.Study.StudyInstanceUid, eventUid, rule, quantity.Name, value, drl.Level, quantity.Unit,
            $"{quantity.Name} {Number(value)} {quantity.Unit} exceeds the {drl.Source} ({Number(drl.Level)} {quantity.Unit}).",
            AlertEvidence.Of(protocol, ("drl", drl.Source)).WithDistribution(drl.Distribution));
}
