using System.Text.Json.Nodes;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Components.Dashboards;
using Plotly.Blazor.Traces;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>
/// The CT box charts draw a large box from figures computed on the server: those figures are checked against Python's
/// statistics.quantiles (method 'inclusive', the linear interpolation of R's type 7) and a whisker/outlier rule written
/// out in Python, and the traces are checked to carry only the outliers' values and studies.
/// </summary>
public sealed class ProtocolBoxTracesFacts
{
    // Log-normal doses with a few planted high values, as a protocol's CTDIvol looks; fixed seed.
    private static double[] Doses(int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = Math.Round(Math.Exp(3 + 0.3 * normal), 2);
        }
        for (var i = 0; i < count; i += 97) values[i] *= 4;
        return values;
    }

    [Theory]
    [InlineData(2000, 1)]
    [InlineData(301, 2)]
    [InlineData(7, 3)]
    public void Box_figures_match_an_independent_computation(int count, int seed)
    {
        var values = Doses(count, seed);
        var box = TukeyBox.Of(values)!;
        var python = Independent(values);
        Close(python["q1"]!.GetValue<double>(), box.Q1, "Q1");
        Close(python["median"]!.GetValue<double>(), box.Median, "median");
        Close(python["q3"]!.GetValue<double>(), box.Q3, "Q3");
        Close(python["lower"]!.GetValue<double>(), box.LowerWhisker, "lower whisker");
        Close(python["upper"]!.GetValue<double>(), box.UpperWhisker, "upper whisker");
        Assert.Equal(python["outliers"]!.AsArray().Select(n => n!.GetValue<int>()).ToList(), box.OutlierIndexes);
        Assert.Equal(count, box.Count);
    }

    [Fact]
    public void A_large_box_ships_its_figures_and_only_its_outliers_with_their_studies()
    {
        var large = Doses(2000, 4);
        var small = Doses(12, 5);
        var protocols = new List<CtProtocolDoses>
        {
            new("HEAD", large.Length, large, []) { CtdiVolStudyUids = large.Select((_, i) => $"1.2.3.{i}").ToList() },
            new("SINUS", small.Length, small, []) { CtdiVolStudyUids = small.Select((_, i) => $"1.2.4.{i}").ToList() },
        };
        var built = ProtocolBoxTraces.Build(protocols, p => p.CtdiVolMGy, p => p.CtdiVolStudyUids, allPointsUpTo: 300);

        // Most frequent on top: Plotly stacks bottom-up, so SINUS (raw box) comes first, then HEAD's box and its outliers.
        Assert.Equal(2, built.Boxes);
        Assert.Equal(3, built.Traces.Count);
        var raw = Assert.IsType<Box>(built.Traces[0]);
        Assert.Equal(small.Select(v => (object)v), raw.X);
        Assert.Equal(("SINUS", 12), (built.Targets[0].Protocol, built.Targets[0].PointStudyUids.Count));

        var figures = Assert.IsType<Box>(built.Traces[1]);
        var expected = TukeyBox.Of(large)!;
        Assert.Null(figures.X);
        Assert.Equal([expected.Q1], figures.Q1!.Cast<double>());
        Assert.Equal([expected.Median], figures.Median!.Cast<double>());
        Assert.Equal([expected.Q3], figures.Q3!.Cast<double>());
        Assert.Empty(built.Targets[1].PointStudyUids);   // a click on the box opens the protocol

        var outliers = Assert.IsType<Scatter>(built.Traces[2]);
        Assert.NotEmpty(expected.OutlierIndexes);
        Assert.True(expected.OutlierIndexes.Count < large.Length / 10, $"{expected.OutlierIndexes.Count} outliers of {large.Length}");
        Assert.Equal(expected.OutlierIndexes.Select(i => (object)large[i]), outliers.X);
        Assert.Equal(expected.OutlierIndexes.Select(i => $"1.2.3.{i}"), built.Targets[2].PointStudyUids);
        Assert.Equal(built.Targets[2].PointStudyUids.Select(u => (object)u), outliers.CustomData);
        Assert.All(built.Targets.Skip(1), t => Assert.Equal("HEAD", t.Protocol));
    }

    private static JsonNode Independent(double[] values) => IndependentPython.Run(values, "-c", """
            import json, statistics, sys
            v = json.load(sys.stdin)
            q1, median, q3 = statistics.quantiles(v, n=4, method='inclusive')
            lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
            inside = [x for x in v if lo <= x <= hi]
            print(json.dumps({'q1': q1, 'median': median, 'q3': q3, 'lower': min(inside), 'upper': max(inside),
                              'outliers': [i for i, x in enumerate(v) if x < lo or x > hi]}))
            """);

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
