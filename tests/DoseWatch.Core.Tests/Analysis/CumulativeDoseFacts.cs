using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Cumulative per-patient fluoroscopy dose over a window; every expectation worked out by hand in the comments.</summary>
public sealed class CumulativeDoseFacts
{
    private static readonly DateOnly Today = new(2026, 3, 1);

    private static IrradiationEvent Fluoro(string uid, double doseRp, double dap, double seconds) => new()
    {
        EventUid = uid, Source = DoseSourceKind.ProjectionRdsr, AcquisitionType = DoseEvents.Fluoroscopy,
        DoseRpGy = doseRp, DapGyCm2 = dap, IrradiationDurationS = seconds,
    };

    // Acquisition (cine) events count for Ka,r and DAP, not for fluoroscopy time.
    private static IrradiationEvent Acquisition(string uid, double doseRp, double dap, double seconds) =>
        Fluoro(uid, doseRp, dap, seconds) with { AcquisitionType = new ConceptCode("113611", "DCM", "Stationary Acquisition") };

    private static HistoricalStudy Earlier(string uid, DateOnly date, params IrradiationEvent[] events) => new(uid, date, null, events);

    private static StudyAnalysisInput Input(IrradiationEvent[] events, params HistoricalStudy[] history) =>
        new(Study("now", "XA", date: Today), events, ProtocolCatalogue.Empty) { PatientHistory = history };

    private static Rule Cumulative(string quantity, string? windowDays = null, double? threshold = null) =>
        windowDays is null
            ? Rule(RuleType.CumulativeDose, threshold, null, (RuleParameters.Quantity, quantity))
            : Rule(RuleType.CumulativeDose, threshold, null, (RuleParameters.Quantity, quantity), (RuleParameters.WindowDays, windowDays));

    [Fact]
    public void Three_studies_that_together_cross_each_substantial_dose_level_raise_one_alert_per_quantity()
    {
        // Earlier: 2026-01-10 Ka,r 1.5+0.5 Gy, DAP 120+40 Gy·cm², fluoro 900 s (+ 20 s cine, not fluoroscopy);
        //          2026-02-14 Ka,r 1.8 Gy, DAP 150 Gy·cm², fluoro 1500 s.
        // This study: Ka,r 1.2+0.4 Gy, DAP 130+70 Gy·cm², fluoro 1300 s (+ 10 s cine).
        // Ka,r: earlier 2.0 + 1.8 = 3.8 < 5; with this 3.8 + 1.6 = 5.4 ≥ 5 → alert, value 5.4.
        // DAP: earlier 160 + 150 = 310; with this 310 + 200 = 510 ≥ 500 → alert, value 510.
        // Time: earlier 900 + 1500 = 2400 s; with this 2400 + 1300 = 3700 s ≥ 3600 s (60 min) → alert, value 3700.
        var input = Input([Fluoro("n1", 1.2, 130, 1300), Acquisition("n2", 0.4, 70, 10)],
            Earlier("jan", new DateOnly(2026, 1, 10), Fluoro("j1", 1.5, 120, 900), Acquisition("j2", 0.5, 40, 20)),
            Earlier("feb", new DateOnly(2026, 2, 14), Fluoro("f1", 1.8, 150, 1500)));
        var alerts = AlertEvaluator.Evaluate([Cumulative("doserp"), Cumulative("dap"), Cumulative("fluorotime")], input);
        Assert.Equal([("doserp", 5.4, 5.0, "Gy"), ("dap", 510.0, 500.0, "Gy.cm2"), ("fluorotime", 3700.0, 3600.0, "s")],
            alerts.Select(a => (a.Quantity, Math.Round(a.Value!.Value, 9), a.Threshold!.Value, a.Unit)));
        Assert.All(alerts, a => Assert.Equal(("now", (string?)null, RuleType.CumulativeDose), (a.StudyInstanceUid, a.EventUid, a.Type)));
        var doseRp = alerts[0];
        Assert.Equal("jan=2; feb=1.8", doseRp.Evidence.Facts["earlierStudies"]);
        Assert.Equal("3.8", doseRp.Evidence.Facts["earlierTotal"]);
        Assert.Equal([2.0, 1.8, 1.6], doseRp.Evidence.Distribution.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void The_earlier_studies_are_listed_oldest_first_whatever_order_the_history_arrives_in()
    {
        // The database returns a patient's history in no promised order (PostgreSQL reordered it in CI); the evidence
        // must read the same on both engines. Newest first in, oldest first out; same day: by UID.
        var input = Input([Fluoro("n1", 1.6, 1, 1)],
            Earlier("feb", new DateOnly(2026, 2, 14), Fluoro("f1", 1.8, 1, 1)),
            Earlier("jan-b", new DateOnly(2026, 1, 10), Fluoro("j2", 0.5, 1, 1)),
            Earlier("jan-a", new DateOnly(2026, 1, 10), Fluoro("j1", 1.5, 1, 1)));
        // Ka,r: 1.8 + 0.5 + 1.5 = 3.8 < 5; with this 3.8 + 1.6 = 5.4 ≥ 5.
        var alert = Assert.Single(AlertEvaluator.Evaluate([Cumulative("doserp")], input));
        Assert.Equal("jan-a=1.5; jan-b=0.5; feb=1.8", alert.Evidence.Facts["earlierStudies"]);
    }

    [Fact]
    public void The_window_is_the_84_days_before_the_study_date_inclusive_of_that_day_only()
    {
        // 84 days before 2026-03-01 is 2025-12-07 (31 + 31 + 22 = 84 days back): outside; 2025-12-08 and 2026-03-01 inside.
        Assert.Equal(new DateOnly(2025, 12, 7), Today.AddDays(-84));
        HistoricalStudy[] history =
        [
            Earlier("edge-out", new DateOnly(2025, 12, 7), Fluoro("a", 4, 1, 1)),
            Earlier("edge-in", new DateOnly(2025, 12, 8), Fluoro("b", 2, 1, 1)),
            Earlier("same-day", Today, Fluoro("c", 1, 1, 1)),
            Earlier("later", new DateOnly(2026, 3, 2), Fluoro("d", 9, 1, 1)),
            Earlier("undated", default, Fluoro("e", 9, 1, 1)) with { StudyDate = null },
        ];
        Assert.Equal(["edge-in", "same-day"], CumulativeDose.EarlierInWindow(history, "now", Today, 84).Select(h => h.StudyInstanceUid));
        // Ka,r: 2 + 1 + 2.5 = 5.5 ≥ 5 (the 4 Gy on 2025-12-07 and the later/undated studies are not counted).
        var alert = Assert.Single(AlertEvaluator.Evaluate([Cumulative("doserp")], Input([Fluoro("n", 2.5, 1, 1)], history)));
        Assert.Equal(5.5, alert.Value!.Value, 9);
        // A 30-day window keeps only the same-day study: 1 + 2.5 = 3.5 < 5.
        Assert.Empty(AlertEvaluator.Evaluate([Cumulative("doserp", "30")], Input([Fluoro("n", 2.5, 1, 1)], history)));
    }

    [Fact]
    public void Only_the_crossing_study_alerts_and_a_single_study_is_left_to_the_notification_rule()
    {
        // Already above before this study: 3 + 2.5 = 5.5 ≥ 5 → the crossing was alerted then; no new alert.
        Assert.Empty(AlertEvaluator.Evaluate([Cumulative("doserp")],
            Input([Fluoro("n", 1, 1, 1)], Earlier("a", new DateOnly(2026, 2, 1), Fluoro("a1", 3, 1, 1)), Earlier("b", new DateOnly(2026, 2, 2), Fluoro("b1", 2.5, 1, 1)))));
        // No earlier study: 6 Gy alone is the per-study substantial-dose rule's finding, not a cumulative one.
        Assert.Empty(AlertEvaluator.Evaluate([Cumulative("doserp")], Input([Fluoro("n", 6, 1, 1)])));
        // Exactly at the level counts (follow-up triggers are "reached"): 2.5 + 2.5 = 5.
        Assert.Single(AlertEvaluator.Evaluate([Cumulative("doserp")], Input([Fluoro("n", 2.5, 1, 1)], Earlier("a", new DateOnly(2026, 2, 1), Fluoro("a1", 2.5, 1, 1)))));
        // Just below: 2.5 + 2.4 = 4.9.
        Assert.Empty(AlertEvaluator.Evaluate([Cumulative("doserp")], Input([Fluoro("n", 2.4, 1, 1)], Earlier("a", new DateOnly(2026, 2, 1), Fluoro("a1", 2.5, 1, 1)))));
    }

    [Fact]
    public void An_edited_threshold_replaces_the_reference_level()
    {
        // Threshold 3 Gy: 1.5 + 1.6 = 3.1 ≥ 3.
        var alert = Assert.Single(AlertEvaluator.Evaluate([Cumulative("doserp", threshold: 3)],
            Input([Fluoro("n", 1.6, 1, 1)], Earlier("a", new DateOnly(2026, 2, 1), Fluoro("a1", 1.5, 1, 1)))));
        Assert.Equal((3.1, 3.0), (Math.Round(alert.Value!.Value, 9), alert.Threshold!.Value));
    }

    [Fact]
    public void The_default_rules_watch_all_three_quantities_over_twelve_weeks_at_the_reference_levels()
    {
        var cumulative = DefaultRules.All.Where(r => r.Type == RuleType.CumulativeDose).ToList();
        Assert.Equal(["doserp", "dap", "fluorotime"], cumulative.Select(r => r.Parameter(RuleParameters.Quantity)));
        Assert.All(cumulative, r => Assert.Equal(("84", (double?)null, true), (r.Parameter(RuleParameters.WindowDays), r.Threshold, r.Enabled)));
        // ../shared/reference/dicom-dose-reference.md §8.3: Ka,r 5 Gy; PKA 500 Gy·cm²; fluoroscopy time 60 min.
        Assert.Equal((5.0, 500.0, 3600.0), (FluoroscopySubstantialDoseLevels.DoseRpGy, FluoroscopySubstantialDoseLevels.DapGyCm2, FluoroscopySubstantialDoseLevels.FluoroTimeS));
    }
}
