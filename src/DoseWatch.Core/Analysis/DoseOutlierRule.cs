using System.Globalization;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// The dose is unusual for its reference group on its device (<see cref="ReferenceGroup"/>: the standard protocol, or
/// the raw protocol name while it maps to none): the log-MAD score (<see cref="OutlierScore"/>), size-adjusted where the
/// patient's weight is known and the quantity follows size, above the rule's threshold (default 3.5) plus the
/// small-sample allowance. Per event for CTDIvol/SSDE/AGD/activity/SAR/MI/TI, per study for totals. A group with fewer
/// than the rule's minimum sample of earlier studies (default 20) only learns. Only high doses are flagged: a low dose
/// is an image-quality question, not a radiation-protection one. The alert's threshold is the dose at which the score
/// reaches the limit applied.
/// </summary>
internal static class DoseOutlierRule
{
    public const double DefaultScoreThreshold = RuleParameters.DefaultOutlierScore;

    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.CtdiVol);
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        var threshold = rule.Threshold ?? DefaultScoreThreshold;
        var weight = quantity.SizeDependent ? context.Study.Patient.WeightKg : null;
        if (quantity.PerStudy)
        {
            if (ReferenceGroup.Of(context.StudyProtocol) is not { } group || !rule.Scope.MatchesProtocol(context.StudyProtocol.Standard)) yield break;
            if (quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
            var studies = context.HistoryStudies(group).ToList();
            if (studies.Count < minimum) yield break;
            var history = studies.Select(h => (Dose: quantity.StudyValue(h.Events, h.Reported), h.PatientWeightKg)).Where(h => h.Dose is not null)
                .Select(h => (h.Dose!.Value, h.PatientWeightKg)).ToList();
            if (Judge(rule, context, null, context.StudyProtocol, group, quantity, value, weight, history, studies.Count, minimum, threshold) is { } c) yield return c;
            yield break;
        }
        foreach (var (ev, protocol) in context.Events)
        {
            if (ReferenceGroup.Of(protocol) is not { } group || !rule.Scope.MatchesProtocol(protocol.Standard) || quantity.Pick(ev) is not { } value) continue;
            var stratum = quantity.Stratum?.Invoke(ev);
            var events = context.HistoryEvents(group).Where(h => quantity.Stratum is null || string.Equals(quantity.Stratum(h.Event), stratum, StringComparison.OrdinalIgnoreCase))
                .Where(h => quantity.Pick(h.Event) is not null).ToList();
            var studies = events.Select(h => h.Study.StudyInstanceUid).Distinct(StringComparer.Ordinal).Count();
            if (studies < minimum) continue;
            var history = events.Select(h => (quantity.Pick(h.Event)!.Value, h.Study.PatientWeightKg)).ToList();
            if (Judge(rule, context, ev.EventUid, protocol, group, quantity, value, weight, history, studies, minimum, threshold) is { } c) yield return c;
        }
    }

    private static AlertCandidate? Judge(Rule rule, AnalysisContext context, string? eventUid, ProtocolResolution protocol, ReferenceGroup group,
        DoseQuantity quantity, double value, double? weightKg, IReadOnlyList<(double Dose, double? WeightKg)> history, int studies, int minimum, double threshold)
    {
        var score = OutlierScore.ComputeSizeAdjusted(value, weightKg, history, minimum);
        if (!score.IsScored) return null;
        var limit = OutlierScore.Limit(threshold, score.SampleSize);
        if (score.Score <= limit) return null;
        var at = score.DoseAt(limit);
        var size = score.SizeExponent is { } b ? $", adjusted to this patient's {Number(weightKg!.Value)} kg (dose ∝ weight^{Number(Math.Round(b, 2))})" : "";
        (string, string)[] facts =
        [
            ("score", Number(score.Score!.Value)), ("scoreThreshold", Number(limit)), ("median", Number(score.MedianDose!.Value)),
            ("logMad", Number(score.LogMad!.Value)), ("sampleSize", score.SampleSize.ToString(CultureInfo.InvariantCulture)),
            .. group.Facts(studies),
            .. score.SizeExponent is { } e ? [("patientWeightKg", Number(weightKg!.Value)), ("sizeExponent", Number(e))] : Array.Empty<(string, string)>(),
        ];
        return new AlertCandidate(context.Study.StudyInstanceUid, eventUid, rule, quantity.Name, value, at, quantity.Unit,
            $"{quantity.Name} {Number(value)} {quantity.Unit} is an outlier for the {group.Description} on this device: reference learned from {studies} earlier studies " +
            $"(median {Number(score.MedianDose.Value)} {quantity.Unit}{size}; score {Number(score.Score.Value)} above {Number(limit)}).",
            AlertEvidence.Of(protocol, facts).WithDistribution(history.Select(h => h.Dose).Order().ToList()));
    }
}

/// <summary>
/// A diagnostic reference level was exceeded. National (the default rules): judged on the device's rolling median per DRL
/// category (<see cref="NationalDrlMedianRule"/>), as a DRL is a benchmark for the median of a sample of patients, not a
/// limit for one. Local (a percentile of the protocol's history, default 75th): per study or event.
/// </summary>
internal static class DrlRules
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.Dlp);
        if (!string.Equals(rule.Parameter(RuleParameters.Source), RuleParameters.SourceLocal, StringComparison.OrdinalIgnoreCase))
            return NationalDrlMedianRule.Evaluate(rule, context, quantity);
        return Local(rule, context, quantity);
    }

    private static IEnumerable<AlertCandidate> Local(Rule rule, AnalysisContext context, DoseQuantity quantity)
    {
        if (quantity.PerStudy)
        {
            if (!rule.Scope.MatchesProtocol(context.StudyProtocol.Standard) || quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
            if (LocalDrl(rule, context, context.StudyProtocol, quantity) is { } d && value > d.Level) yield return Candidate(rule, context, null, context.StudyProtocol, quantity, value, d);
            yield break;
        }
        foreach (var (ev, protocol) in context.Events)
        {
            if (!rule.Scope.MatchesProtocol(protocol.Standard) || quantity.Pick(ev) is not { } value) continue;
            if (LocalDrl(rule, context, protocol, quantity) is { } d && value > d.Level) yield return Candidate(rule, context, ev.EventUid, protocol, quantity, value, d);
        }
    }

    private static (double Level, string Source, IReadOnlyList<double> Distribution)? LocalDrl(Rule rule, AnalysisContext context, ProtocolResolution protocol, DoseQuantity quantity)
    {
        if (ReferenceGroup.Of(protocol) is not { } group) return null;
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        var percentile = rule.DoubleParameter(RuleParameters.Percentile, 75);
        var history = (quantity.PerStudy
            ? context.HistoryStudies(group).Select(h => quantity.StudyValue(h.Events, h.Reported))
            : context.HistoryEvents(group).Select(h => quantity.Pick(h.Event))).OfType<double>().Order().ToList();
        if (history.Count < minimum) return null;
        return (RobustStatistics.Quantile(history, percentile / 100), $"local DRL: {Number(percentile)}th percentile of {history.Count} earlier values", history);
    }

    private static AlertCandidate Candidate(Rule rule, AnalysisContext context, string? eventUid, ProtocolResolution protocol, DoseQuantity quantity,
        double value, (double Level, string Source, IReadOnlyList<double> Distribution) drl) =>
        new(context.Study.StudyInstanceUid, eventUid, rule, quantity.Name, value, drl.Level, quantity.Unit,
            $"{quantity.Name} {Number(value)} {quantity.Unit} exceeds the {drl.Source} ({Number(drl.Level)} {quantity.Unit}).",
            AlertEvidence.Of(protocol, ("drl", drl.Source)).WithDistribution(drl.Distribution));
}
