using DoseWatch.Core.Privacy;
using DoseWatch.Core.Registry;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Hosting;
using DoseWatch.Web.Jobs;
using Hangfire;

namespace DoseWatch.Web.Registry;

/// <summary>
/// Sends one queued dose report to the registry: claims the row (so a second run of the same job, a retry that overlaps
/// it, or the sweep sends nothing twice), reads the received object, de-identifies it with the registry's key and
/// options, and C-STOREs it with the toolkit's storage SCU (<see cref="FileSender"/>, the one the CLI's send uses). The
/// registry's answer is logged in words; a failure is retried with doubling waits up to the configured attempts, then
/// left failed for an operator's retry. Each attempt produces the same object (UIDs and pseudonyms are keyed, not
/// random), so a resend after a lost answer is the same instance to the registry, not a second exam.
/// </summary>
public sealed class SubmitToRegistryJob(
    RegistrySubmissionRepository submissions,
    RegistrySubmissionQueue queue,
    StoredObjectCipher storedObjects,
    DataDirectory dataDirectory,
    TimeProvider clock,
    ILogger<SubmitToRegistryJob> logger)
{
    /// <summary>A claim older than this belongs to a worker that died mid-send (an attempt takes seconds).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    // The job keeps its own backoff and attempt count on the row; Hangfire's retries would bypass both.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Submit dose report to the registry (submission {0})")]
    public async Task Run(long submissionId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!await submissions.TryClaimAsync(submissionId, now, now - StaleAfter, cancellationToken))
        {
            // A scheduled retry can start a little before its row is due (ScheduledStart); returning then would leave the
            // row to the five-minute sweep.
            if (await submissions.GetAsync(submissionId, cancellationToken) is { Status: RegistrySubmissionStatuses.Pending } row
                && ScheduledStart.PutBack(row.NextAttemptAt, now) is { } wait)
            {
                queue.ScheduleRetry(submissionId, wait);
                logger.LogDebug("Registry submission {Id} is due at {Due:O}: its retry started early and is put back", submissionId, row.NextAttemptAt);
                return;
            }
            logger.LogDebug("Registry submission {Id} is sent, not due, being sent or gone: nothing to do", submissionId);
            return;
        }
        var submission = await submissions.GetAsync(submissionId, cancellationToken)
            ?? throw new InvalidOperationException($"Registry submission {submissionId} vanished after it was claimed");
        var settings = queue.Settings;
        string? outbox = null;
        try
        {
            if (submission.Path is null || !File.Exists(submission.Path))
            {
                await submissions.MarkAttemptFailedAsync(submissionId, "The received dose report is no longer stored: nothing to send", null, null, clock.GetUtcNow(), CancellationToken.None);
                return;
            }
            var output = queue.Deidentifier.Deidentify(storedObjects.ReadDicom(submission.Path));
            var sentUid = output.DataSet.GetString(DicomTag.SopInstanceUid)!;
            outbox = Path.Combine(dataDirectory.Subdirectory("registry-outbox"), $"{submissionId}-{Guid.NewGuid():N}.dcm");
            DicomWriter.WriteFile(outbox, output);
            var result = (await FileSender.SendAsync(settings.Host.Trim(), settings.Port, queue.CallingAeTitle, settings.AeTitle.Trim(), [outbox],
                ct: cancellationToken, tls: queue.Tls)).Single();
            if (result.Succeeded)
            {
                await submissions.MarkSentAsync(submissionId, sentUid, result.Status!.Value.Code, clock.GetUtcNow(), CancellationToken.None);
                logger.LogInformation("Dose report {Id} sent to the registry {Registry} as {SentUid}: {Status}", submissionId, settings.AeTitle,
                    sentUid, RegistryDoseReports.DescribeStoreStatus(result.Status.Value));
                return;
            }
            var error = result.Status is { } status ? RegistryDoseReports.DescribeStoreStatus(status)
                : $"Not sent: the registry did not accept this kind of object ({result.Error})";
            await FailedAsync(submission, error, result.Status?.Code, settings);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the row is handed back, due now, for the job Hangfire re-runs at the next start.
            await submissions.MarkAttemptFailedAsync(submissionId, "Interrupted by shutdown", null, clock.GetUtcNow(), clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            await FailedAsync(submission, Explain(e), null, settings);
        }
        finally
        {
            if (outbox is not null) File.Delete(outbox);
        }
    }

    private async Task FailedAsync(RegistrySubmission submission, string error, ushort? dimseStatus, RegistryOptions settings)
    {
        var attempts = submission.Attempts + 1;
        var delay = settings.RetryBackoff * Math.Pow(2, attempts - 1);
        DateTimeOffset? next = attempts >= settings.MaxAttempts ? null : clock.GetUtcNow() + delay;
        await submissions.MarkAttemptFailedAsync(submission.Id, error, dimseStatus, next, clock.GetUtcNow(), CancellationToken.None);
        if (next is not null) queue.ScheduleRetry(submission.Id, delay);
        logger.LogWarning("Registry submission {Id} to {Registry} failed (attempt {Attempt}): {Error}; {Next}", submission.Id, settings.AeTitle,
            attempts, error, next is null ? "given up, marked failed" : $"retry at {next:O}");
    }

    /// <summary>Why an attempt failed, for the delivery log.</summary>
    private static string Explain(Exception e) => e switch
    {
        System.Net.Sockets.SocketException s => $"The registry could not be reached: {s.Message}",
        AssociationFailedException a => $"The registry refused the association: {a.Message}",
        DicomFormatException f => $"The stored report cannot be de-identified: {f.Message}",
        StoredObjectUnreadableException u => $"The stored report cannot be decrypted: {u.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
