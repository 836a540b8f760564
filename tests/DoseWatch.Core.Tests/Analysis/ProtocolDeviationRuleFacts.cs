using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class ProtocolDeviationRuleFacts
{
    private static Rule Check(string check) => Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, check), (RuleParameters.MinimumSampleSize, "20"));

    /// <summary>20 earlier Chest studies: kVp 120, pitch 0.9..1.1, collimation 40 mm, one event each, target region Chest.</summary>
    private static StudyAnalysisInput Input(params IrradiationEvent[] events) =>
        new(Study("1.2.3"), events, ChestCatalogue())
        {
            DeviceHistory = ChestHistory(Enumerable.Repeat(10.0, 20), (i, c) => CtEvent($"h{i}", ctdiVol: c, pitch: 0.9 + 0.2 * i / 19)),
        };

    [Fact]
    public void Unknown_protocol_names_raise_one_digest_only_when_the_caller_says_one_is_due()
    {
        var input = Input(CtEvent("e1", protocol: "Chest new"), CtEvent("e2", protocol: "CHEST  NEW"), CtEvent("e3"));
        Assert.Empty(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnknownProtocol)], input)); // no alert per study
        var due = input with { NewProtocolNames = new ProtocolNameDigest(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), ["Chest new", "Head new"]) };
        var alert = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnknownProtocol)], due));
        Assert.Equal(("1.2.3", (string?)null, (double?)2, "Chest new"), (alert.StudyInstanceUid, alert.EventUid, alert.Value, alert.Evidence.RawProtocol));
        Assert.StartsWith("2 new protocol names since 2026-03-02", alert.Message);
        // A study whose names all map carries no digest, even when one is due.
        Assert.Empty(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnknownProtocol)], due with { Events = [CtEvent("e3")] }));
    }

    [Fact]
    public void A_protocol_not_approved_for_the_device_is_raised()
    {
        var approvedElsewhere = Input(CtEvent("e1")) with { Catalogue = ChestCatalogue(OtherScanner.Key) };
        var alert = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnapprovedProtocol)], approvedElsewhere));
        Assert.Equal(("e1", "Chest"), (alert.EventUid, alert.Evidence.StandardProtocol));
        var approvedHere = Input(CtEvent("e1")) with { Catalogue = ChestCatalogue(Scanner.Key) };
        Assert.Empty(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnapprovedProtocol)], approvedHere));
    }

    [Fact]
    public void A_target_region_other_than_the_protocols_is_raised()
    {
        var alerts = AlertEvaluator.Evaluate([Check(RuleParameters.CheckTargetRegion)], Input(CtEvent("e1", region: Head), CtEvent("e2")));
        var alert = Assert.Single(alerts);
        Assert.Equal(("e1", Chest.ToString(), Head.ToString()), (alert.EventUid, alert.Evidence.Facts["expected"], alert.Evidence.Facts["actual"]));
    }

    [Fact]
    public void A_kvp_outside_the_learned_set_is_raised_with_the_value()
    {
        var alert = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckKvp)], Input(CtEvent("e1", kvp: 100), CtEvent("e2", kvp: 120))));
        Assert.Equal(("e1", (double?)100, "kV", "120"), (alert.EventUid, alert.Value, alert.Unit, alert.Evidence.Facts["expected"]));
    }

    [Fact]
    public void Pitch_and_collimation_outside_their_ranges_are_raised_against_the_nearest_bound()
    {
        // History pitches 0.9 + 0.2·i/19, i = 0..19: type 7 with n = 20, h = 19·0.975 = 18.525 between i = 18 and 19:
        // 0.9 + 0.2·18.525/19 (the values are linear in i). Minimum: h = 0.475 → 0.9 + 0.2·0.475/19.
        var upper = 0.9 + 0.2 * 18.525 / 19;
        var pitch = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckPitch)], Input(CtEvent("e1", pitch: 1.5), CtEvent("e2", pitch: 1.0))));
        Assert.Equal(("e1", (double?)1.5), (pitch.EventUid, pitch.Value));
        Assert.Equal(upper, pitch.Threshold!.Value, 9);
        var collimation = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckCollimation)], Input(CtEvent("e1", collimation: 20))));
        Assert.Equal(((double?)20, (double?)40, "mm"), (collimation.Value, collimation.Threshold, collimation.Unit));
    }

    [Fact]
    public void More_events_than_the_protocol_has_are_raised_once_for_the_study()
    {
        var alert = Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckEventCount)], Input(CtEvent("e1"), CtEvent("e2"), CtEvent("e3"))));
        Assert.Equal(((string?)null, (double?)3, (double?)1), (alert.EventUid, alert.Value, alert.Threshold));
        Assert.Empty(AlertEvaluator.Evaluate([Check(RuleParameters.CheckEventCount)], Input(CtEvent("e1"))));
    }

    [Fact]
    public void Without_enough_history_and_without_a_stored_reference_no_parameter_check_fires()
    {
        var input = Input(CtEvent("e1", kvp: 100)) with { DeviceHistory = ChestHistory(Enumerable.Repeat(10.0, 19)) };
        Assert.Empty(AlertEvaluator.Evaluate([Check(RuleParameters.CheckKvp)], input));
        var edited = input with { References = [new ProtocolReference { StandardProtocol = "Chest", KvpSet = new HashSet<double> { 120 }, EditedBy = "physicist" }] };
        Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckKvp)], edited));
    }

    [Fact]
    public void Scope_and_enabled_flag_limit_where_a_rule_applies()
    {
        var input = Input(CtEvent("e1", protocol: "New thing")) with { NewProtocolNames = new ProtocolNameDigest(DateTimeOffset.UnixEpoch, ["New thing"]) };
        var mrOnly = Check(RuleParameters.CheckUnknownProtocol) with { Scope = new RuleScope(Modality: "MR") };
        var otherDevice = Check(RuleParameters.CheckUnknownProtocol) with { Scope = new RuleScope(DeviceKey: OtherScanner.Key) };
        var disabled = Check(RuleParameters.CheckUnknownProtocol) with { Enabled = false };
        Assert.Empty(AlertEvaluator.Evaluate([mrOnly, otherDevice, disabled], input));
        Assert.Single(AlertEvaluator.Evaluate([Check(RuleParameters.CheckUnknownProtocol) with { Scope = new RuleScope("CT", Scanner.Key) }], input));
    }
}

public sealed class InvalidRuleFacts
{
    [Fact]
    public void A_rule_with_unusable_parameters_is_reported_and_the_others_still_run()
    {
        var input = new StudyAnalysisInput(AnalysisFixtures.Study("1.2.3"), [AnalysisFixtures.CtEvent("e1", protocol: "Brand new")], AnalysisFixtures.ChestCatalogue())
        {
            NewProtocolNames = new ProtocolNameDigest(DateTimeOffset.UnixEpoch, ["Brand new"]),
        };
        var broken = AnalysisFixtures.Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, "spelling-mistake"));
        var good = AnalysisFixtures.Rule(RuleType.ProtocolDeviation, null, null, (RuleParameters.Check, RuleParameters.CheckUnknownProtocol));
        var problems = new List<(Rule, FormatException)>();
        Assert.Single(AlertEvaluator.Evaluate([broken, good], input, (r, e) => problems.Add((r, e))));
        Assert.Same(broken, Assert.Single(problems).Item1);
        Assert.Throws<FormatException>(() => AlertEvaluator.Evaluate([broken], input));
    }
}
