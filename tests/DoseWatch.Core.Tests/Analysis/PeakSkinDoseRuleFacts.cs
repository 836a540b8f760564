using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Peak skin dose rules: the study's peak against 2/3/5 Gy, and a patient's peaks added over a window; expectations worked out by hand.</summary>
public sealed class PeakSkinDoseRuleFacts
{
    private static readonly DateOnly Today = new(2026, 3, 1);

    private static IrradiationEvent Fluoro(double doseRp) => new()
    {
        EventUid = "e1", Source = DoseSourceKind.ProjectionRdsr, AcquisitionType = DoseEvents.Fluoroscopy, DoseRpGy = doseRp,
    };

    private static StudyAnalysisInput Input(double? peak, params PatientPeakSkinDose[] patient) =>
        new(Study("now", "RF", date: Today), [Fluoro(4.0)], ProtocolCatalogue.Empty) { PeakSkinDoseGy = peak, PatientPeakSkinDoses = patient };

    private static IReadOnlyList<Rule> DefaultPeakSkinDoseRules() => DefaultRules.All.Where(r => r.Type == RuleType.PeakSkinDose).ToList();

    [Fact]
    public void The_default_rules_alert_a_peak_of_3_2_Gy_at_2_and_3_Gy_not_at_5()
    {
        var alerts = AlertEvaluator.Evaluate(DefaultPeakSkinDoseRules(), Input(3.2));

        Assert.Equal([(3.2, 2.0), (3.2, 3.0)], alerts.Select(a => (a.Value!.Value, a.Threshold!.Value)));
        Assert.All(alerts, a => Assert.Equal(("now", (string?)null, "Gy", RuleType.PeakSkinDose, "peakSkinDose"), (a.StudyInstanceUid, a.EventUid, a.Unit, a.Type, a.Quantity)));
        Assert.All(alerts, a => Assert.Contains("Peak skin dose 3.2 Gy", a.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1.999, new double[0])]
    [InlineData(2.0, new[] { 2.0 })] // at the level counts, as for the other notification levels
    [InlineData(4.99, new[] { 2.0, 3.0 })]
    [InlineData(5.0, new[] { 2.0, 3.0, 5.0 })]
    public void Each_level_is_reached_at_or_above_it(double peak, double[] levels)
    {
        Assert.Equal(levels, AlertEvaluator.Evaluate(DefaultPeakSkinDoseRules(), Input(peak)).Select(a => a.Threshold!.Value));
    }

    [Fact]
    public void Without_a_threshold_the_rule_holds_the_peak_to_the_substantial_radiation_dose_level_of_3_Gy()
    {
        // dicom-dose-reference.md §8.3: SIR / NCRP 168 SRDL, peak skin dose 3 Gy.
        var rule = Rule(RuleType.PeakSkinDose);
        Assert.Empty(AlertEvaluator.Evaluate([rule], Input(2.9)));
        Assert.Equal(3.0, Assert.Single(AlertEvaluator.Evaluate([rule], Input(3.0))).Threshold);
    }

    [Fact]
    public void A_study_without_a_map_is_not_judged_on_its_reference_point_dose()
    {
        // The event's dose at the reference point is 4 Gy, but there is no peak skin dose: no peak skin dose rule applies.
        Assert.Empty(AlertEvaluator.Evaluate(DefaultPeakSkinDoseRules(), Input(null)));
    }

    [Fact]
    public void Peaks_of_one_patient_add_over_the_window_and_alert_once_when_their_sum_reaches_the_level()
    {
        // Window 84 days back from 2026-03-01: 2025-12-08 .. 2026-03-01. Earlier in it: 1.5 (2026-01-10) + 2.0 (2026-02-14) = 3.5;
        // 2025-12-01 (2.5 Gy) is outside. With this study's 1.8 Gy: 5.3 ≥ 5 and 3.5 < 5 → one alert, value 5.3.
        var cumulative = Assert.Single(DefaultPeakSkinDoseRules(), r => r.Parameter(RuleParameters.WindowDays) is not null);
        PatientPeakSkinDose[] patient =
        [
            new("old", new DateOnly(2025, 12, 1), 2.5), new("jan", new DateOnly(2026, 1, 10), 1.5),
            new("feb", new DateOnly(2026, 2, 14), 2.0), new("now", Today, 1.8),
        ];

        var alert = Assert.Single(AlertEvaluator.Evaluate([cumulative], Input(1.8, patient)));

        Assert.Equal((5.3, 5.0), (Math.Round(alert.Value!.Value, 9), alert.Threshold!.Value));
        Assert.Equal("jan=1.5; feb=2", alert.Evidence.Facts["earlierStudies"]);
        Assert.Equal([1.5, 2.0, 1.8], alert.Evidence.Distribution);
        // Already at the level before this study (3.5 + 2.0 = 5.5 ≥ 5 earlier): the study that crossed it alerted, this one does not.
        Assert.Empty(AlertEvaluator.Evaluate([cumulative], Input(1.8, [.. patient, new("dec", new DateOnly(2026, 2, 20), 2.0)])));
        // Below the level with this study (3.5 + 1.4 = 4.9): nothing.
        Assert.Empty(AlertEvaluator.Evaluate([cumulative], Input(1.4, patient)));
    }

    [Fact]
    public void A_single_study_above_the_cumulative_level_is_left_to_the_per_study_rules()
    {
        // 6 Gy with no earlier study of the patient in the window: the 2/3/5 Gy rules alert it; the cumulative rule does not repeat them.
        var cumulative = Rule(RuleType.PeakSkinDose, 5, null, (RuleParameters.WindowDays, "84"));
        Assert.Empty(AlertEvaluator.Evaluate([cumulative], Input(6.0, new PatientPeakSkinDose("now", Today, 6.0))));
    }

    [Fact]
    public void A_peak_skin_dose_rule_with_a_threshold_of_0_Gy_is_refused()
    {
        Assert.Contains("threshold", RuleValidation.Problems(Rule(RuleType.PeakSkinDose, 0)).Keys);
        Assert.Empty(RuleValidation.Problems(Rule(RuleType.PeakSkinDose, 2)));
        Assert.Empty(RuleValidation.Problems(Rule(RuleType.PeakSkinDose)));
    }

    [Fact]
    public void The_rule_type_is_stored_as_peak_skin_dose()
    {
        Assert.Equal("peak-skin-dose", RuleType.PeakSkinDose.ToWire());
        Assert.True(RuleTypes.TryParse("peak-skin-dose", out var type) && type == RuleType.PeakSkinDose);
    }
}
