using DoseWatch.Data.Repositories;
using Hangfire;

namespace DoseWatch.Web.Jobs;

public enum RetryResult { Requeued, NotFound, InFlight }

/// <summary>An operator's "extract again" (API and Inbox page): the file leaves quarantine and a new job is enqueued.</summary>
public sealed class InstanceRetry(InstanceRepository inbox, Quarantine quarantine, IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task<(RetryResult Result, InstanceRecord? Instance)> RetryAsync(long id, CancellationToken cancellationToken)
    {
        if (await inbox.GetAsync(id, cancellationToken) is not { } row) return (RetryResult.NotFound, null);
        if (row.Status is InstanceStatus.Received or InstanceStatus.Extracting) return (RetryResult.InFlight, row);
        var path = quarantine.Restore(row);
        if (!await inbox.TryRequeueAsync(id, path, clock.GetUtcNow(), cancellationToken)) return (RetryResult.InFlight, row);
        jobs.Enqueue<ExtractInstanceJob>(job => job.Run(id, CancellationToken.None));
        return (RetryResult.Requeued, await inbox.GetAsync(id, cancellationToken));
    }
}
