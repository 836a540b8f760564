namespace DoseWatch.Web.Components.Dashboards;

/// <summary>
/// A box plot's figures computed on the server, so that a box of 2,000 values reaches the browser as five numbers and
/// its outliers instead of every value and every study UID (at a million events the CT page shipped 80,000 values and
/// UIDs over the circuit before it could draw). Quartiles by linear interpolation (<see cref="Quantiles"/>, the same
/// as the table beside the chart); whiskers, as Plotly draws them from raw values, reach the most extreme values within
/// 1.5 interquartile ranges of the box; the values beyond are outliers, each kept with its index so a click on it can
/// open its study.
/// </summary>
public sealed record TukeyBox(double Q1, double Median, double Q3, double LowerWhisker, double UpperWhisker, int Count,
    IReadOnlyList<int> OutlierIndexes)
{
    public const double WhiskerIqr = 1.5;

    public static TukeyBox? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        var q1 = Quantiles.Of(values, 0.25)!.Value;
        var median = Quantiles.Of(values, 0.5)!.Value;
        var q3 = Quantiles.Of(values, 0.75)!.Value;
        var reach = WhiskerIqr * (q3 - q1);
        double lowFence = q1 - reach, highFence = q3 + reach;
        double lower = double.PositiveInfinity, upper = double.NegativeInfinity;
        var outliers = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v < lowFence || v > highFence) { outliers.Add(i); continue; }
            lower = Math.Min(lower, v);
            upper = Math.Max(upper, v);
        }
        // Linear quartiles lie between order statistics, so at least the values nearest them are inside the fences.
        return new TukeyBox(q1, median, q3, lower, upper, values.Count, outliers);
    }
}
