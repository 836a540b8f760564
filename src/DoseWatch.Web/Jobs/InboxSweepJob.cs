using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// Every 15 seconds (<see cref="InboxOptions.SweepCron"/>): instances claimed by a worker that died are handed back to
/// the extraction workers' queue as <c>received</c>, and the workers are woken, so a queued row never waits for a wake-up
/// that was lost. Extraction is safe to rerun, so a late duplicate does no harm.
/// </summary>
public sealed class InboxSweepJob(InstanceRepository inbox, ExtractionWorkers workers, IOptions<InboxOptions> options, TimeProvider clock,
    ILogger<InboxSweepJob> logger)
{
    public const string RecurringJobId = "inbox-sweep";
    private const int BatchSize = 1000;

    [AutomaticRetry(Attempts = 0)]
    // The lock wait ignores shutdown: a short one keeps a stop (service restart, deploy) from hanging behind a run that
    // waits for another; a run that cannot get the lock fails without retry and the next run catches up.
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stale = await inbox.TakeStaleAsync(now - options.Value.StaleAfter, now, BatchSize, cancellationToken);
        // Handed back as received, they are the extraction workers' queue again; received rows are, whatever their age.
        workers.Wake();
        if (stale.Count > 0)
            logger.LogWarning("Inbox sweep handed back {Count} instance(s) whose extraction stopped with its worker: {Ids}", stale.Count, string.Join(", ", stale.Take(20)));
        return stale.Count;
    }
}
