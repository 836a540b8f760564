using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Presentation;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>
/// The catalogue the rules editor asks from stays in step with the analysis: every parameter a default rule sets is
/// catalogued for its type with a value the catalogue accepts, every value the analysis switches on is offered, and
/// every key the analysis reads while judging a study is catalogued for the rule's type.
/// </summary>
public sealed class RuleParameterCatalogueFacts
{
    [Fact]
    public void Every_parameter_of_every_default_rule_is_catalogued_for_its_type_with_a_valid_value()
    {
        Assert.All(DefaultRules.All, rule => Assert.All(rule.Parameters, p =>
        {
            var definition = RuleParameterCatalogue.Find(rule.Type, p.Key);
            Assert.True(definition is not null, $"'{rule.Name}' ({rule.Type}) sets {p.Key}, which its type's catalogue does not offer");
            Assert.Null(definition.Problem(p.Value));
        }));
    }

    [Fact]
    public void Every_rule_type_has_a_catalogue_and_required_parameters_are_choices()
    {
        foreach (var type in Enum.GetValues<RuleType>())
        {
            var definitions = RuleParameterCatalogue.For(type);
            Assert.Equal(definitions.Count, definitions.Select(d => d.Key).Distinct().Count());
            Assert.All(definitions, d => Assert.Contains(RuleParameterCatalogue.All, a => a.Key == d.Key));
            Assert.All(definitions.Where(d => d.Required), d => Assert.Equal(RuleParameterKind.Choice, d.Kind));
            Assert.All(definitions.Where(d => d.Default is not null), d => Assert.Null(d.Problem(d.Default)));
        }
    }

    /// <summary>
    /// RuleParameters names each value the analysis switches on after its key (CheckKvp for check=kvp, TableMrSar for
    /// table=mr-sar, PartAlert, SourceLocal): a constant added there and not here fails.
    /// </summary>
    [Theory]
    [InlineData(RuleType.ProtocolDeviation, RuleParameters.Check, nameof(RuleParameters.Check))]
    [InlineData(RuleType.NotificationValue, RuleParameters.Table, nameof(RuleParameters.Table))]
    [InlineData(RuleType.DoseCheck, RuleParameters.Part, nameof(RuleParameters.Part))]
    [InlineData(RuleType.DrlExceeded, RuleParameters.Source, nameof(RuleParameters.Source))]
    public void Every_value_the_analysis_switches_on_is_offered(RuleType type, string key, string prefix)
    {
        var values = typeof(RuleParameters).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.StartsWith(prefix, StringComparison.Ordinal) && f.Name != prefix)
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(values.Count >= 2, $"no {prefix}* values found");
        var offered = RuleParameterCatalogue.Find(type, key)!.Choices.Select(c => c.Value).ToList();
        Assert.Equal(values.Order(StringComparer.Ordinal), offered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_dose_quantity_and_every_AAPM_row_is_offered()
    {
        var quantities = DoseQuantity.All.Select(q => q.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var type in new[] { RuleType.DoseOutlier, RuleType.DrlExceeded, RuleType.CumulativeDose, RuleType.NotificationValue })
            Assert.Equal(quantities, RuleParameterCatalogue.Find(type, RuleParameters.Quantity)!.Choices.Select(c => c.Value).Order(StringComparer.Ordinal));
        Assert.Equal(AapmCtNotificationValues.CtdiVolMGy.Keys.Order(StringComparer.Ordinal),
            RuleParameterCatalogue.Find(RuleType.NotificationValue, RuleParameters.Examination)!.Choices.Select(c => c.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_offered_check_and_table_is_one_the_analysis_judges()
    {
        foreach (var (type, key) in new[] { (RuleType.ProtocolDeviation, RuleParameters.Check), (RuleType.NotificationValue, RuleParameters.Table) })
            foreach (var choice in RuleParameterCatalogue.Find(type, key)!.Choices)
            {
                var refused = new List<string>();
                _ = AlertEvaluator.Evaluate([Rule(type, null, null, (key, choice.Value))], Input(), (_, e) => refused.Add(e.Message));
                Assert.Empty(refused);
            }
        // The control: a value the analysis does not know is refused, so the loop above can fail.
        var typo = new List<string>();
        _ = AlertEvaluator.Evaluate([Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, "kv"))], Input(), (_, e) => typo.Add(e.Message));
        Assert.Single(typo);
    }

    /// <summary>
    /// Judges a CT study with a learned history and a skin dose map under every default rule and every offered check,
    /// recording the parameter keys the analysis looks up: each must be catalogued for the rule's type.
    /// </summary>
    [Fact]
    public void Every_key_the_analysis_reads_is_catalogued_for_the_rule_type()
    {
        var rules = DefaultRules.All.Concat(RuleParameterCatalogue.Check.Choices.Select(c => Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, c.Value))))
            .Append(Rule(RuleType.DrlExceeded, null, null, (RuleParameters.Source, RuleParameters.SourceLocal), (RuleParameters.Quantity, "ctdivol")))
            .Append(Rule(RuleType.PeakSkinDose, null, null, (RuleParameters.WindowDays, "84")));
        var readByType = new Dictionary<RuleType, HashSet<string>>();
        foreach (var rule in rules)
        {
            var recording = new RecordingParameters(rule.Parameters);
            _ = AlertEvaluator.Evaluate([rule with { Enabled = true, Scope = RuleScope.Everywhere, Parameters = recording }], Input(), (_, _) => { });
            readByType.TryAdd(rule.Type, []);
            readByType[rule.Type].UnionWith(recording.Read);
        }
        Assert.Equal(Enum.GetValues<RuleType>().Length, readByType.Count);
        Assert.All(readByType, t => Assert.All(t.Value, key => Assert.True(RuleParameterCatalogue.Find(t.Key, key) is not null, $"{t.Key} reads '{key}', which its catalogue lacks")));
        // The recording does see reads (the facts above cannot pass on an empty set).
        Assert.Contains(RuleParameters.MinimumSampleSize, readByType[RuleType.DoseOutlier]);
        Assert.Contains(RuleParameters.MedianOfStudies, readByType[RuleType.DrlExceeded]);
        Assert.Contains(RuleParameters.Percentile, readByType[RuleType.DrlExceeded]);
        Assert.Contains(RuleParameters.WindowDays, readByType[RuleType.PeakSkinDose]);
    }

    [Fact]
    public void Problems_and_phrases_are_in_words_without_parameter_keys()
    {
        var problems = new[]
        {
            RuleParameterCatalogue.MinimumSampleSize.Problem("-3"), RuleParameterCatalogue.WindowDays.Problem("12 weeks"),
            RuleParameterCatalogue.MedianOfStudies.Problem("0"), RuleParameterCatalogue.Percentile.Problem("175"), RuleParameterCatalogue.Check.Problem(null),
        };
        Assert.All(problems, p => Assert.NotNull(p));
        foreach (var key in RuleParameterCatalogue.All.Select(d => d.Key).Where(k => k.Length > 6))
            Assert.All(problems, p => Assert.DoesNotContain(key, p!, StringComparison.Ordinal));
        Assert.Null(RuleParameterCatalogue.Percentile.Problem("92.5"));
        Assert.NotNull(RuleParameterCatalogue.Percentile.Problem("100"));
        Assert.Null(RuleParameterCatalogue.MinimumSampleSize.Problem(" "));
        Assert.Equal("Checks the collimation", RuleParameterText.Phrase(RuleParameters.Check, RuleParameters.CheckCollimation));
    }

    private static StudyAnalysisInput Input() =>
        new(Study("1.2.3"), [CtEvent("e1", ctdiVol: 40, dlp: 900)], ChestCatalogue())
        {
            DeviceHistory = ChestHistory(Enumerable.Range(0, 25).Select(i => 8.0 + i % 5).ToArray()),
            PeakSkinDoseGy = 4,
            PatientPeakSkinDoses = [new PatientPeakSkinDose("1.2.0", new DateOnly(2026, 1, 1), 2)],
        };

    /// <summary>The rule's parameters, remembering every key looked up.</summary>
    private sealed class RecordingParameters(IReadOnlyDictionary<string, string> inner) : IReadOnlyDictionary<string, string>
    {
        public HashSet<string> Read { get; } = [];
        public string this[string key] { get { Read.Add(key); return inner[key]; } }
        public IEnumerable<string> Keys => inner.Keys;
        public IEnumerable<string> Values => inner.Values;
        public int Count => inner.Count;
        public bool ContainsKey(string key) { Read.Add(key); return inner.ContainsKey(key); }
        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) { Read.Add(key); return inner.TryGetValue(key, out value); }
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => inner.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
