using DoseWatch.Data.Repositories;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

public enum RetryResult { Requeued, NotFound, InFlight }

/// <summary>An operator's "extract again" (API and Inbox page): the file leaves quarantine and the row is <c>received</c> again, in the extraction workers' queue.</summary>
/// A row left <c>received</c>/<c>extracting</c> longer than the stale limit (its job or worker was lost) may be retried too.
public sealed class InstanceRetry(InstanceRepository inbox, Quarantine quarantine, ExtractionWorkers workers, TimeProvider clock, IOptions<InboxOptions> options)
{
    public async Task<(RetryResult Result, InstanceRecord? Instance)> RetryAsync(long id, CancellationToken cancellationToken)
    {
        if (await inbox.GetAsync(id, cancellationToken) is not { } row) return (RetryResult.NotFound, null);
        var now = clock.GetUtcNow();
        var staleBefore = now - options.Value.StaleAfter;
        if (row.Status is InstanceStatus.Received or InstanceStatus.Extracting && row.UpdatedAt >= staleBefore) return (RetryResult.InFlight, row);
        var path = quarantine.Restore(row);
        if (!await inbox.TryRequeueAsync(id, path, now, staleBefore, cancellationToken)) return (RetryResult.InFlight, row);
        workers.Wake(); // received again: the extraction workers' queue
        return (RetryResult.Requeued, await inbox.GetAsync(id, cancellationToken));
    }
}
