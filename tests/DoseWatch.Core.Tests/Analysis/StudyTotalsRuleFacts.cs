using System.Text.Json;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>
/// Issue #16 item 1 and #15 item 5: a study's totals are the device's own accumulated values (TID 10002/10012), combined
/// over its dose reports without counting a superseded report twice; the event sums are kept beside them, and a
/// difference beyond rounding is reported. Expected values of the real files are read by pydicom at test time.
/// </summary>
public sealed class StudyTotalsRuleFacts
{
    private static (ExtractionResult Result, StudyTotals Totals) TotalsOf(string sample)
    {
        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));
        var sop = result.Instance.SopInstanceUid;
        var events = StudyTotalsRule.MarkCounted([.. result.Events.Select(e => (e, sop))]);
        var reported = new ReportedTotals(sop, result.Events.Select(e => e.EventUid).ToHashSet(), result.Accumulated);
        return (result, StudyTotalsRule.Compute(events, [reported]));
    }

    /// <summary>pydicom's sum over the Accumulated X-Ray Dose Data containers (113702) of one NUM, in the canonical unit.</summary>
    private static double AccumulatedByPydicom(IndependentReading reading, string code, string canonical)
    {
        var sum = 0.0;
        var found = false;
        foreach (var container in reading.Root.GetProperty("accumulations").EnumerateArray()
                     .Where(c => c.GetProperty("container").GetProperty("code").GetString() == "113702"))
            foreach (var item in container.GetProperty("items").EnumerateArray().Where(i => i.HasConcept(code)))
                if (item.Num() is { Values: [var v, ..] } num && TestUnits.ToCanonical(v, num.Unit, canonical) is { } x) { sum += x; found = true; }
        Assert.True(found, $"pydicom found no {code} in the accumulated dose data");
        return sum;
    }

    private static double EventSumByPydicom(IndependentReading reading, string code, string canonical) =>
        reading.Events.Select(items => items.First(code) is { } i && i.Num() is { Values: [var v, ..] } num ? TestUnits.ToCanonical(v, num.Unit, canonical) : null)
            .Sum(v => v ?? 0);

    [SamplesFact]
    public void A_philips_allura_study_totals_its_dap_as_the_device_reports_it_and_keeps_the_lower_event_sum_beside()
    {
        const string sample = "pyskindose/philips_allura_clarity_u104.dcm";
        var reading = IndependentReading.Of(SharedSamples.Path_(sample));
        var (_, totals) = TotalsOf(sample);

        var reportedDap = AccumulatedByPydicom(reading, "113722", "Gy.cm2");
        var eventDap = EventSumByPydicom(reading, "122130", "Gy.cm2");
        Assert.Equal(reportedDap, totals.DapTotalGyCm2!.Value, 9);
        Assert.Equal(eventDap, totals.Sums.DapGyCm2!.Value, 9);
        Assert.True(eventDap < reportedDap * 0.95, $"the sample's events sum to {eventDap}, its device reports {reportedDap}");
        var discrepancy = Assert.Single(totals.Discrepancies, d => d.Quantity == "dap");
        Assert.Equal((reportedDap, eventDap), (discrepancy.Reported, discrepancy.EventSum), new RoundedPair());
        Assert.Equal(AccumulatedByPydicom(reading, "113725", "Gy"), totals.DoseRpTotalGy!.Value, 9);
        Assert.Equal(AccumulatedByPydicom(reading, "113730", "s"), totals.FluoroTimeTotalS!.Value, 9);
    }

    [SamplesFact]
    public void A_siemens_artis_zee_study_totals_its_dose_at_rp_as_the_device_reports_it()
    {
        const string sample = "openrem/RF-RDSR-Siemens-Zee.dcm";
        var reading = IndependentReading.Of(SharedSamples.Path_(sample));
        var (_, totals) = TotalsOf(sample);

        var reported = AccumulatedByPydicom(reading, "113725", "Gy");
        var events = EventSumByPydicom(reading, "113738", "Gy");
        Assert.Equal(reported, totals.DoseRpTotalGy!.Value, 12);
        Assert.Equal(events, totals.Sums.DoseRpGy!.Value, 12);
        Assert.NotEqual(reported, events, 6);
        Assert.Equal(Math.Abs(events - reported) > StudyTotalsRule.RelativeTolerance * reported, totals.Discrepancies.Any(d => d.Quantity == "doseRp"));
    }

    [SamplesFact]
    public void The_fluoroscopy_time_alert_judges_the_device_total_not_the_sum_of_event_durations()
    {
        // #15 item 5: this RDSR reports 70 s of fluoroscopy; its fluoroscopy events' durations sum to thousands of seconds.
        const string sample = "openrem/RF-RDSR-Canon-Alphenix-rotational.dcm";
        var reading = IndependentReading.Of(SharedSamples.Path_(sample));
        var reportedSeconds = AccumulatedByPydicom(reading, "113730", "s");
        var (result, totals) = TotalsOf(sample);
        var counted = result.Events;
        Assert.True(DoseQuantity.FluoroTime.StudyValue(counted) >= FluoroscopySubstantialDoseLevels.FluoroTimeS, "the event durations alone would cross the level");

        var input = new StudyAnalysisInput(result.Study!, counted, ProtocolCatalogue.Empty) { Reported = totals.Reported };
        var alerts = AlertEvaluator.Evaluate(DefaultRules.All.Where(r => r.Enabled).ToList(), input);

        Assert.Equal(reportedSeconds, totals.FluoroTimeTotalS!.Value, 9);
        Assert.Equal(reportedSeconds, DoseQuantity.FluoroTime.StudyValue(counted, totals.Reported)!.Value, 9);
        Assert.DoesNotContain(alerts, a => a.Quantity == DoseQuantity.FluoroTime.Name);
        Assert.DoesNotContain(alerts, a => a.Message.Contains("substantial", StringComparison.Ordinal)
            && a.Value < (a.Quantity == "doserp" ? FluoroscopySubstantialDoseLevels.DoseRpGy : a.Quantity == "dap" ? FluoroscopySubstantialDoseLevels.DapGyCm2 : double.MaxValue));
    }

    private static IrradiationEvent Event(string uid, double dlp) => new() { EventUid = uid, Source = DoseSourceKind.CtRdsr, DlpMGyCm = dlp };

    private static ReportedTotals Report(string sop, double dlp, DateTimeOffset at, params string[] events) =>
        new(sop, events.ToHashSet(), new AccumulatedDose { DlpTotalMGyCm = dlp }, at);

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private static StudyTotals Totals(IEnumerable<string> eventUids, params ReportedTotals[] reports) =>
        StudyTotalsRule.Compute(StudyTotalsRule.MarkCounted([.. eventUids.Select(u => (Event(u, 100), "x"))]), reports);

    [Fact]
    public void A_cumulative_report_supersedes_the_partial_one_it_repeats_in_either_order()
    {
        var partial = Report("1", 200, T0, "a", "b");
        var cumulative = Report("2", 301, T0.AddMinutes(5), "a", "b", "c");
        foreach (var order in new[] { new[] { partial, cumulative }, [cumulative, partial] })
        {
            var totals = Totals(["a", "b", "c"], order);
            Assert.Equal(301, totals.DlpTotalMGyCm); // not 501: the partial report is counted in the cumulative one
            Assert.Equal(300, totals.Sums.DlpMGyCm);
            Assert.Equal(["1"], totals.SupersededObjects);
            Assert.Empty(totals.Discrepancies); // 301 against 300: within rounding
        }
    }

    [Fact]
    public void Continued_reports_of_disjoint_events_add_up()
    {
        var totals = Totals(["a", "b", "c"], Report("1", 200, T0, "a", "b"), Report("2", 100, T0.AddMinutes(5), "c"));
        Assert.Equal(300, totals.DlpTotalMGyCm);
        Assert.Empty(totals.SupersededObjects);
    }

    [Fact]
    public void Of_two_reports_of_the_same_events_the_later_counts_once()
    {
        var totals = Totals(["a"], Report("2", 101, T0, "a"), Report("1", 100, T0.AddMinutes(1), "a"));
        Assert.Equal(100, totals.DlpTotalMGyCm);
        Assert.Equal(["2"], totals.SupersededObjects);
    }

    [Fact]
    public void A_partially_overlapping_report_is_not_added()
    {
        var totals = Totals(["a", "b", "c"], Report("1", 200, T0, "a", "b"), Report("2", 150, T0, "b", "c", "d"));
        Assert.Equal(150, totals.DlpTotalMGyCm); // the larger report; adding the other would count b twice
        Assert.Equal(["1"], totals.SupersededObjects);
    }

    [Fact]
    public void Without_a_device_total_the_event_sum_stands_and_no_discrepancy_is_reported()
    {
        var totals = StudyTotalsRule.Compute(StudyTotalsRule.MarkCounted([(Event("a", 10), "x"), (Event("b", 20), "x")]), []);
        Assert.Equal(30, totals.DlpTotalMGyCm);
        Assert.Null(totals.Reported.DlpTotalMGyCm);
        Assert.Empty(totals.Discrepancies);
    }

    [Theory]
    [InlineData(300, 300, false)]
    [InlineData(300, 302.9, false)] // within 1 %
    [InlineData(300, 303.1, true)]
    [InlineData(300, 250, true)]
    public void A_difference_beyond_one_percent_is_a_discrepancy(double reported, double eventSum, bool flagged)
    {
        var totals = StudyTotalsRule.Compute(StudyTotalsRule.MarkCounted([(Event("a", eventSum), "x")]), [Report("1", reported, T0, "a")]);
        Assert.Equal(reported, totals.DlpTotalMGyCm);
        Assert.Equal(flagged, totals.Discrepancies.Any(d => d.Quantity == "dlp"));
    }

    private sealed class RoundedPair : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) < 1e-9 && Math.Abs(x.Item2 - y.Item2) < 1e-9;
        public int GetHashCode((double, double) obj) => 0;
    }
}
