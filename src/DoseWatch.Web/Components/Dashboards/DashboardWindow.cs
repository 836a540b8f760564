using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Components.Dashboards;

/// <summary>
/// The day the dashboards' windows end on: today, unless nothing arrived in the last 30 days; then the latest study
/// day, flagged as stale, so that an archive (or a dead feed) still shows its data, and says so.
/// </summary>
public sealed record DashboardWindow(DateOnly AnchorDay, DateOnly Today, bool IsStale)
{
    /// <summary>The earliest study day: where "all time" starts (a per-day trend from 1900 would be 45,000 days long).</summary>
    public DateOnly? FirstDay { get; init; }

    public static async Task<DashboardWindow> ResolveAsync(DashboardRepository dashboards, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var latest = await dashboards.LatestStudyDayAsync(cancellationToken);
        var first = await dashboards.EarliestStudyDayAsync(cancellationToken);
        return (latest is { } day && day < today.AddDays(-29) ? new DashboardWindow(day, today, true) : new DashboardWindow(today, today, false)) with { FirstDay = first };
    }
}

/// <summary>Quantiles by linear interpolation between order statistics (the default of R, NumPy and Excel's PERCENTILE.INC).</summary>
public static class Quantiles
{
    public static double? Of(IReadOnlyList<double> values, double probability)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var position = probability * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
