namespace DoseWatch.Web.Jobs;

/// <summary>Configuration section <c>DoseWatch:Inbox</c>.</summary>
public sealed class InboxOptions
{
    public const string Section = "DoseWatch:Inbox";

    /// <summary>
    /// An instance still <c>received</c> or <c>extracting</c> this long after its last change is taken as lost (its job
    /// never ran, or its worker died) and is handed back and enqueued again by the sweep (every 15 s). A running
    /// extraction renews its claim every quarter of this, so a short limit never hands live work to a second worker.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The sweep's schedule: a six-part cron (with seconds), so a crash is recovered within a minute of restart.</summary>
    public const string SweepCron = "*/15 * * * * *";
}
