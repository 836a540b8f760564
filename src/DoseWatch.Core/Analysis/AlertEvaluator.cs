using System.Globalization;
using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>Evaluates every enabled rule whose scope matches a study; pure: the same input gives the same candidates.</summary>
public static class AlertEvaluator
{
    /// <param name="invalidRule">
    /// Told about a rule whose parameters cannot be used (a typo in the UI); the other rules are still evaluated.
    /// Without it the <see cref="FormatException"/> propagates.
    /// </param>
    public static IReadOnlyList<AlertCandidate> Evaluate(IEnumerable<Rule> rules, StudyAnalysisInput input, Action<Rule, FormatException>? invalidRule = null)
    {
        var context = new AnalysisContext(input);
        var candidates = new List<AlertCandidate>();
        foreach (var rule in rules.Where(r => r.Enabled && r.Scope.Matches(input.Study)))
        {
            try
            {
                candidates.AddRange(EvaluateOne(rule, context));
            }
            catch (FormatException e) when (invalidRule is not null)
            {
                invalidRule(rule, e);
            }
        }
        return candidates;
    }

    /// <summary>
    /// References learned from <see cref="StudyAnalysisInput.DeviceHistory"/> for the standard protocols of the study's
    /// events that have at least <paramref name="minimumStudies"/> earlier studies, chosen as the rules choose them (by
    /// study protocol), so that a stored learned reference means what the rules would have learned themselves.
    /// </summary>
    public static IReadOnlyList<ProtocolReference> LearnReferences(StudyAnalysisInput input, int minimumStudies)
    {
        var context = new AnalysisContext(input);
        return context.Events.Select(e => ReferenceGroup.Of(e.Protocol)).OfType<ReferenceGroup>().Where(g => g.IsStandardProtocol).DistinctBy(g => g.Key)
            .Select(g => (Group: g, Studies: context.HistoryStudies(g).ToList()))
            .Where(x => x.Studies.Count >= minimumStudies)
            .Select(x => ProtocolReferenceLearner.Learn(x.Group.Name, context.DeviceKey, x.Studies))
            .ToList();
    }

    /// <summary>
    /// The "learn from history" of the protocols page: a reference for one standard protocol on one device from the
    /// device's earlier studies whose study protocol it is (as the rules choose them); null when fewer than
    /// <paramref name="minimumStudies"/> studies are that protocol.
    /// </summary>
    public static ProtocolReference? LearnReference(ProtocolCatalogue catalogue, string standardProtocol, string deviceKey,
        IReadOnlyList<HistoricalStudy> deviceHistory, int minimumStudies)
    {
        if (catalogue.Find(standardProtocol) is not { } protocol) return null;
        var studies = deviceHistory.Where(h => catalogue.ResolveStudy(deviceKey, h.StudyDescription, h.Events).Standard is { } s
            && string.Equals(s.Name, protocol.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        return studies.Count >= Math.Max(1, minimumStudies) ? ProtocolReferenceLearner.Learn(protocol.Name, deviceKey, studies) : null;
    }

    // Materialised so that a bad parameter surfaces here, inside the caller's error handling, not during enumeration later.
    private static List<AlertCandidate> EvaluateOne(Rule rule, AnalysisContext context)
    {
        IEnumerable<AlertCandidate> found = rule.Type switch
        {
            RuleType.ProtocolDeviation => ProtocolDeviationRules.Evaluate(rule, context),
            RuleType.DoseOutlier => DoseOutlierRule.Evaluate(rule, context),
            RuleType.NotificationValue => NotificationValueRules.Evaluate(rule, context),
            RuleType.DrlExceeded => DrlRules.Evaluate(rule, context),
            RuleType.CumulativeDose => CumulativeDoseRule.Evaluate(rule, context),
            RuleType.DoseCheck => DoseCheckRule.Evaluate(rule, context),
            RuleType.PeakSkinDose => PeakSkinDoseRule.Evaluate(rule, context),
            _ => [],
        };
        return found.ToList();
    }
}

/// <summary>The input with protocol resolutions and per-group history worked out once for all rules.</summary>
internal sealed class AnalysisContext
{
    private readonly Dictionary<string, ProtocolReference?> _references = new(StringComparer.Ordinal);

    /// <summary>An earlier study with its reference group and each diagnostic event's group, resolved once.</summary>
    private sealed record ResolvedStudy(HistoricalStudy Study, string DeviceKey, ReferenceGroup? Group, IReadOnlyList<(IrradiationEvent Event, ReferenceGroup? Group)> Events);

    /// <summary>
    /// A history study's resolution depends on the catalogue, the device and the study only. The device history is the
    /// same study objects from one analysis to the next (the history cache), and the catalogue the same object while
    /// nobody edits it (StudyAnalysis keeps it): each history study is resolved once, not at every analysis (issue #18).
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProtocolCatalogue, System.Runtime.CompilerServices.ConditionalWeakTable<HistoricalStudy, ResolvedStudy>> Resolved = new();

    private readonly List<ResolvedStudy> _history;

    public AnalysisContext(StudyAnalysisInput input)
    {
        Input = input;
        DeviceKey = input.Study.Device.Key;
        Events = input.Events.Where(DoseEvents.IsDiagnostic).Select(e => (e, Resolve(e, input.Study.StudyDescription))).ToList();
        StudyProtocol = StudyResolution(input.Study.StudyDescription, input.Events);
        History = input.DeviceHistory.Where(h => h.StudyInstanceUid != input.Study.StudyInstanceUid).ToList();
        // The history repeats a few names hundreds of times: each resolution's group is made once.
        var groups = new Dictionary<ProtocolResolution, ReferenceGroup?>();
        ReferenceGroup? GroupOf(ProtocolResolution resolution)
        {
            if (!groups.TryGetValue(resolution, out var group)) groups[resolution] = group = ReferenceGroup.Of(resolution);
            return group;
        }
        var remembered = Resolved.GetValue(input.Catalogue, _ => new());
        ResolvedStudy ResolveHistory(HistoricalStudy h)
        {
            if (remembered.TryGetValue(h, out var known) && known.DeviceKey == DeviceKey) return known;
            var resolved = new ResolvedStudy(h, DeviceKey, GroupOf(StudyResolution(h.StudyDescription, h.Events)),
                h.Events.Where(DoseEvents.IsDiagnostic).Select(e => (e, GroupOf(Resolve(e, h.StudyDescription)))).ToList());
            remembered.AddOrUpdate(h, resolved);
            return resolved;
        }
        _history = History.Select(ResolveHistory).ToList();
    }

    public StudyAnalysisInput Input { get; }
    public Study Study => Input.Study;
    public string DeviceKey { get; }
    public IReadOnlyList<(IrradiationEvent Event, ProtocolResolution Protocol)> Events { get; }
    public ProtocolResolution StudyProtocol { get; }
    public IReadOnlyList<HistoricalStudy> History { get; }

    public ProtocolResolution Resolve(IrradiationEvent ev, string? studyDescription) =>
        Input.Catalogue.Resolve(DeviceKey, ev.Protocol, studyDescription);

    /// <summary>The study's protocol: the first event whose name maps, else the first event's unmapped name.</summary>
    public ProtocolResolution StudyResolution(string? studyDescription, IEnumerable<IrradiationEvent> events) =>
        Input.Catalogue.ResolveStudy(DeviceKey, studyDescription, events);

    /// <summary>Earlier events of the same group on this device (diagnostic events only), with the study each belongs to.</summary>
    public IEnumerable<(HistoricalStudy Study, IrradiationEvent Event)> HistoryEvents(ReferenceGroup group) =>
        _history.SelectMany(h => h.Events.Where(e => e.Group?.Key == group.Key).Select(e => (h.Study, e.Event)));

    /// <summary>Earlier studies whose study protocol is in <paramref name="group"/>.</summary>
    public IEnumerable<HistoricalStudy> HistoryStudies(ReferenceGroup group) =>
        _history.Where(h => h.Group?.Key == group.Key).Select(h => h.Study);

    /// <summary>
    /// The stored reference of a standard protocol (device's own before the all-devices one), else one learned from the
    /// group's history once it has <paramref name="minimumSampleSize"/> studies (before that the group only learns).
    /// A raw name's reference is never stored: it is learned again from history for every study.
    /// </summary>
    public ProtocolReference? Reference(ReferenceGroup group, int minimumSampleSize)
    {
        if (_references.TryGetValue(group.Key, out var known)) return known;
        var stored = group.IsStandardProtocol
            ? Input.References.Where(r => string.Equals(r.StandardProtocol, group.Name, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(r => r.DeviceKey == DeviceKey).FirstOrDefault(r => r.DeviceKey == DeviceKey || r.DeviceKey == "")
            : null;
        if (stored is null)
        {
            var studies = HistoryStudies(group).ToList();
            stored = studies.Count >= minimumSampleSize ? ProtocolReferenceLearner.Learn(group.Name, DeviceKey, studies) : null;
        }
        return _references[group.Key] = stored;
    }

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
