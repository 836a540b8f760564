using System.Security.Claims;
using DoseWatch.Core.Access;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Fhir;
using Hangfire;
using DoseWatch.Web.Jobs;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Fhir;

/// <summary>
/// Pushes one delivery (by its id, so a rerun is safe): claims it, builds the study's summary as it is now (after every
/// dose object saved so far), sends the conditional-update transaction (<see cref="RadiationDoseSummaryTransaction"/>)
/// and records the answer. A failure is recorded with its error and the delivery is scheduled again with the alert
/// deliveries' backoff (<see cref="Core.Delivery.RetrySchedule"/>); after the last attempt it is failed, shown on the
/// study page and the FHIR deliveries page, where an administrator can retry it. A study changed while its push was in
/// flight is pushed again at once. <see cref="RunDue"/> (every minute) picks up what a restart or a lost job left.
/// </summary>
public sealed class PushFhirJob(
    FhirDeliveryRepository deliveries,
    FhirStudies studies,
    FhirServerClient server,
    IBackgroundJobClient jobs,
    IOptions<FhirPushOptions> options,
    IOptions<PrivacyOptions> privacy,
    TimeProvider clock,
    ILogger<PushFhirJob> logger)
{
    public const string RecurringJobId = "push-fhir-due";

    /// <summary>The actor of the audit entries a push that sends identity makes.</summary>
    public const string Actor = "fhir-push";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Push dose summary to FHIR server (delivery {0})")]
    public async Task Run(long deliveryId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Target is null) return;
        // Held for longer than one request may take, so a stuck push is taken over only after it timed out.
        var hold = settings.Timeout * 2 + TimeSpan.FromSeconds(30);
        if (await deliveries.ClaimAsync(deliveryId, hold, cancellationToken) is not { } delivery)
        {
            // A scheduled push can start a little before its row is due (ScheduledStart): put it back rather than leave
            // it to the minutely sweep.
            var now = clock.GetUtcNow();
            if (await deliveries.GetAsync(deliveryId, cancellationToken) is { Status: DeliveryStatuses.Pending } row
                && ScheduledStart.PutBack(row.NextAttemptAt, now) is { } wait)
                jobs.Schedule<PushFhirJob>(job => job.Run(deliveryId, CancellationToken.None), wait);
            return;
        }
        do
        {
            if (delivery.Target != settings.Target)
            {
                // A delivery to a server that is no longer configured waits (pending) until it is configured again.
                await deliveries.MarkAttemptFailedAsync(delivery.Id, delivery.Generation, $"{delivery.Target} is not the configured FHIR server",
                    clock.GetUtcNow() + settings.RetryBackoff, CancellationToken.None);
                return;
            }
            if (!await PushAsync(delivery, settings, cancellationToken)) return;
        }
        while ((delivery = await deliveries.ClaimAsync(deliveryId, hold, cancellationToken)) is not null);
    }

    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Push due dose summaries to FHIR server")]
    public async Task RunDue(CancellationToken cancellationToken)
    {
        if (options.Value.Target is not { } target) return;
        foreach (var id in await deliveries.DueAsync(target, 500, cancellationToken)) await Run(id, cancellationToken);
    }

    /// <returns>Whether the delivery may have more to send now (pushed, possibly outdated meanwhile); false after a failure.</returns>
    private async Task<bool> PushAsync(FhirDelivery delivery, FhirPushOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            var found = await studies.SearchAsync(Pusher(settings),
                new StudyQuery { StudyInstanceUid = delivery.StudyInstanceUid, AnyModality = RadiationDoseSummaryMapping.IonisingModalities, PageSize = 1 },
                $"PUSH {delivery.Target}", cancellationToken);
            if (found.Items.Count == 0)
            {
                logger.LogInformation("Study {StudyInstanceUid} has no radiation dose summary: nothing to push", delivery.StudyInstanceUid);
                await deliveries.RemoveAsync(delivery.Id, delivery.Generation, CancellationToken.None);
                return false;
            }
            var answer = await server.SendAsync(delivery.Target, RadiationDoseSummaryTransaction.For(found.Items[0]), delivery.IdempotencyKey, cancellationToken);
            var current = await deliveries.MarkSentAsync(delivery.Id, delivery.Generation, answer.Status, answer.ObservationLocation, CancellationToken.None);
            logger.LogInformation("Dose summary of study {StudyInstanceUid} pushed to {Target}: {Status} {Location}{Again}", delivery.StudyInstanceUid,
                delivery.Target, answer.Status, answer.ObservationLocation, current ? "" : "; the study changed meanwhile, pushing again");
            return !current;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var attempts = delivery.Attempts + 1;
            var next = settings.Retries.NextAttempt(attempts, clock.GetUtcNow());
            await deliveries.MarkAttemptFailedAsync(delivery.Id, delivery.Generation, $"{e.GetType().Name}: {e.Message}", next, CancellationToken.None);
            if (next is { } at) jobs.Schedule<PushFhirJob>(job => job.Run(delivery.Id, CancellationToken.None), at);
            logger.LogWarning("Push of study {StudyInstanceUid} to {Target} failed (attempt {Attempt}): {Error}; {Next}", delivery.StudyInstanceUid,
                delivery.Target, attempts, e.Message, next is null ? "given up, marked failed" : $"retry at {next:O}");
            return false;
        }
    }

    /// <summary>
    /// Who the push reads the patient as: only the pseudonym, unless identified mode and <see cref="FhirPushOptions.SendPatientIdentity"/>
    /// (then a role that sees identity, so <c>PatientIdentityDisclosure</c> opens and audits it).
    /// </summary>
    private ClaimsPrincipal Pusher(FhirPushOptions settings)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Actor) };
        if (settings.SendPatientIdentity && privacy.Value.Mode == PrivacyMode.Identified) claims.Add(new Claim(ClaimTypes.Role, Roles.Physicist));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "DoseWatch.FhirPush"));
    }
}

/// <summary>
/// What the extraction step calls once a study's dose records are saved (and its totals computed): when the push is on,
/// the study's delivery is requested again (a new generation) and its push scheduled after the settle delay.
/// </summary>
public sealed class FhirPushQueue(FhirDeliveryRepository deliveries, IBackgroundJobClient jobs, IOptions<FhirPushOptions> options, TimeProvider clock)
{
    /// <returns>The delivery's id, or null when the push is off.</returns>
    public async Task<long?> RequestAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Target is not { } target) return null;
        var id = await deliveries.RequestAsync(studyInstanceUid, target, clock.GetUtcNow() + settings.SettleDelay, cancellationToken);
        // No delay: queued at once (a scheduled job waits for the scheduler's next poll, up to 15 s).
        if (settings.SettleDelay == TimeSpan.Zero) jobs.Enqueue<PushFhirJob>(job => job.Run(id, CancellationToken.None));
        else jobs.Schedule<PushFhirJob>(job => job.Run(id, CancellationToken.None), settings.SettleDelay);
        return id;
    }
}
