namespace DoseWatch.Web.Jobs;

/// <summary>Configuration section <c>DoseWatch:Inbox</c>.</summary>
public sealed class InboxOptions
{
    public const string Section = "DoseWatch:Inbox";

    /// <summary>
    /// An instance still <c>received</c> or <c>extracting</c> this long after its last change is taken as lost (its job
    /// never ran, or its worker died) and is enqueued again by the sweep, which runs every minute.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);
}
