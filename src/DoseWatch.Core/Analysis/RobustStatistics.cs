using System.Numerics;

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
        return QuantileInPlace(values.ToArray(), p);
    }

    /// <summary>
    /// <see cref="Quantile"/> of <paramref name="values"/>, which it reorders: for a caller whose sample is scratch space
    /// (a pooled buffer), so that a large sample costs no copy and no allocation.
    /// </summary>
    public static double QuantileInPlace(Span<double> values, double p)
    {
        if (values.IsEmpty) throw new ArgumentException("A quantile of no values is undefined.", nameof(values));
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in [0, 1].");
        // NaN breaks the comparisons a selection relies on; a sort orders it first, as this did before selecting.
        if (HasNaN(values))
        {
            values.Sort();
            return QuantileOfSorted(values.ToArray(), p);
        }
        // Selection rather than a sort: the same two order statistics in linear time. A Theil–Sen slope is the median of
        // ~20,000 pairwise slopes, and sorting them was most of an outlier evaluation (issue #18).
        var h = (values.Length - 1) * p;
        var lower = (int)Math.Floor(h);
        var lowerValue = SelectInPlace(values, lower);
        var upperValue = lowerValue;
        if (lower + 1 < values.Length)
        {
            upperValue = values[lower + 1];
            for (var i = lower + 2; i < values.Length; i++) if (values[i] < upperValue) upperValue = values[i];
        }
        return lowerValue + (h - lower) * (upperValue - lowerValue);
    }

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (var v in values) if (double.IsNaN(v)) return true;
        return false;
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest value (0-based) of NaN-free <paramref name="values"/>, which are reordered so
    /// that none before index k is greater and none after it is smaller (Hoare's FIND, median-of-three pivot). A range
    /// that keeps partitioning badly is sorted instead, so the worst case stays n log n.
    /// </summary>
    private static double SelectInPlace(Span<double> values, int k)
    {
        int left = 0, right = values.Length - 1;
        var budget = 2 * BitOperations.Log2((uint)values.Length) + 8;
        while (left < right)
        {
            if (--budget < 0)
            {
                values[left..(right + 1)].Sort();
                return values[k];
            }
            var pivot = MedianOfThree(values[left], values[left + (right - left) / 2], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            // values[left..j] ≤ pivot ≤ values[i..right]; anything between equals the pivot.
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }
        return values[k];
    }

    private static double MedianOfThree(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

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
