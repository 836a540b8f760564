using DoseWatch.Web.Components.Dashboards;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>Issue #21: the dashboards' date range, kept in the URL; a bad query falls back to the default year.</summary>
public sealed class DashboardPeriodFacts
{
    private static readonly DateOnly Anchor = new(2022, 6, 30);

    [Theory]
    [InlineData("30d", "2022-06-01")]
    [InlineData("quarter", "2022-04-01")] // 91 days, the last one included
    [InlineData("year", "2021-07-01")]
    [InlineData(null, "2021-07-01")]
    [InlineData("decade", "2021-07-01")]
    [InlineData("all", "1900-01-01")]
    public void Presets_end_on_the_anchor_day(string? preset, string from)
    {
        var (f, t) = DashboardPeriod.Parse(preset, null, null).Range(Anchor);
        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), Anchor), (f, t));
    }

    [Fact]
    public void A_custom_range_reads_from_the_url_in_order_and_round_trips()
    {
        var period = DashboardPeriod.Parse("custom", "2014-12-31", "2013-01-01");
        Assert.Equal((new DateOnly(2013, 1, 1), new DateOnly(2014, 12, 31)), period.Range(Anchor));
        Assert.Equal("?period=custom&from=2014-12-31&to=2013-01-01&device=uid%3A1.2", period.Query([new("device", "uid:1.2")]));
        Assert.Equal(DashboardPeriod.Default, DashboardPeriod.Parse("custom", "31/12/2014", "yesterday"));
        Assert.Equal("", DashboardPeriod.Default.Query());
        Assert.Equal("1 Jan 2013 – 31 Dec 2014", period.Describe(Anchor));
    }

    [Fact]
    public void A_subtitle_names_the_periods_days()
    {
        var window = new DashboardWindow(Anchor, Anchor, false) { FirstDay = new DateOnly(2013, 3, 4) };
        Assert.Equal("last 30 days, 1 Jun 2022 – 30 Jun 2022", DashboardPeriod.Parse("30d", null, null).DescribeRange(window));
        Assert.Equal("last 365 days, 1 Jul 2021 – 30 Jun 2022", DashboardPeriod.Default.DescribeRange(window));
        Assert.Equal("all studies, 4 Mar 2013 – 30 Jun 2022", DashboardPeriod.Parse("all", null, null).DescribeRange(window));
        Assert.Equal("1 Jan 2013 – 31 Dec 2014", DashboardPeriod.Parse("custom", "2013-01-01", "2014-12-31").DescribeRange(window));
    }
}
