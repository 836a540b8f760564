using DoseWatch.Core.Domain;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>The acquisition did not follow its recipe: one check per rule, named by its <c>check</c> parameter.</summary>
internal static class ProtocolDeviationRules
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context) => rule.Parameter(RuleParameters.Check) switch
    {
        RuleParameters.CheckUnknownProtocol => UnknownProtocol(rule, context),
        RuleParameters.CheckUnapprovedProtocol => UnapprovedProtocol(rule, context),
        RuleParameters.CheckTargetRegion => PerEvent(rule, context, TargetRegion),
        RuleParameters.CheckKvp => PerEvent(rule, context, Kvp),
        RuleParameters.CheckPitch => PerEvent(rule, context, (r, c, e, p, reference) =>
            OutsideRange(r, c, e, p, "pitchFactor", e.PitchFactor, reference.PitchFactor, "1")),
        RuleParameters.CheckCollimation => PerEvent(rule, context, (r, c, e, p, reference) =>
            OutsideRange(r, c, e, p, "totalCollimationMm", e.NominalTotalCollimationMm, reference.TotalCollimationMm, "mm")),
        RuleParameters.CheckEventCount => EventCount(rule, context),
        var other => throw new FormatException($"Rule {rule.Id} '{rule.Name}': unknown protocol-deviation check '{other}'."),
    };

    // One alert per distinct raw name in the study (the first event carrying it), not one per event.
    private static IEnumerable<AlertCandidate> UnknownProtocol(Rule rule, AnalysisContext context) =>
        context.Events.Where(x => !x.Protocol.IsMapped && x.Protocol.RawName is not null)
            .GroupBy(x => ProtocolNameSimilarity.Normalise(x.Protocol.RawName)).Select(g => g.First())
            .Select(x =>
            {
                var suggestions = context.Input.Catalogue.Suggest(x.Protocol.RawName!, context.Study.Modality);
                return new AlertCandidate(context.Study.StudyInstanceUid, x.Event.EventUid, rule, "protocol", null, null, "",
                    $"Protocol '{x.Protocol.RawName}' maps to no standard protocol on this device.",
                    AlertEvidence.Of(x.Protocol, ("source", x.Protocol.Source?.ToString() ?? ""),
                        ("suggestions", string.Join("; ", suggestions.Select(s => $"{s.StandardProtocol} ({Number(s.Similarity)})")))));
            });

    private static IEnumerable<AlertCandidate> UnapprovedProtocol(Rule rule, AnalysisContext context) =>
        context.Events.Where(x => x.Protocol.Standard is { } s && !s.IsApprovedOn(context.DeviceKey) && rule.Scope.MatchesProtocol(s))
            .GroupBy(x => x.Protocol.Standard!.Name).Select(g => g.First())
            .Select(x => new AlertCandidate(context.Study.StudyInstanceUid, x.Event.EventUid, rule, "protocol", null, null, "",
                $"Protocol '{x.Protocol.Standard!.Name}' is not approved for device {context.DeviceKey}.",
                AlertEvidence.Of(x.Protocol, ("approvedDevices", string.Join("; ", x.Protocol.Standard.ApprovedDeviceKeys.Order(StringComparer.Ordinal))))));

    private delegate AlertCandidate? EventCheck(Rule rule, AnalysisContext context, IrradiationEvent ev, ProtocolResolution protocol, ProtocolReference reference);

    private static IEnumerable<AlertCandidate> PerEvent(Rule rule, AnalysisContext context, EventCheck check)
    {
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        foreach (var (ev, protocol) in context.Events)
        {
            if (protocol.Standard is not { } standard || !rule.Scope.MatchesProtocol(standard)) continue;
            if (context.Reference(standard, minimum) is not { } reference) continue;
            if (check(rule, context, ev, protocol, reference) is { } candidate) yield return candidate;
        }
    }

    private static AlertCandidate? TargetRegion(Rule rule, AnalysisContext context, IrradiationEvent ev, ProtocolResolution protocol, ProtocolReference reference) =>
        reference.TargetRegion is { } expected && ev.TargetRegion is { } actual && !expected.Equals(actual)
            ? new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, "targetRegion", null, null, "",
                $"Target region {actual.Meaning ?? actual.ToString()} ({actual}) is not the protocol's {expected.Meaning ?? expected.ToString()} ({expected}).",
                AlertEvidence.Of(protocol, ("expected", expected.ToString()), ("actual", actual.ToString())))
            : null;

    private static AlertCandidate? Kvp(Rule rule, AnalysisContext context, IrradiationEvent ev, ProtocolResolution protocol, ProtocolReference reference)
    {
        if (reference.KvpSet.Count == 0) return null;
        var expected = string.Join(", ", reference.KvpSet.Order().Select(Number));
        return DoseEvents.Kvps(ev).Where(k => !reference.KvpSet.Contains(k)).Select(k =>
            new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, "kvp", k, null, "kV",
                $"{Number(k)} kVp is not in the protocol's set {{{expected}}}.",
                AlertEvidence.Of(protocol, ("expected", expected), ("referenceSampleSize", reference.SampleSize.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
            .FirstOrDefault();
    }

    private static AlertCandidate? OutsideRange(Rule rule, AnalysisContext context, IrradiationEvent ev, ProtocolResolution protocol,
        string quantity, double? value, ValueRange? range, string unit)
    {
        if (value is not { } v || range is null || range.Contains(v)) return null;
        var bound = v < range.Minimum ? range.Minimum : range.Maximum;
        return new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, quantity, v, bound, unit,
            $"{quantity} {Number(v)} {unit} is outside the protocol's range {range}.",
            AlertEvidence.Of(protocol, ("expected", range.ToString())));
    }

    private static IEnumerable<AlertCandidate> EventCount(Rule rule, AnalysisContext context)
    {
        if (context.StudyProtocol.Standard is not { } standard || !rule.Scope.MatchesProtocol(standard)) yield break;
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        if (context.Reference(standard, minimum)?.EventCount is not { } range) yield break;
        var count = context.Events.Count;
        if (range.Contains(count)) yield break;
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, "eventCount", count, count < range.Minimum ? range.Minimum : range.Maximum, "{events}",
            $"{count} irradiation events where the protocol has {range} (repeated or missing acquisitions).",
            AlertEvidence.Of(context.StudyProtocol, ("expected", range.ToString())));
    }
}
