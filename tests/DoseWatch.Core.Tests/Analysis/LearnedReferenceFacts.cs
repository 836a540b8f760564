using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Issue #15: checks against a raw name's own history while it maps to nothing, warm-up, size adjustment, strata.</summary>
public sealed class LearnedReferenceFacts
{
    // 24 earlier studies of an unmapped name, CTDIvol 8..12 mGy, 120 kV.
    private static IReadOnlyList<HistoricalStudy> RawHistory(int count, string protocol = "Thorax spezial", Func<int, IrradiationEvent>? make = null) =>
        Enumerable.Range(0, count).Select(i => new HistoricalStudy($"1.2.8.{i}", new DateOnly(2025, 12, 1), null,
            [make?.Invoke(i) ?? CtEvent($"1.2.8.{i}.1", protocol: protocol, ctdiVol: 8.0 + i % 5, dlp: 30 * (8.0 + i % 5))])).ToList();

    private static readonly Rule Outlier = Rule(RuleType.DoseOutlier, 3.5, null, (RuleParameters.Quantity, "ctdivol"));
    private static readonly Rule KvpCheck = Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, RuleParameters.CheckKvp));

    private static StudyAnalysisInput Input(ProtocolCatalogue catalogue, IReadOnlyList<HistoricalStudy> history, params IrradiationEvent[] events) =>
        new(Study("1.2.3"), events, catalogue) { DeviceHistory = history };

    [Fact]
    public void An_unmapped_name_is_checked_against_its_own_history_and_the_alert_says_so()
    {
        var input = Input(ProtocolCatalogue.Empty, RawHistory(24), CtEvent("high", protocol: "THORAX-Spezial", ctdiVol: 45), CtEvent("kv", protocol: "Thorax spezial", kvp: 100));
        var alerts = AlertEvaluator.Evaluate([Outlier, KvpCheck], input);
        Assert.Equal([("high", RuleType.DoseOutlier), ("kv", RuleType.ProtocolDeviation)], alerts.Select(a => (a.EventUid!, a.Type)));
        foreach (var alert in alerts)
        {
            Assert.Equal(("raw protocol name", "24", (string?)null), (alert.Evidence.Facts["referenceLearnedFrom"], alert.Evidence.Facts["referenceStudies"], alert.Evidence.StandardProtocol));
            Assert.Contains("raw protocol name", alert.Message);
            Assert.Contains("24 earlier studies", alert.Message);
        }
    }

    [Fact]
    public void A_group_with_fewer_studies_than_the_minimum_sample_only_learns()
    {
        var events = new[] { CtEvent("high", protocol: "Thorax spezial", ctdiVol: 45), CtEvent("kv", protocol: "Thorax spezial", kvp: 100) };
        Assert.Empty(AlertEvaluator.Evaluate([Outlier, KvpCheck], Input(ProtocolCatalogue.Empty, RawHistory(19), events)));
        Assert.Equal(2, AlertEvaluator.Evaluate([Outlier, KvpCheck], Input(ProtocolCatalogue.Empty, RawHistory(20), events)).Count);
    }

    [Fact]
    public void Once_mapped_a_names_history_counts_toward_the_standard_protocol()
    {
        // 12 studies named "Chest routine" (mapped to Chest) and 12 named "Thorax spezial": neither name alone reaches 20.
        var history = ChestHistory(Enumerable.Range(0, 12).Select(i => 8.0 + i % 5)).Concat(RawHistory(12)).ToList();
        var high = CtEvent("high", protocol: "Thorax spezial", ctdiVol: 45);
        Assert.Empty(AlertEvaluator.Evaluate([Outlier], Input(ChestCatalogue(), history, high)));
        var mapped = new ProtocolCatalogue(ChestCatalogue().Standards,
            [new ProtocolMapping("Chest routine", ProtocolNameSource.AcquisitionProtocol, "", "Chest"), new ProtocolMapping("thorax spezial", ProtocolNameSource.AcquisitionProtocol, "", "Chest")]);
        var alert = Assert.Single(AlertEvaluator.Evaluate([Outlier], Input(mapped, history, high)));
        Assert.Equal(("Chest", "standard protocol", "24"), (alert.Evidence.StandardProtocol, alert.Evidence.Facts["referenceLearnedFrom"], alert.Evidence.Facts["referenceStudies"]));
    }

    [Fact]
    public void Raw_names_that_differ_only_in_digits_are_different_groups()
    {
        Assert.Equal(ReferenceGroup.Of(new ProtocolResolution("T1_TSE sag", null, null))!.Key, ReferenceGroup.Of(new ProtocolResolution("t1 tse-SAG", null, null))!.Key);
        Assert.NotEqual(ReferenceGroup.Of(new ProtocolResolution("t1_tse_sag", null, null))!.Key, ReferenceGroup.Of(new ProtocolResolution("t2_tse_sag", null, null))!.Key);
        Assert.Null(ReferenceGroup.Of(new ProtocolResolution(" -- ", null, null)));
    }

    [Fact]
    public void The_outlier_score_is_size_adjusted_where_the_patients_weight_is_known()
    {
        // History: CTDIvol proportional to weight (50..110 kg → 5..11 mGy, ±3 %).
        var history = Enumerable.Range(0, 40).Select(i =>
        {
            var weight = 50.0 + 60 * (i % 13) / 12;
            return new HistoricalStudy($"1.2.7.{i}", new DateOnly(2025, 12, 1), null, [CtEvent($"1.2.7.{i}.1", protocol: "Abdomen X", ctdiVol: weight / 10 * (1 + 0.03 * (i % 3 - 1)))]) { PatientWeightKg = weight };
        }).ToList();
        StudyAnalysisInput For(double weight, double ctdi) => new(Study("1.2.3") with { Patient = new PatientCharacteristics(null, 50, null, weight, null) },
            [CtEvent("e", protocol: "Abdomen X", ctdiVol: ctdi)], ProtocolCatalogue.Empty) { DeviceHistory = history };
        Assert.Empty(AlertEvaluator.Evaluate([Outlier], For(110, 11.5))); // a heavy patient's ordinary dose
        var alert = Assert.Single(AlertEvaluator.Evaluate([Outlier], For(50, 11.5))); // the same dose for a light one
        Assert.Equal(1, double.Parse(alert.Evidence.Facts["sizeExponent"], System.Globalization.CultureInfo.InvariantCulture), 1);
        // Without a weight the plain score: 11.5 is inside the spread of all sizes.
        Assert.Empty(AlertEvaluator.Evaluate([Outlier], For(110, 11.5) with { Study = Study("1.2.3") }));
    }

    private static IrradiationEvent Nm(string uid, string agent, double activity) =>
        new() { EventUid = uid, Source = DoseSourceKind.RadiopharmaceuticalRdsr, Protocol = "PET WB", RadiopharmaceuticalAgent = agent, AdministeredActivityMBq = activity };

    [Fact]
    public void Administered_activity_is_compared_per_radiopharmaceutical()
    {
        // The same raw name used with two agents: FDG about 300 MBq, choline about 700 MBq.
        var history = Enumerable.Range(0, 40).Select(i => new HistoricalStudy($"1.2.6.{i}", null, null,
            [i % 2 == 0 ? Nm($"1.2.6.{i}.1", "FDG", 290 + i) : Nm($"1.2.6.{i}.1", "Choline", 690 + i)])).ToList();
        var rule = Rule(RuleType.DoseOutlier, 3.5, null, (RuleParameters.Quantity, "activity"));
        StudyAnalysisInput For(IrradiationEvent ev) => new(Study("1.2.3", "PT"), [ev], ProtocolCatalogue.Empty) { DeviceHistory = history };
        Assert.Empty(AlertEvaluator.Evaluate([rule], For(Nm("e", "Choline", 720))));
        var alert = Assert.Single(AlertEvaluator.Evaluate([rule], For(Nm("e", "FDG", 720))));
        Assert.Equal("20", alert.Evidence.Facts["sampleSize"]);
    }

    private static IrradiationEvent Mr(string uid, double sar, string mode) =>
        new() { EventUid = uid, Source = DoseSourceKind.MrImageHeader, Protocol = "t2_tse_tra", SarWPerKg = sar, OperatingMode = mode };

    private static IrradiationEvent Us(string uid, double? tis, double? tib) =>
        new() { EventUid = uid, Source = DoseSourceKind.UsImageHeader, Protocol = "Abdomen", MechanicalIndex = 1.0, ThermalIndexSoftTissue = tis, ThermalIndexBone = tib };

    [Fact]
    public void Mr_operating_mode_and_us_thermal_index_type_outside_the_usual_set_are_raised()
    {
        var mrHistory = Enumerable.Range(0, 25).Select(i => new HistoricalStudy($"1.2.5.{i}", null, null, [Mr($"1.2.5.{i}.1", 1.2, "IEC_NORMAL")])).ToList();
        var mode = Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, RuleParameters.CheckOperatingMode));
        var mrAlert = Assert.Single(AlertEvaluator.Evaluate([mode], new StudyAnalysisInput(Study("1.2.3", "MR"),
            [Mr("ok", 1.3, "IEC_NORMAL"), Mr("first", 3.1, "IEC_FIRST_LEVEL")], ProtocolCatalogue.Empty) { DeviceHistory = mrHistory }));
        Assert.Equal(("first", "IEC_NORMAL", "IEC_FIRST_LEVEL"), (mrAlert.EventUid, mrAlert.Evidence.Facts["expected"], mrAlert.Evidence.Facts["actual"]));

        var usHistory = Enumerable.Range(0, 25).Select(i => new HistoricalStudy($"1.2.4.{i}", null, null, [Us($"1.2.4.{i}.1", 0.5, 0.2)])).ToList();
        var tiType = Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, RuleParameters.CheckThermalIndexType));
        var usAlert = Assert.Single(AlertEvaluator.Evaluate([tiType], new StudyAnalysisInput(Study("1.2.3", "US"),
            [Us("ok", 0.4, 0.2), Us("bone-only", null, 0.6)], ProtocolCatalogue.Empty) { DeviceHistory = usHistory }));
        Assert.Equal(("bone-only", "TIS+TIB", "TIB"), (usAlert.EventUid, usAlert.Evidence.Facts["expected"], usAlert.Evidence.Facts["actual"]));
    }

    [Fact]
    public void A_kvp_that_varies_freely_sets_no_expectation()
    {
        // Automatic kVp, 70..109 kV (2.5 % of events each): no value reaches 5 %, so no expectation and no alert.
        var free = Enumerable.Range(0, 40).Select(i => new HistoricalStudy($"1.2.3.{i}", null, null, [CtEvent($"1.2.3.{i}.1", protocol: "Fluoro", kvp: 70 + i)])).ToList();
        Assert.Empty(AlertEvaluator.Evaluate([KvpCheck], Input(ProtocolCatalogue.Empty, free, CtEvent("e", protocol: "Fluoro", kvp: 150))));
        Assert.Empty(ProtocolReferenceLearner.ExpectedSet(Enumerable.Range(0, 40).Select(i => 70.0 + i)));
        // 90 % at 120 kV and 10 % spread over four values (2.5 % each): the set {120} covers only 90 %, so no expectation.
        Assert.Empty(ProtocolReferenceLearner.ExpectedSet(Enumerable.Repeat(120.0, 36).Concat([100, 110, 130, 140])));
        Assert.Equal([120.0], ProtocolReferenceLearner.ExpectedSet(Enumerable.Repeat(120.0, 39).Append(100)));
    }
}
