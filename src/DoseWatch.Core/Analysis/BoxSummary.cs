namespace DoseWatch.Core.Analysis;

/// <summary>
/// The five numbers a box plot draws (minimum, P25, median, P75, maximum) and the mean, over <see cref="Count"/> values.
/// Quantiles are type 7 (<see cref="RobustStatistics.Quantile"/>), the same as NumPy's default and Python's
/// statistics.quantiles(method="inclusive").
/// </summary>
public sealed record BoxSummary(long Count, double Minimum, double P25, double Median, double P75, double Maximum, double Mean)
{
    /// <summary>The summary of values held in memory.</summary>
    public static BoxSummary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("A box needs at least one value.", nameof(values));
        var sorted = values.Order().ToArray();
        return new BoxSummary(sorted.Length, sorted[0], RobustStatistics.Quantile(sorted, 0.25), RobustStatistics.Quantile(sorted, 0.5),
            RobustStatistics.Quantile(sorted, 0.75), sorted[^1], sorted.Average());
    }
}
