using System.Data.Common;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// Extracts one inbox instance: the work of <see cref="ExtractionWorkers"/> for each row they claim, and as a Hangfire job the
/// retries of an instance whose extraction failed for a transient reason. Safe to run any number of times:
/// it claims the row first (check), extracts (act: the extractor is idempotent), then records the outcome (mark done).
/// Transient failures (I/O, database) throw so that Hangfire retries; anything else quarantines the file with its reason.
/// </summary>
public sealed class ExtractInstanceJob(
    InstanceRepository inbox,
    IDoseExtraction extraction,
    Quarantine quarantine,
    IOptions<InboxOptions> options,
    TimeProvider clock,
    ILogger<ExtractInstanceJob> logger)
{
    [AutomaticRetry(Attempts = 5, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Extract instance {0}")]
    public async Task Run(long instanceId, CancellationToken cancellationToken)
    {
        var claimedAt = clock.GetUtcNow();
        if (!await inbox.TryClaimAsync(instanceId, claimedAt, claimedAt - options.Value.StaleAfter, cancellationToken))
        {
            logger.LogDebug("Instance {InstanceId} is done, gone or being extracted by another worker: nothing to do", instanceId);
            return;
        }
        var instance = await inbox.GetAsync(instanceId, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {instanceId} vanished after it was claimed");
        ExtractionOutcome outcome;
        using (var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var renewing = RenewClaimAsync(instanceId, heartbeat.Token);
            try
            {
                outcome = await ExtractAsync(instance, cancellationToken);
            }
            finally
            {
                await heartbeat.CancelAsync();
                await renewing;
            }
        }
        await RecordAsync(instance, outcome, cancellationToken);
    }

    /// <summary>
    /// One instance an <see cref="ExtractionWorkers"/> worker has claimed (its claim kept fresh by the worker): the
    /// extraction, whose outcome the worker records with <see cref="RecordAsync"/> once the batch's studies are analysed.
    /// A transient failure leaves the row <c>failed</c> and throws, for the worker to hand the retries to Hangfire.
    /// </summary>
    public Task<ExtractionOutcome> ExtractClaimedAsync(InstanceRecord instance, CancellationToken cancellationToken) =>
        ExtractAsync(instance, cancellationToken);

    /// <summary>Keeps the claim fresh while the extraction runs, so only a dead worker's claim ever looks stale to the sweep.</summary>
    private async Task RenewClaimAsync(long instanceId, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.StaleAfter / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                await inbox.RenewClaimAsync(instanceId, clock.GetUtcNow(), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (IsTransient(e))
        {
            logger.LogWarning(e, "Instance {InstanceId}: the extraction claim could not be renewed; the sweep may hand it to another worker", instanceId);
        }
    }

    private async Task<ExtractionOutcome> ExtractAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        if (!File.Exists(instance.Path)) return ExtractionOutcome.Rejected($"The received file is missing: {instance.Path}");
        try
        {
            return await extraction.ExtractAsync(new InstanceToExtract(instance.Id, instance.Path, instance.SopClassUid,
                instance.SopInstanceUid, instance.StudyInstanceUid, instance.CallingAeTitle, instance.ReceivedAt), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the instance back so the job Hangfire re-queues at the next start can claim it at once.
            await inbox.SetStatusAsync(instance.Id, InstanceStatus.Received, "Interrupted by shutdown", clock.GetUtcNow(), cancellationToken: CancellationToken.None);
            throw;
        }
        catch (Exception e) when (IsTransient(e))
        {
            await inbox.SetStatusAsync(instance.Id, InstanceStatus.Failed, $"{e.GetType().Name}: {e.Message} (retried automatically)", clock.GetUtcNow(), cancellationToken: CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Extraction of instance {InstanceId} ({SopInstanceUid}) failed", instance.Id, instance.SopInstanceUid);
            return ExtractionOutcome.Rejected($"Extraction failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Marks the instance done with its outcome (a rejected one is quarantined with its reason).</summary>
    public async Task RecordAsync(InstanceRecord instance, ExtractionOutcome outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        switch (outcome.Status)
        {
            case ExtractionStatus.Extracted:
                await inbox.SetStatusAsync(instance.Id, InstanceStatus.Extracted, outcome.Reason, now, cancellationToken: cancellationToken);
                break;
            case ExtractionStatus.NotDoseObject:
                await inbox.SetStatusAsync(instance.Id, InstanceStatus.NotDose, outcome.Reason, now, cancellationToken: cancellationToken);
                break;
            default:
                var reason = outcome.Reason ?? "Rejected by the extractor";
                var path = await quarantine.MoveInAsync(instance, reason, now, cancellationToken);
                await inbox.SetStatusAsync(instance.Id, InstanceStatus.Quarantined, reason, now, path, cancellationToken);
                logger.LogWarning("Instance {InstanceId} ({SopInstanceUid}) quarantined at {Path}: {Reason}", instance.Id, instance.SopInstanceUid, path, reason);
                break;
        }
    }

    /// <summary>Worth trying again later: the disk or the database, not the file's content.</summary>
    public static bool IsTransient(Exception e) =>
        e is DbException or TimeoutException || (e is IOException && e is not FileNotFoundException and not EndOfStreamException);
}
