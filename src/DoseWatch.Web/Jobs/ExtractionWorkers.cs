using System.Threading.Channels;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Hosting;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// The inbox table is the extraction work queue (issue #18): a few long-lived workers each claim a batch of
/// <c>received</c> rows in one statement (<see cref="InstanceRepository.ClaimReceivedAsync"/>) and extract them one after
/// the other. One Hangfire job per instance cost more than the extraction itself (a job row, its state changes and the
/// storage's polling and locking, all on the same SQLite file and two cores as the receiving); Hangfire keeps what it is
/// good at: the retries of an instance whose extraction failed for a transient reason (<see cref="ExtractInstanceJob"/>,
/// scheduled after <see cref="InboxOptions.TransientRetryDelay"/>) and the sweep's schedule.
/// Workers wake when the intake has registered rows (<see cref="Wake"/>) and otherwise look every
/// <see cref="JobsOptions.QueuePollInterval"/> (rows registered by another node, handed back by the sweep or requeued by
/// an operator on another node). Crash safety is the row's: a claim is kept fresh while its batch is worked on, so only
/// a dead worker's claim goes stale and the sweep hands it back; claims a stopping worker did not reach are released at once.
/// A node with <c>DoseWatch:Jobs:WorkerCount</c> 0 runs no workers (it only receives).
/// </summary>
public sealed class ExtractionWorkers(InstanceRepository inbox, IServiceScopeFactory scopes, IBackgroundJobClient jobs, IOptions<InboxOptions> options,
    IOptions<JobsOptions> jobsOptions, TimeProvider clock, ILogger<ExtractionWorkers> logger) : BackgroundService
{
    // One pending wake-up is enough: a woken worker claims everything up to its batch and wakes the next if there was more.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Rows were registered or handed back: a waiting worker looks now rather than at its next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.ExtractionWorkers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var poll = jobsOptions.Value.QueuePollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<InstanceRecord> claimed;
            try
            {
                // Not cancelled by a stop: a claim committed but cut off before its rows were read would leave them to the sweep.
                claimed = await inbox.ClaimReceivedAsync(options.Value.ClaimBatch, clock.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception e)
            {
                // The database away (or worse): the worker keeps trying rather than ending (which would stop the host).
                logger.LogWarning(e, "Extraction worker: the inbox could not be read; trying again");
                claimed = [];
            }
            if (stoppingToken.IsCancellationRequested)
            {
                if (claimed.Count > 0) await ReleaseAsync(claimed.Select(c => c.Id).ToList());
                return;
            }
            if (claimed.Count == 0)
            {
                await WaitAsync(poll, stoppingToken);
                continue;
            }
            if (claimed.Count == options.Value.ClaimBatch) Wake(); // more may be waiting: another worker takes the next batch
            try
            {
                await ExtractBatchAsync(claimed, stoppingToken);
            }
            catch (Exception e)
            {
                // The batch's unrecorded rows were handed back; the worker goes on with the next batch.
                logger.LogError(e, "Extraction worker: a batch of {Count} instance(s) was interrupted; its unrecorded rows were handed back", claimed.Count);
                await WaitAsync(poll, stoppingToken);
            }
        }
    }

    private async Task WaitAsync(TimeSpan poll, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(poll);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // the poll interval passed, or the host is stopping (the loop checks)
        }
    }

    /// <summary>
    /// Extracts the batch, then analyses each study it touched once, in process (<see cref="StudyAnalysisQueue"/>), then
    /// records the outcomes. Recording last keeps the analysis as durable as a Hangfire job made it: a crash before the
    /// outcomes are recorded leaves the rows claimed, the sweep hands them back, and the rerun (extraction and analysis are
    /// both idempotent) analyses again.
    /// </summary>
    private async Task ExtractBatchAsync(IReadOnlyList<InstanceRecord> claimed, CancellationToken stoppingToken)
    {
        // Everything this batch writes is derived from files already durable: committed without waiting for the disk.
        using var derived = DerivedWrites.Begin();
        var pending = new HashSet<long>(claimed.Select(c => c.Id));
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(pending, heartbeat.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = scope.ServiceProvider.GetRequiredService<ExtractInstanceJob>();
            var outcomes = new List<(InstanceRecord Instance, Core.Abstractions.ExtractionOutcome Outcome)>(claimed.Count);
            var started = clock.GetTimestamp();
            var studies = StudyAnalysisQueue.Collect();
            var skinDoses = SkinDoseQueue.Collect();
            try
            {
                foreach (var instance in claimed)
                {
                    await GiveWayToReceivingAsync(instance, stoppingToken);
                    if (stoppingToken.IsCancellationRequested) break;
                    try
                    {
                        outcomes.Add((instance, await job.ExtractClaimedAsync(instance, stoppingToken)));
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        lock (pending) pending.Remove(instance.Id); // handed back to received by the job itself
                    }
                    catch (Exception e) when (ExtractInstanceJob.IsTransient(e))
                    {
                        // The row is failed with the reason; Hangfire retries it (ExtractInstanceJob's own retry policy).
                        logger.LogWarning(e, "Instance {InstanceId}: extraction failed ({Error}); retried by a job in {Delay}", instance.Id, e.Message,
                            options.Value.TransientRetryDelay);
                        ScheduleRetry(instance.Id);
                        lock (pending) pending.Remove(instance.Id);
                    }
                }
            }
            finally
            {
                StudyAnalysisQueue.StopCollecting();
                SkinDoseQueue.StopCollecting();
            }
            // Before the analyses: the skin dose rules of a fluoroscopy study then see its peak at the first analysis.
            // (The debug line below counts it with the extraction.)
            await ComputeSkinDosesAsync(scope.ServiceProvider, skinDoses, stoppingToken);
            var extracted = clock.GetTimestamp();
            await AnalyseAsync(scope.ServiceProvider, studies, stoppingToken);
            var analysed = clock.GetTimestamp();
            foreach (var (instance, outcome) in outcomes)
            {
                try
                {
                    await job.RecordAsync(instance, outcome, CancellationToken.None);
                    lock (pending) pending.Remove(instance.Id);
                }
                catch (Exception e)
                {
                    // The claim goes stale and the sweep hands the row back for another try.
                    logger.LogError(e, "Instance {InstanceId}: the extraction outcome could not be recorded; the sweep will hand it back", instance.Id);
                    lock (pending) pending.Remove(instance.Id);
                }
            }
            // Where a batch's time goes (issue #18's measurements): Debug level. The process's GC pauses so far tell a
            // stall of every worker at once (a collection) from a slow statement.
            logger.LogDebug("Batch of {Count}: extracted in {ExtractMs:F0} ms, {Studies} studies analysed in {AnalyseMs:F0} ms, recorded in {RecordMs:F0} ms; GC paused {GcPauseMs:F0} ms in all, {Gen2} gen2",
                claimed.Count, clock.GetElapsedTime(started, extracted).TotalMilliseconds, studies.Count,
                clock.GetElapsedTime(extracted, analysed).TotalMilliseconds, clock.GetElapsedTime(analysed).TotalMilliseconds,
                GC.GetTotalPauseDuration().TotalMilliseconds, GC.CollectionCount(2));
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewing;
            long[] left;
            lock (pending) left = pending.ToArray();
            await ReleaseAsync(left);
        }
    }

    /// <summary>
    /// A sender streaming instances sends the next request within this of the last answer (storescu: well under 1 ms
    /// idle, a few ms on busy cores). Shorter than the pause between instances at 50/s (~15 ms), so a steady modality's
    /// instances are extracted between its sends, not after the deferral.
    /// </summary>
    private static readonly TimeSpan ReceivingQuiet = TimeSpan.FromMilliseconds(5);

    // Resolved on first use, after start-up (the spool opens and replays the inbox journal); none on a node without a Store SCP.
    private readonly Lazy<DirectoryStore?> _receiving = new(() =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetService<Dicom.InboxSpool>()?.Store;
    });

    /// <summary>
    /// Waits while the Store SCP on this node is receiving, until the instance is <see cref="InboxOptions.ExtractionDeferral"/>
    /// old: the peer waiting for each answer comes before work that can follow (issue #18). Cooperative, between
    /// instances: a thread priority would be inherited by whatever pool threads the worker happened to create.
    /// </summary>
    private async Task GiveWayToReceivingAsync(InstanceRecord instance, CancellationToken stoppingToken)
    {
        var deferral = options.Value.ExtractionDeferral;
        if (deferral <= TimeSpan.Zero) return;
        if (_receiving.Value is not { } store) return;
        try
        {
            while (store.IsReceiving(ReceivingQuiet) && clock.GetUtcNow() - instance.ReceivedAt < deferral)
                await Task.Delay(PollWhileReceiving, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: the batch loop hands the rest back
        }
    }

    private static readonly TimeSpan PollWhileReceiving = TimeSpan.FromMilliseconds(5);

    private async Task ReleaseAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return;
        try
        {
            await inbox.ReleaseClaimsAsync(ids, clock.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "{Count} claimed instance(s) could not be handed back; the sweep will", ids.Count);
        }
    }

    /// <summary>
    /// The skin doses of the batch's fluoroscopy reports, from the extraction's own reading of each file. One that fails
    /// is queued as a <see cref="SkinDoseJob"/>, which retries it and analyses its study again once it is stored.
    /// </summary>
    private async Task ComputeSkinDosesAsync(IServiceProvider services, List<(Core.Domain.ExtractionResult Result, string Path)> reports, CancellationToken stoppingToken)
    {
        if (reports.Count == 0) return;
        var job = services.GetRequiredService<SkinDoseJob>();
        foreach (var (result, path) in reports)
        {
            // Stopping: the batch's rows are handed back unrecorded, and their extraction again computes these.
            if (stoppingToken.IsCancellationRequested) return;
            try
            {
                await job.ComputeAsync(result, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Skin dose of {SopInstanceUid} failed; queued as a job to retry", result.Instance.SopInstanceUid);
                services.GetRequiredService<SkinDoseQueue>().EnqueueJob(path, result.Instance.SopInstanceUid);
            }
        }
    }

    /// <summary>Each study once; one whose analysis fails (or is cut short by a stop) goes to Hangfire, whose job retries it.</summary>
    private async Task AnalyseAsync(IServiceProvider services, HashSet<string> studies, CancellationToken stoppingToken)
    {
        var analysis = services.GetRequiredService<StudyAnalysisQueue>();
        foreach (var study in studies.Order(StringComparer.Ordinal))
        {
            try
            {
                stoppingToken.ThrowIfCancellationRequested();
                await services.GetRequiredService<AnalyzeStudyJob>().Run(study, stoppingToken);
            }
            catch (Exception e)
            {
                if (e is not OperationCanceledException) logger.LogWarning(e, "Study {StudyInstanceUid}: analysis failed; queued as a job to retry", study);
                analysis.EnqueueJob(study); // if even this fails, the batch's rows are not recorded: the sweep hands them back
            }
        }
    }

    private void ScheduleRetry(long instanceId)
    {
        try
        {
            jobs.Schedule<ExtractInstanceJob>(job => job.Run(instanceId, CancellationToken.None), options.Value.TransientRetryDelay);
        }
        catch (Exception e)
        {
            // The row stays failed: the Inbox page offers the retry.
            logger.LogError(e, "Instance {InstanceId}: its retry could not be scheduled", instanceId);
        }
    }

    /// <summary>Keeps the batch's claims younger than the stale limit while it is worked on (see <see cref="InboxOptions.StaleAfter"/>).</summary>
    private async Task RenewAsync(HashSet<long> pending, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.StaleAfter / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                long[] ids;
                lock (pending) ids = pending.ToArray();
                await inbox.RenewClaimsAsync(ids, clock.GetUtcNow(), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (ExtractInstanceJob.IsTransient(e))
        {
            logger.LogWarning(e, "Extraction worker: the claims of its batch could not be renewed; the sweep may hand them to another worker");
        }
    }
}
