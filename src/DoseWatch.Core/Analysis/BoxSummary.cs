namespace DoseWatch.Core.Analysis;

/// <summary>
/// The five numbers a box plot draws (minimum, P25, median, P75, maximum) and the mean, over <see cref="Count"/> values.
/// Quantiles are type 7 (<see cref="RobustStatistics.Quantile"/>), the same as NumPy's default and Python's
/// statistics.quantiles(method="inclusive").
/// </summary>
public sealed record BoxSummary(long Count, double Minimum, double P25, double Median, double P75, double Maximum, double Mean)
{
    /// <summary>The quartile probabilities a box needs besides the extremes.</summary>
    public static readonly double[] Probabilities = [0.25, 0.5, 0.75];

    /// <summary>
    /// The 0-based ranks (in ascending order) whose values determine the type 7 quantiles of <paramref name="count"/>
    /// values at <see cref="Probabilities"/>, the minimum and the maximum: a database can return these few rows instead
    /// of every value. h = (n − 1)·p; the ranks are ⌊h⌋ and ⌊h⌋ + 1.
    /// </summary>
    public static IReadOnlySet<long> RanksNeeded(long count)
    {
        var ranks = new SortedSet<long> { 0, count - 1 };
        foreach (var p in Probabilities)
        {
            var (lower, _) = Position(count, p);
            ranks.Add(lower);
            if (lower + 1 < count) ranks.Add(lower + 1);
        }
        return ranks;
    }

    /// <summary>
    /// The summary from the values at <see cref="RanksNeeded"/> (rank → value, 0-based in ascending order) and the mean.
    /// Throws when a needed rank is missing: a caller that fetched the wrong rows must not draw a wrong box.
    /// </summary>
    public static BoxSummary FromOrderStatistics(long count, IReadOnlyDictionary<long, double> valueAtRank, double mean)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "A box needs at least one value.");
        double At(long rank) => valueAtRank.TryGetValue(rank, out var v) ? v
            : throw new ArgumentException($"The value of rank {rank} of {count} is missing.", nameof(valueAtRank));
        double Quantile(double p)
        {
            var (lower, fraction) = Position(count, p);
            return fraction == 0 ? At(lower) : At(lower) + fraction * (At(lower + 1) - At(lower));
        }
        return new BoxSummary(count, At(0), Quantile(0.25), Quantile(0.5), Quantile(0.75), At(count - 1), mean);
    }

    /// <summary>The summary of values held in memory.</summary>
    public static BoxSummary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("A box needs at least one value.", nameof(values));
        var sorted = values.Order().ToArray();
        return new BoxSummary(sorted.Length, sorted[0], RobustStatistics.Quantile(sorted, 0.25), RobustStatistics.Quantile(sorted, 0.5),
            RobustStatistics.Quantile(sorted, 0.75), sorted[^1], sorted.Average());
    }

    // Exact for the quartiles: (n − 1)·p is computed as an integer division so no rounding moves a rank.
    private static (long Lower, double Fraction) Position(long count, double p)
    {
        var quarters = (long)Math.Round(p * 4);
        if (Math.Abs(quarters / 4.0 - p) < 1e-12)
        {
            var scaled = (count - 1) * quarters;
            return (scaled / 4, scaled % 4 / 4.0);
        }
        var h = (count - 1) * p;
        var lower = (long)Math.Floor(h);
        return (lower, h - lower);
    }
}
