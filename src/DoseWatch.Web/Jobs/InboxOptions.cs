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

    /// <summary>
    /// How long the intake waits, once a received instance is queued, for more to register in the same transaction.
    /// Zero (the default) registers what is queued at once: while one batch's transaction runs, the next one gathers
    /// by itself. Longer windows mean fewer, larger transactions and a later inbox row (the files are durable either way).
    /// </summary>
    public TimeSpan IntakeBatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Long-lived extraction workers on this node (<see cref="ExtractionWorkers"/>), each taking <see cref="ClaimBatch"/>
    /// rows at a time from the inbox. Extraction is CPU-bound and its writes share one database: one per core.
    /// </summary>
    public int ExtractionWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// How long extraction may hold back while instances are streaming in: a worker about to extract an instance waits
    /// while the Store SCP is receiving (an instance arriving, or one answered within the last 5 ms), until the instance
    /// is this old. A modality sending a series then gets the cores and its answers sooner (issue #18); the extraction
    /// catches up in the pauses, and never falls further behind than this under a sender that never pauses. Zero: never wait.
    /// </summary>
    public TimeSpan ExtractionDeferral { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Rows one worker claims in one statement (a larger batch means fewer claims, a smaller one fairer sharing between nodes).</summary>
    public int ClaimBatch { get; set; } = 16;

    /// <summary>After a transient failure (disk, database) an instance is retried by a Hangfire job this much later, then by Hangfire's retry policy.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The sweep's schedule: a six-part cron (with seconds), so a crash is recovered within a minute of restart.</summary>
    public const string SweepCron = "*/15 * * * * *";
}
