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

    private static readonly Rule[] Levels = [.. new[] { 2.0, 3.0, 5.0 }.Select(t => Rule(RuleType.PeakSkinDose, t))];

    [Fact]
    public void A_peak_of_3_2_Gy_reaches_the_2_and_3_Gy_levels_not_5()
    {
        var alerts = AlertEvaluator.Evaluate(Levels, Input(3.2));

        Assert.Equal([(3.2, 2.0), (3.2, 3.0)], alerts.Select(a => (a.Value!.Value, a.Threshold!.Value)));
        Assert.All(alerts, a => Assert.Equal(("now", (string?)null, "Gy", RuleType.PeakSkinDose), (a.StudyInstanceUid, a.EventUid, a.Unit, a.Type)));
    }

    [Fact]
    public void A_study_without_a_map_is_not_judged_on_its_reference_point_dose()
    {
        // The event's dose at the reference point is 4 Gy, but there is no peak skin dose: no rule applies.
        Assert.Empty(AlertEvaluator.Evaluate(Levels, Input(null)));
    }

    [Fact]
    public void Peaks_of_one_patient_add_over_the_window_and_alert_once_when_their_sum_reaches_the_level()
    {
        // Window 84 days back from 2026-03-01: 2025-12-08 .. 2026-03-01. Earlier in it: 1.5 (2026-01-10) + 2.0 (2026-02-14) = 3.5;
        // 2025-12-01 (2.5 Gy) is outside. With this study's 1.8 Gy: 5.3 ≥ 5 and 3.5 < 5 → one alert, value 5.3.
        var cumulative = Rule(RuleType.PeakSkinDose, 5, null, (RuleParameters.WindowDays, "84"));
        PatientPeakSkinDose[] patient =
        [
            new("old", new DateOnly(2025, 12, 1), 2.5), new("jan", new DateOnly(2026, 1, 10), 1.5),
            new("feb", new DateOnly(2026, 2, 14), 2.0), new("now", Today, 1.8),
        ];

        var alert = Assert.Single(AlertEvaluator.Evaluate([cumulative], Input(1.8, patient)));

        Assert.Equal((5.3, 5.0), (Math.Round(alert.Value!.Value, 9), alert.Threshold!.Value));
        Assert.Equal("jan=1.5; feb=2", alert.Evidence.Facts["earlierStudies"]);
        // Already at the level before this study (3.5 + 2.0 = 5.5 ≥ 5 earlier): the study that crossed it alerted, this one does not.
        Assert.Empty(AlertEvaluator.Evaluate([cumulative], Input(1.8, [.. patient, new("dec", new DateOnly(2026, 2, 20), 2.0)])));
    }

    [Fact]
    public void A_peak_skin_dose_rule_without_a_threshold_is_refused()
    {
        Assert.Contains("threshold", RuleValidation.Problems(Rule(RuleType.PeakSkinDose, null)).Keys);
        Assert.Empty(RuleValidation.Problems(Rule(RuleType.PeakSkinDose, 2)));
    }
}
