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
}
