using DoseWatch.Web.Components.Dashboards.Modality;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>Issue #21's chart fixes that are plain functions: whole-study colour-bar ticks and device labels that fit.</summary>
public sealed class ChartStyleFacts
{
    [Theory]
    [InlineData(1, 3, new long[] { 1, 2, 3 })]          // Plotly's own: 1, 1.5, 2, 2.5, 3
    [InlineData(1, 1, new long[] { 1 })]
    [InlineData(1, 12, new long[] { 2, 4, 6, 8, 10, 12 })]
    [InlineData(3, 40, new long[] { 10, 20, 30, 40 })]
    [InlineData(1, 1234, new long[] { 500, 1000 })]
    public void Count_ticks_are_whole_numbers_within_the_range(long minimum, long maximum, long[] expected) =>
        Assert.Equal(expected, ChartStyle.CountTicks(minimum, maximum));

    [Fact]
    public void Count_ticks_never_exceed_the_maximum_number()
    {
        for (long max = 1; max < 5000; max += 37)
        {
            var ticks = ChartStyle.CountTicks(1, max);
            Assert.InRange(ticks.Count, 1, 6);
            Assert.All(ticks, t => Assert.InRange(t, 1, max));
        }
    }

    [Fact]
    public void A_long_device_label_wraps_at_its_separators_and_the_margin_holds_its_longest_line()
    {
        var label = ChartStyle.WrapLabel("CT_RAD_2 · Revolution EVO · GE MEDICAL SYSTEMS");
        Assert.Equal("CT_RAD_2 · Revolution EVO<br>GE MEDICAL SYSTEMS", label);
        Assert.All(label.Split("<br>"), line => Assert.True(line.Length <= 26, line));
        Assert.Equal("MR_1 · Skyra", ChartStyle.WrapLabel("MR_1 · Skyra"));
        Assert.Equal(16 + 7 * "CT_RAD_2 · Revolution EVO".Length, ChartStyle.LabelMargin([label, "MR_1"]));
        Assert.Equal(240, ChartStyle.LabelMargin([new string('x', 80)])); // a single word too long for a line stays whole, the margin at its cap
    }
}
