using System.Buffers;

namespace DoseWatch.Core.Analysis;

/// <summary>Why no score could be given.</summary>
public enum OutlierScoreStatus
{
    Scored,
    NotEnoughHistory,
    NotPositive,
}

/// <summary>
/// A robust z-score of one dose against the history of the same standard protocol on the same device, on the log scale
/// (doses are positive and right-skewed; on the log scale a dose twice the median is as far as one half of it):
/// <c>score = (ln x − median(ln h)) / (1.4826 · max(MAD(ln h), MinimumLogMad))</c>.
/// </summary>
public sealed record OutlierScore(OutlierScoreStatus Status, double? Score, double? MedianDose, double? LogMad, int SampleSize)
{
    /// <summary>
    /// What a small history adds to a score threshold: the limit applied is <c>threshold + SmallSampleAllowance / n</c>.
    /// The median and MAD of 20 values are themselves uncertain, and with the bare 3.5 a log-normal history of 20 flags
    /// 1 dose in 190 (simulation of 200,000 histories); with the allowance (3.5 + 1.5 = 5.0 at n = 20, 3.8 at n = 100,
    /// 3.56 at n = 500) the false-alarm rate per judged value stays at or below about 1 in 1,400 for every n ≥ 20
    /// (1 in 3,500 at n = 100, 1 in 4,500 at n = 500; docs/alerts.md).
    /// </summary>
    public const double SmallSampleAllowance = 30;

    /// <summary>Largest exponent of the dose–weight relation that size adjustment uses (dose ∝ weight^b, b in [0, 2]).</summary>
    public const double MaximumSizeExponent = 2;

    /// <summary>Pairs the size exponent is estimated from: the newest ones (Theil–Sen is quadratic in them).</summary>
    public const int SizeExponentPairs = 200;

    /// <summary>The exponent b of dose ∝ weight^b used to adjust the history to this patient's size; null when not adjusted.</summary>
    public double? SizeExponent { get; init; }

    /// <summary>The score limit for a history of <paramref name="sampleSize"/> values: <c>threshold + SmallSampleAllowance / n</c>.</summary>
    public static double Limit(double threshold, int sampleSize) => threshold + SmallSampleAllowance / Math.Max(1, sampleSize);

    /// <summary>The dose at which this score reaches <paramref name="limit"/>: median · exp(limit · 1.4826 · max(MAD, floor)).</summary>
    public double DoseAt(double limit) => MedianDose!.Value * Math.Exp(limit * RobustStatistics.NormalConsistency * Math.Max(LogMad!.Value, MinimumLogMad));

    /// <summary>
    /// Size-adjusted score: when this patient's weight and at least <paramref name="minimumSampleSize"/> earlier weights
    /// are known, each earlier dose is scaled to this patient's weight along dose ∝ weight^b (b the Theil–Sen slope of
    /// ln dose on ln weight over the newest <see cref="SizeExponentPairs"/> pairs, clamped to [0, <see cref="MaximumSizeExponent"/>])
    /// and the plain score is taken against the scaled history; otherwise the plain score.
    /// </summary>
    public static OutlierScore ComputeSizeAdjusted(double value, double? weightKg, IReadOnlyList<(double Dose, double? WeightKg)> history, int minimumSampleSize)
    {
        var paired = history.Where(h => h.Dose > 0 && double.IsFinite(h.Dose) && h.WeightKg is > 0).Select(h => (h.Dose, Weight: h.WeightKg!.Value)).ToList();
        if (weightKg is not > 0 || paired.Count < minimumSampleSize) return Compute(value, history.Select(h => h.Dose), minimumSampleSize);
        var exponent = Math.Clamp(TheilSenSlope(paired.Take(SizeExponentPairs).Select(p => (Math.Log(p.Weight), Math.Log(p.Dose))).ToList()), 0, MaximumSizeExponent);
        var scaled = paired.Select(p => p.Dose * Math.Pow(weightKg.Value / p.Weight, exponent));
        return Compute(value, scaled, minimumSampleSize) with { SizeExponent = exponent };
    }

    /// <summary>Median of the slopes between every two points with different x (0 when there are none).</summary>
    private static double TheilSenSlope(IReadOnlyList<(double X, double Y)> points)
    {
        // Up to 19,900 slopes (160 kB): a pooled buffer, not a new array per evaluation. Arrays that size go to the large
        // object heap, and one per outlier evaluation made the process collect its whole heap every few seconds (issue #18).
        var slopes = ArrayPool<double>.Shared.Rent(Math.Max(1, points.Count * (points.Count - 1) / 2));
        try
        {
            var count = 0;
            for (var i = 0; i < points.Count; i++)
                for (var j = i + 1; j < points.Count; j++)
                    if (Math.Abs(points[j].X - points[i].X) > 1e-9) slopes[count++] = (points[j].Y - points[i].Y) / (points[j].X - points[i].X);
            return count == 0 ? 0 : RobustStatistics.QuantileInPlace(slopes.AsSpan(0, count), 0.5);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(slopes);
        }
    }

    /// <summary>
    /// Floor of the log-scale MAD: a protocol run with a fixed technique gives identical doses (MAD 0), and any tiny
    /// difference would otherwise score infinity. 0.01 means "treat spreads below about 1 % as 1 %".
    /// </summary>
    public const double MinimumLogMad = 0.01;

    public bool IsScored => Status == OutlierScoreStatus.Scored;

    /// <param name="value">The dose being judged (any positive unit; history in the same unit).</param>
    /// <param name="history">Earlier doses of the same protocol and device (non-positive values are ignored).</param>
    /// <param name="minimumSampleSize">Fewer usable history values than this gives <see cref="OutlierScoreStatus.NotEnoughHistory"/>.</param>
    public static OutlierScore Compute(double value, IEnumerable<double> history, int minimumSampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumSampleSize, 1);
        var logs = history.Where(h => h > 0 && double.IsFinite(h)).Select(h => Math.Log(h)).ToArray();
        if (logs.Length < minimumSampleSize) return new OutlierScore(OutlierScoreStatus.NotEnoughHistory, null, null, null, logs.Length);
        var medianLog = RobustStatistics.Median(logs);
        var mad = RobustStatistics.MedianAbsoluteDeviation(logs);
        if (!(value > 0) || !double.IsFinite(value)) return new OutlierScore(OutlierScoreStatus.NotPositive, null, Math.Exp(medianLog), mad, logs.Length);
        var score = (Math.Log(value) - medianLog) / (RobustStatistics.NormalConsistency * Math.Max(mad, MinimumLogMad));
        return new OutlierScore(OutlierScoreStatus.Scored, score, Math.Exp(medianLog), mad, logs.Length);
    }
}
