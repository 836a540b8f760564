using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>
/// National DRLs judged on the device's rolling median per DRL category (ICRP Publication 135: a DRL is a benchmark for
/// the median of a sample of patients, not a limit for one): one high study is no DRL alert, a median above the DRL is
/// one alert per device, category and month, naming its sample.
/// </summary>
public sealed class NationalDrlMedianFacts
{
    private static readonly NationalDrl HeadRow = NationalDrlTable.UnitedKingdom2022.Find("Head (acute stroke)")!;
    private static readonly Rule CtdiVolRule = Rule(RuleType.DrlExceeded, null, null, (RuleParameters.Source, "national"), (RuleParameters.Quantity, "ctdivol"));
    private static readonly Rule DlpRule = Rule(RuleType.DrlExceeded, null, null, (RuleParameters.Source, "national"), (RuleParameters.Quantity, "dlp"));

    private static IrradiationEvent HeadScan(string uid, double ctdiVol) =>
        CtEvent(uid, "Head routine", ctdiVol: ctdiVol, dlp: ctdiVol * 15, region: Head, phantom: CtdiPhantom.Head16);

    /// <summary>One head CT a day from <paramref name="first"/>, at 10:00, with the given CTDIvol values in order.</summary>
    private static List<HistoricalStudy> HeadHistory(DateOnly first, params double[] ctdiVols) =>
        ctdiVols.Select((c, i) => new HistoricalStudy($"1.2.8.{first.DayNumber}.{i}", first.AddDays(i), "CT HEAD", [HeadScan($"1.2.8.{first.DayNumber}.{i}.1", c)])
        { StudyTime = new TimeOnly(10, 0) }).ToList();

    private static StudyAnalysisInput Input(DateOnly date, double ctdiVol, IReadOnlyList<HistoricalStudy> history) =>
        new(Study("1.2.3", date: date, description: "CT HEAD") with { StudyTime = new TimeOnly(11, 0) }, [HeadScan("1.2.3.1", ctdiVol)], ChestCatalogue())
        { DeviceHistory = history };

    [Fact]
    public void One_study_far_above_the_DRL_is_no_DRL_alert_while_the_devices_median_is_below()
    {
        var input = Input(new DateOnly(2026, 1, 25), HeadRow.CtdiVolMGy!.Value * 4, HeadHistory(new DateOnly(2026, 1, 1), [.. Enumerable.Repeat(40.0, 19)]));
        Assert.Empty(AlertEvaluator.Evaluate([CtdiVolRule, DlpRule], input));
    }

    [Fact]
    public void A_median_above_the_DRL_raises_one_alert_that_names_its_sample()
    {
        // 19 earlier head CTs, the older nine at 40 mGy and the newer ten at 50; this one at 50: median of the 20 is 50.
        var history = HeadHistory(new DateOnly(2026, 1, 1), [.. Enumerable.Repeat(40.0, 9), .. Enumerable.Repeat(50.0, 10)]);
        var input = Input(new DateOnly(2026, 1, 25), 50, history);
        var alert = Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], input));
        Assert.Equal(("1.2.3", (double?)50, HeadRow.CtdiVolMGy, "mGy"), (alert.StudyInstanceUid, alert.Value, alert.Threshold, alert.Unit));
        Assert.Equal($"drl-median:{Scanner.Key}:Head (acute stroke):2026-01", alert.EventUid);
        Assert.True(AlertCandidate.IsPeriodKey(alert.EventUid));
        Assert.Contains("Median CTDIvol 50 mGy of the last 20 Head (acute stroke) CT studies on CT1 (CT 9000, ACME)", alert.Message);
        Assert.Contains("is above the UK national DRL 2022: Head (acute stroke) (47 mGy): first in 2026-01 at this study (CTDIvol 50 mGy).", alert.Message);
        Assert.Equal("20", alert.Evidence.Facts["sampleStudies"]);
        Assert.Equal([.. Enumerable.Repeat(40.0, 9), .. Enumerable.Repeat(50.0, 11)], alert.Evidence.Distribution);

        // DLP per examination (15 × CTDIvol here): median 750 against 790 is below.
        Assert.Empty(AlertEvaluator.Evaluate([DlpRule], input));
        var dlpAbove = Input(new DateOnly(2026, 1, 25), 60, HeadHistory(new DateOnly(2026, 1, 1), [.. Enumerable.Repeat(60.0, 19)]));
        var dlp = Assert.Single(AlertEvaluator.Evaluate([DlpRule], dlpAbove));
        Assert.Equal((900.0, HeadRow.DlpMGyCm), (dlp.Value!.Value, dlp.Threshold));
    }

    [Fact]
    public void A_sample_smaller_than_the_rules_size_is_not_judged_yet()
    {
        var history = HeadHistory(new DateOnly(2025, 12, 1), [.. Enumerable.Repeat(50.0, 18)]);
        Assert.Empty(AlertEvaluator.Evaluate([CtdiVolRule], Input(new DateOnly(2026, 1, 25), 50, history)));
        var ofTen = CtdiVolRule with { Parameters = new Dictionary<string, string>(CtdiVolRule.Parameters) { [RuleParameters.MedianOfStudies] = "10" } };
        Assert.Contains("of the last 10 ", Assert.Single(AlertEvaluator.Evaluate([ofTen], Input(new DateOnly(2026, 1, 25), 50, history))).Message);
    }

    [Fact]
    public void Every_study_of_a_month_with_the_median_above_names_the_same_period_key_which_storage_keeps_once()
    {
        var history = HeadHistory(new DateOnly(2025, 12, 1), [.. Enumerable.Repeat(50.0, 20)]).Concat(HeadHistory(new DateOnly(2026, 1, 2), [.. Enumerable.Repeat(50.0, 5)])).ToList();
        var january = Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], Input(new DateOnly(2026, 1, 20), 50, history))).EventUid;
        var alsoJanuary = Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], Input(new DateOnly(2026, 1, 1), 50, history.Where(h => h.StudyDate < new DateOnly(2026, 1, 1)).ToList()))).EventUid;
        var february = Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], Input(new DateOnly(2026, 2, 1), 50, history))).EventUid;
        Assert.Equal((january, $"drl-median:{Scanner.Key}:Head (acute stroke):2026-02"), (alsoJanuary, february));
        // Another device has its own key.
        var other = Input(new DateOnly(2026, 1, 20), 50, history) with { Study = Study("1.2.3", date: new DateOnly(2026, 1, 20), device: OtherScanner, description: "CT HEAD") };
        Assert.Equal($"drl-median:{OtherScanner.Key}:Head (acute stroke):2026-01", Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], other)).EventUid);
    }

    [Fact]
    public void The_sample_is_the_devices_latest_studies_of_the_same_category_before_this_one()
    {
        // Twenty chest CTs far above the chest DRL and a head CT dated after this study (sent earlier) do not count for
        // its head sample: that is the 19 earlier head CTs (40 ×9, then 60 ×10) and this one at 60.
        var chest = Enumerable.Range(0, 20).Select(i => new HistoricalStudy($"1.2.7.{i}", new DateOnly(2026, 1, 20), "CT CHEST", [CtEvent($"1.2.7.{i}.1", ctdiVol: 80)])).ToList();
        var later = new HistoricalStudy("1.2.6", new DateOnly(2026, 1, 28), "CT HEAD", [HeadScan("1.2.6.1", 90)]);
        var head = HeadHistory(new DateOnly(2026, 1, 1), [.. Enumerable.Repeat(40.0, 9), .. Enumerable.Repeat(60.0, 10)]);
        var alert = Assert.Single(AlertEvaluator.Evaluate([CtdiVolRule], Input(new DateOnly(2026, 1, 25), 60, [.. chest, later, .. head])));
        Assert.Equal([.. Enumerable.Repeat(40.0, 9), .. Enumerable.Repeat(60.0, 11)], alert.Evidence.Distribution);
        Assert.Equal(("60", "60"), (alert.Evidence.Facts["sampleMedian"], alert.Evidence.Facts["thisStudy"]));
    }
}
