using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>Configuration section <c>DoseWatch:Backfill</c>: how hard a back-fill may load a PACS.</summary>
public sealed class BackfillOptions
{
    public const string Section = "DoseWatch:Backfill";

    /// <summary>Instances asked for per second, averaged over each C-MOVE (0 = no limit). A clinical PACS serves its readers first.</summary>
    public double InstancesPerSecond { get; set; } = 10;

    /// <summary>Pause between two studies (each study is one association to the PACS).</summary>
    public TimeSpan PauseBetweenStudies { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// The Hangfire job of one back-fill. It takes only the id and is safe to rerun: the runner reads what the journal
/// already holds (studies done, instances stored), so a retry or a restart carries on without asking twice.
/// </summary>
public sealed class BackfillJob(BackfillRepository journal, TimeProvider clock, IOptions<BackfillOptions> options)
{
    public Task Run(long backfillId, CancellationToken cancellationToken) =>
        new BackfillRunner(journal, clock).RunAsync(backfillId, new BackfillThrottle(options.Value.InstancesPerSecond, options.Value.PauseBetweenStudies), cancellationToken);
}
