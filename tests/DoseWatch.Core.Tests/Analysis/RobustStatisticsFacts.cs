using DoseWatch.Core.Analysis;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class RobustStatisticsFacts
{
    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] values = [7, 1, 3, 5]; // sorted 1 3 5 7, n = 4
        // type 7: h = (n − 1)·p. p = 0.5 → h = 1.5 → 3 + 0.5·(5 − 3) = 4
        Assert.Equal(3 + 0.5 * (5 - 3), RobustStatistics.Median(values), 12);
        // p = 0.75 → h = 2.25 → 5 + 0.25·(7 − 5) = 5.5
        Assert.Equal(5 + 0.25 * (7 - 5), RobustStatistics.Quantile(values, 0.75), 12);
        Assert.Equal(1, RobustStatistics.Quantile(values, 0));
        Assert.Equal(7, RobustStatistics.Quantile(values, 1));
    }

    [Fact]
    public void Median_absolute_deviation_of_a_small_sample()
    {
        double[] values = [1, 2, 3, 4, 100]; // median 3; |x − 3| = 2 1 0 1 97 → sorted 0 1 1 2 97 → median 1
        Assert.Equal(1, RobustStatistics.MedianAbsoluteDeviation(values), 12);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RobustStatistics.Median([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustStatistics.Quantile([1.0], 1.5));
    }

    public static TheoryData<string> Shapes => new() { "random", "few distinct", "ascending", "descending", "all equal", "organ pipe", "with infinities" };

    /// <summary>
    /// Quantiles are taken by selection, not by sorting (issue #18): they must be exactly what the sorted sample's type 7
    /// formula gives, for samples shaped to trip a selection (duplicates, runs, already ordered, infinite values).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Selection_gives_exactly_the_sorted_samples_quantiles(string shape)
    {
        var random = new Random(shape.Length * 7919);
        foreach (var n in new[] { 1, 2, 3, 4, 5, 10, 101, 1000, 19_900 })
        {
            var values = Enumerable.Range(0, n).Select(i => shape switch
            {
                "random" => random.NextDouble() * 100 - 50,
                "few distinct" => random.Next(3),
                "ascending" => i,
                "descending" => -i,
                "all equal" => 4.2,
                "organ pipe" => Math.Min(i, n - i),
                _ => random.Next(5) switch { 0 => double.PositiveInfinity, 1 => double.NegativeInfinity, _ => random.NextDouble() },
            }).ToArray();
            var original = values.ToArray();
            var sorted = values.Order().ToArray();
            foreach (var p in new[] { 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1 })
            {
                var h = (n - 1) * p;
                var lower = (int)Math.Floor(h);
                var upper = Math.Min(lower + 1, n - 1);
                var expected = sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
                Assert.Equal(expected, RobustStatistics.Quantile(values, p));
                Assert.Equal(expected, RobustStatistics.QuantileInPlace(values.ToArray(), p));
            }
            Assert.Equal(original, values); // the caller's sample is not reordered
        }
    }
}
