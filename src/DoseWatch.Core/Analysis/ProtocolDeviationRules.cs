using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// The acquisition did not follow its recipe: one check per rule, named by its <c>check</c> parameter. The recipe is the
/// reference of the event's <see cref="ReferenceGroup"/>: the standard protocol's (stored, or learned from its history)
/// or, while the raw name maps to nothing, learned from the device's history of that name. A group with fewer earlier
/// studies than the rule's minimum sample (default 20) only learns.
/// </summary>
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
        RuleParameters.CheckOperatingMode => Category(rule, context, "operatingMode", "MR operating mode", e => e.OperatingMode, DisplayText.MrOperatingMode),
        RuleParameters.CheckThermalIndexType => Category(rule, context, "thermalIndexType", "thermal index type", ThermalIndexType),
        var other => throw new FormatException($"Rule {rule.Id} '{rule.Name}': unknown protocol-deviation check '{other}'."),
    };

    /// <summary>
    /// Unknown names are work for the review queue (/protocols/review), not an alert per study: at most one digest per
    /// <see cref="ProtocolNameDigest.Week"/>, raised on a study that carries an unmapped name when the caller says a
    /// digest is due (<see cref="StudyAnalysisInput.NewProtocolNames"/>).
    /// </summary>
    private static IEnumerable<AlertCandidate> UnknownProtocol(Rule rule, AnalysisContext context)
    {
        if (context.Input.NewProtocolNames is not { Names.Count: > 0 } digest) yield break;
        if (context.Events.FirstOrDefault(x => !x.Protocol.IsMapped && x.Protocol.RawName is not null) is not { Protocol: { } protocol }) yield break;
        var names = digest.Names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        var shown = string.Join(", ", names.Take(10).Select(n => $"'{n}'")) + (names.Count > 10 ? $" and {names.Count - 10} more" : "");
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, "newProtocolNames", names.Count, null, "{names}",
            $"{names.Count} new protocol name{(names.Count == 1 ? "" : "s")} since {digest.Since:yyyy-MM-dd} map to no standard protocol: {shown}. " +
            "Map them in /protocols/review; until then each is checked against its own history.",
            AlertEvidence.Of(protocol, ("since", digest.Since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                ("names", string.Join("; ", names))));
    }

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
            if (ReferenceGroup.Of(protocol) is not { } group || !rule.Scope.MatchesProtocol(protocol.Standard)) continue;
            if (context.Reference(group, minimum) is not { } reference) continue;
            if (check(rule, context, ev, protocol, reference) is { } candidate)
                yield return candidate with
                {
                    Message = $"{candidate.Message} {Learned(group, reference)}",
                    Evidence = candidate.Evidence with { Facts = candidate.Evidence.Facts.Select(f => (f.Key, f.Value)).Concat(group.Facts(reference.SampleSize)).ToDictionary(f => f.Item1, f => f.Item2) },
                };
        }
    }

    /// <summary>Where the expectation came from: "Reference: standard protocol CT Head, learned from 34 studies." or edited by a physicist.</summary>
    private static string Learned(ReferenceGroup group, ProtocolReference reference) =>
        reference.EditedBy is { } by ? $"Reference: {group.Description}, set by {by}." : $"Reference: {group.Description}, learned from {reference.SampleSize} earlier studies on this device.";

    /// <summary>"TIS", "TIB", "TIC" or their combination: which thermal indices the scanner displayed.</summary>
    private static string? ThermalIndexType(IrradiationEvent e)
    {
        var kinds = new[] { (e.ThermalIndexSoftTissue, "TIS"), (e.ThermalIndexBone, "TIB"), (e.ThermalIndexCranialBone, "TIC") }.Where(k => k.Item1 is not null).Select(k => k.Item2).ToList();
        return kinds.Count == 0 ? null : string.Join("+", kinds);
    }

    /// <summary>
    /// A categorical setting (MR operating mode, US thermal index type) the group's history never or rarely used: the
    /// expected set is the values of at least <see cref="ProtocolReferenceLearner.MinimumKvpShare"/> of the group's
    /// earlier events, and only when that set covers <see cref="ProtocolReferenceLearner.MinimumSetCoverage"/> of them
    /// (a setting that varies freely has no expectation). One alert per event outside the set.
    /// </summary>
    private static IEnumerable<AlertCandidate> Category(Rule rule, AnalysisContext context, string quantity, string what, Func<IrradiationEvent, string?> pick,
        Func<string?, string?>? inWords = null)
    {
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        var learned = new Dictionary<string, (IReadOnlySet<string> Set, int Studies)>(StringComparer.Ordinal);
        foreach (var (ev, protocol) in context.Events)
        {
            if (ReferenceGroup.Of(protocol) is not { } group || !rule.Scope.MatchesProtocol(protocol.Standard) || pick(ev) is not { } actual) continue;
            if (!learned.TryGetValue(group.Key, out var reference))
            {
                var history = context.HistoryEvents(group).Select(h => (h.Study.StudyInstanceUid, Value: pick(h.Event))).Where(h => h.Value is not null).ToList();
                var studies = history.Select(h => h.StudyInstanceUid).Distinct(StringComparer.Ordinal).Count();
                learned[group.Key] = reference = (studies >= minimum ? ProtocolReferenceLearner.ExpectedSet(history.Select(h => h.Value!)) : new HashSet<string>(), studies);
            }
            if (reference.Set.Count == 0 || reference.Set.Contains(actual)) continue;
            var expected = string.Join(", ", reference.Set.Order(StringComparer.Ordinal));
            // The message in words (an MR mode's "RF:IEC_NORMAL" reads "RF normal"); the evidence keeps the values as stored.
            string Say(string value) => inWords?.Invoke(value) ?? value;
            yield return new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, quantity, null, null, "",
                $"The {what} {Say(actual)} is not the group's usual {{{string.Join(", ", reference.Set.Order(StringComparer.Ordinal).Select(Say))}}}. Reference: {group.Description}, learned from {reference.Studies} earlier studies on this device.",
                AlertEvidence.Of(protocol, [("expected", expected), ("actual", actual), .. group.Facts(reference.Studies)]));
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
        if (ReferenceGroup.Of(context.StudyProtocol) is not { } group || !rule.Scope.MatchesProtocol(context.StudyProtocol.Standard)) yield break;
        var minimum = rule.IntParameter(RuleParameters.MinimumSampleSize, RuleParameters.DefaultMinimumSampleSize);
        if (context.Reference(group, minimum) is not { EventCount: { } range } reference) yield break;
        var count = context.Events.Count;
        if (range.Contains(count)) yield break;
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, "eventCount", count, count < range.Minimum ? range.Minimum : range.Maximum, "{events}",
            $"{count} irradiation events where the protocol has {range} (repeated or missing acquisitions). {Learned(group, reference)}",
            AlertEvidence.Of(context.StudyProtocol, [("expected", range.ToString()), .. group.Facts(reference.SampleSize)]));
    }
}
