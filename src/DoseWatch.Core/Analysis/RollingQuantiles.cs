namespace DoseWatch.Core.Analysis;

/// <summary>One day of a trend: the P25, median and P75 of every value in the trailing window ending that day.</summary>
public sealed record RollingPoint(DateOnly Day, long DayCount, long WindowCount, double P25, double Median, double P75);

/// <summary>
/// Rolling median and P25–P75 band over a trailing window of whole days, from values streamed in day order (as a
/// database returns them with ORDER BY day). Only the window is held: a sorted array that each new day is merged into
/// and the day leaving the window is merged out of, so a day costs O(window) rather than a sort of the window.
/// A point is given for each day that has values of its own; the window for day d is [d − (windowDays − 1), d].
/// </summary>
public static class RollingQuantiles
{
    public static IEnumerable<RollingPoint> Compute(IEnumerable<(DateOnly Day, double Value)> valuesByDay, int windowDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowDays, 1);
        var days = new Queue<(DateOnly Day, double[] Sorted)>();
        var window = Array.Empty<double>();
        DateOnly? current = null;
        var today = new List<double>();
        foreach (var (day, value) in valuesByDay)
        {
            if (double.IsNaN(value)) continue;
            if (current is { } c && day < c)
                throw new ArgumentException($"Values must come in day order: {day:yyyy-MM-dd} after {c:yyyy-MM-dd}.", nameof(valuesByDay));
            if (current is { } previous && day != previous)
            {
                yield return Close(previous);
                today.Clear();
            }
            current = day;
            today.Add(value);
        }
        if (current is { } last) yield return Close(last);

        RollingPoint Close(DateOnly day)
        {
            var sorted = today.ToArray();
            Array.Sort(sorted);
            while (days.Count > 0 && days.Peek().Day.DayNumber <= day.DayNumber - windowDays)
                window = Without(window, days.Dequeue().Sorted);
            window = Merge(window, sorted);
            days.Enqueue((day, sorted));
            return new RollingPoint(day, sorted.Length, window.Length, RobustStatistics.Quantile(window, 0.25),
                RobustStatistics.Quantile(window, 0.5), RobustStatistics.Quantile(window, 0.75));
        }
    }

    private static double[] Merge(double[] a, double[] b)
    {
        var merged = new double[a.Length + b.Length];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length) merged[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        while (i < a.Length) merged[k++] = a[i++];
        while (j < b.Length) merged[k++] = b[j++];
        return merged;
    }

    /// <summary>The multiset difference of two sorted arrays, <paramref name="leaving"/> being a sub-multiset of <paramref name="window"/>.</summary>
    private static double[] Without(double[] window, double[] leaving)
    {
        var kept = new double[window.Length - leaving.Length];
        int i = 0, j = 0, k = 0;
        while (i < window.Length)
        {
            if (j < leaving.Length && window[i] == leaving[j]) { i++; j++; }
            else kept[k++] = window[i++];
        }
        return kept;
    }
}
