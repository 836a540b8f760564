namespace DoseWatch.Web.Jobs;

/// <summary>
/// Hangfire keeps a scheduled job's time in whole seconds (the schedule set's score), so a scheduled job can start up to
/// a second before the time its row says it is due. Such a job puts itself back for the rest, instead of returning and
/// leaving the row to a sweep minutes later.
/// </summary>
public static class ScheduledStart
{
    /// <summary>More than the schedule's rounding: a row due later than this was rescheduled on purpose (a newer job
    /// waits for it), and the job that found it is not needed.</summary>
    public static readonly TimeSpan Rounding = TimeSpan.FromSeconds(2);

    /// <summary>The wait before the job runs again when it started early for a row due at <paramref name="due"/>; null
    /// when the row is due (something else holds it) or was put off on purpose.</summary>
    public static TimeSpan? PutBack(DateTimeOffset due, DateTimeOffset now) =>
        due > now && due - now <= Rounding ? TimeSpan.FromSeconds(Math.Ceiling((due - now).TotalSeconds) + 1) : null;
}
