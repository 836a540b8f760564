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
