using DoseWatch.Core.Analysis;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Box summaries and rolling quantiles, on small sets computed by hand in the comments.</summary>
public sealed class DashboardStatisticsFacts
{
    [Fact]
    public void Box_of_seven_values_by_hand()
    {
        // 2 4 6 8 10 12 14, n = 7: h = 6p. P25: h = 1.5 → 4 + 0.5·2 = 5; median: h = 3 → 8; P75: h = 4.5 → 10 + 0.5·2 = 11.
        Assert.Equal(new BoxSummary(7, 2, 5, 8, 11, 14, 8), BoxSummary.Of([14, 2, 12, 4, 10, 6, 8]));
    }

    [Fact]
    public void Box_of_a_large_count_is_exact_at_the_quartiles()
    {
        // n = 1001 values 0, 0.5, ... 500: h = 1000p → P25 at rank 250, median at 500, P75 at 750, all exact.
        var box = BoxSummary.Of(Enumerable.Range(0, 1001).Select(i => i * 0.5).Reverse().ToArray());
        Assert.Equal((0, 125, 250, 375, 500, 250), (box.Minimum, box.P25, box.Median, box.P75, box.Maximum, box.Mean));
    }

    [Fact]
    public void Box_of_one_value_and_of_two_and_of_none()
    {
        Assert.Equal(new BoxSummary(1, 3, 3, 3, 3, 3, 3), BoxSummary.Of([3]));
        // 1 3, n = 2: h = p. P25: 1 + 0.25·2 = 1.5; median 2; P75: 2.5.
        var two = BoxSummary.Of([3, 1]);
        Assert.Equal((1.5, 2.0, 2.5), (two.P25, two.Median, two.P75));
        Assert.Throws<ArgumentException>(() => BoxSummary.Of([]));
    }

    [Fact]
    public void Box_of_unsorted_values()
    {
        double[] values = [9, 1, 7, 3, 5, 11]; // sorted 1 3 5 7 9 11, h = 5p: P25 h 1.25 → 3.5; median h 2.5 → 6; P75 h 3.75 → 8.5
        var box = BoxSummary.Of(values);
        Assert.Equal(new BoxSummary(6, 1, 3.5, 6, 8.5, 11, 6), box);
    }

    [Fact]
    public void Rolling_quantiles_over_a_trailing_window_of_days()
    {
        var d = new DateOnly(2026, 1, 1);
        (DateOnly, double)[] values =
        [
            (d, 4), (d, 2),               // day 1: window {2, 4}
            (d.AddDays(1), 6),            // day 2: window {2, 4, 6}
            (d.AddDays(3), 10),           // day 4: days 2..4 with a 3-day window → {6, 10}
            (d.AddDays(9), 1),            // day 10: alone → {1}
        ];
        var points = RollingQuantiles.Compute(values, windowDays: 3).ToList();
        Assert.Equal(4, points.Count);
        // {2, 4}: h = p → P25 2.5, median 3, P75 3.5
        Assert.Equal(new RollingPoint(d, 2, 2, 2.5, 3, 3.5), points[0]);
        // {2, 4, 6}: h = 2p → P25 h 0.5 → 3; median 4; P75 h 1.5 → 5
        Assert.Equal(new RollingPoint(d.AddDays(1), 1, 3, 3, 4, 5), points[1]);
        // {6, 10}: P25 7, median 8, P75 9 (day 1 left the window on day 4)
        Assert.Equal(new RollingPoint(d.AddDays(3), 1, 2, 7, 8, 9), points[2]);
        Assert.Equal(new RollingPoint(d.AddDays(9), 1, 1, 1, 1, 1), points[3]);
    }

    [Fact]
    public void Rolling_window_removes_duplicates_one_for_one()
    {
        var d = new DateOnly(2026, 3, 1);
        // 2-day window. Day 1 {5, 5}; day 2 {5, 5, 5}; day 3: day 1 leaves → {5 (day 2), 1} → median 3.
        (DateOnly, double)[] values = [(d, 5), (d, 5), (d.AddDays(1), 5), (d.AddDays(2), 1)];
        var points = RollingQuantiles.Compute(values, 2).ToList();
        Assert.Equal(3, points[1].WindowCount);
        Assert.Equal((2L, 3.0), (points[2].WindowCount, points[2].Median));
    }

    [Fact]
    public void Values_out_of_day_order_are_refused()
    {
        var d = new DateOnly(2026, 3, 2);
        Assert.Throws<ArgumentException>(() => RollingQuantiles.Compute([(d, 1), (d.AddDays(-1), 2)], 7).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingQuantiles.Compute([(d, 1)], 0).ToList());
    }

    [Fact]
    public void Rf_operating_mode_is_read_from_the_typed_list()
    {
        Assert.Equal("IEC_FIRST_LEVEL", GuidanceLines.RfMode("RF:IEC_FIRST_LEVEL; GRADIENT:IEC_NORMAL"));
        Assert.Equal("IEC_NORMAL", GuidanceLines.RfMode("GRADIENT:IEC_FIRST_LEVEL; RF:IEC_NORMAL"));
        Assert.Equal("IEC_NORMAL", GuidanceLines.RfMode("IEC_NORMAL"));
        Assert.Null(GuidanceLines.RfMode("GRADIENT:IEC_FIRST_LEVEL"));
        Assert.Null(GuidanceLines.RfMode(null));
    }
}
