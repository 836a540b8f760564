namespace DoseWatch.Core.Analysis;

/// <summary>
/// Order statistics that a few extreme studies cannot drag: median, quantiles (linear interpolation between order
/// statistics, Hyndman–Fan type 7, the default of R and NumPy) and the median absolute deviation.
/// </summary>
public static class RobustStatistics
{
    /// <summary>
    /// Factor that makes the MAD a consistent estimator of the standard deviation for normal data: 1 / Φ⁻¹(3/4).
    /// </summary>
    public const double NormalConsistency = 1.4826;

    public static double Median(IReadOnlyCollection<double> values) => Quantile(values, 0.5);

    /// <summary>Type 7 quantile: h = (n − 1)·p, interpolate between the ⌊h⌋-th and ⌈h⌉-th smallest values (0-based).</summary>
    public static double Quantile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) throw new ArgumentException("A quantile of no values is undefined.", nameof(values));
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in [0, 1].");
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return QuantileOfSorted(sorted, p);
    }

    /// <summary><see cref="Quantile"/> of values already in ascending order: several quantiles of one sample sort it once.</summary>
    public static double QuantileOfSorted(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("A quantile of no values is undefined.", nameof(sorted));
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in [0, 1].");
        var h = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>Median of |x − median(x)| (unscaled).</summary>
    public static double MedianAbsoluteDeviation(IReadOnlyCollection<double> values)
    {
        var median = Median(values);
        return Median(values.Select(v => Math.Abs(v - median)).ToArray());
    }
}
