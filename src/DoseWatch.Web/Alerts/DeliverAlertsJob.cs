using DoseWatch.Core.Delivery;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Sends every due delivery. E-mails to one address follow <see cref="EmailDigest"/>: one mail per alert up to the
/// flood limit, then one digest. Webhooks get one POST per delivery, each recorded as accepted (sent, with the answer's
/// status) as soon as the receiver took it, so a later failure to the same receiver never resends an accepted one; the
/// Idempotency-Key header covers the remaining gap (accepted, but the answer or the record was lost). A failure is
/// recorded on the delivery with its error and retried with exponential backoff; after the last attempt the delivery is
/// marked failed, kept and visible in the API. Runs after analyses that raised alerts (<see cref="AlertDeliveryTrigger"/>) and every minute.
/// </summary>
public sealed class DeliverAlertsJob(
    AlertRepository alerts,
    IEnumerable<IAlertChannel> channels,
    IOptions<AlertsOptions> options,
    TimeProvider clock,
    ILogger<DeliverAlertsJob> logger)
{
    public const string RecurringJobId = "deliver-alerts";

    // One delivery run at a time: two would send the same due deliveries twice.
    // The lock wait ignores shutdown: a short one keeps a stop (service restart, deploy) from hanging behind a run that
    // waits for another; a run that cannot get the lock fails without retry and the next minute's run catches up.
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Deliver alerts")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var due = await alerts.DueDeliveriesAsync(clock.GetUtcNow(), cancellationToken: cancellationToken);
        foreach (var group in due.GroupBy(d => (d.Channel, d.Target)))
        {
            if (group.Key.Channel == "email") await SendEmailAsync(group.Key.Target, cancellationToken);
            else
                foreach (var delivery in group)
                    // The receiver is down or refusing: the others to it wait for their own next run rather than pile up timeouts.
                    if (!await SendAsync(group.Key.Channel, group.Key.Target, [delivery], delivery.IdempotencyKey, cancellationToken)) break;
        }
    }

    private async Task SendEmailAsync(string target, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var digest = options.Value.Digest.ToSettings();
        var pending = await alerts.PendingMailsToAsync(target, cancellationToken);
        var plan = EmailDigest.Plan(pending, await alerts.SentToSinceAsync("email", target, now - digest.Window, cancellationToken), now, digest);
        if (plan.HeldUntil is { } until)
            logger.LogInformation("{Count} alert(s) to {Target} held for a digest until {Until:O} (more than {Max} in {Window})",
                pending.Count, target, until, digest.MaxAlerts, digest.Window);
        var byId = (await alerts.PendingDeliveriesToAsync("email", target, cancellationToken)).ToDictionary(d => d.Id);
        foreach (var batch in plan.Send)
        {
            var deliveries = batch.Deliveries.Select(m => byId[m.DeliveryId]).ToList();
            var key = batch.IsDigest ? $"dosewatch-digest-{deliveries[0].Id}-{deliveries.Count}" : deliveries[0].IdempotencyKey;
            await SendAsync("email", target, deliveries, key, cancellationToken);
        }
    }

    /// <returns>Whether the target accepted the message.</returns>
    private async Task<bool> SendAsync(string channelName, string target, IReadOnlyList<AlertDelivery> batch, string idempotencyKey, CancellationToken cancellationToken)
    {
        var ids = batch.Select(d => d.Id).ToList();
        try
        {
            var channel = channels.FirstOrDefault(c => c.Name == channelName)
                ?? throw new InvalidOperationException($"No delivery channel '{channelName}'.");
            var dtos = new List<AlertDto>();
            foreach (var alertId in batch.Select(d => d.AlertId).Distinct())
                if (await alerts.GetAsync(alertId, cancellationToken) is { } alert) dtos.Add(AlertDto.From(alert));
            var accepted = await channel.SendAsync(new AlertMessage(target, dtos, idempotencyKey), cancellationToken);
            await alerts.MarkSentAsync(ids, accepted, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var attempts = batch.Max(d => d.Attempts) + 1;
            var next = new RetrySchedule(options.Value.MaxDeliveryAttempts, options.Value.RetryBackoff).NextAttempt(attempts, clock.GetUtcNow());
            await alerts.MarkAttemptFailedAsync(ids, $"{e.GetType().Name}: {e.Message}", next, CancellationToken.None);
            logger.LogWarning("Delivery of {Count} alert(s) by {Channel} to {Target} failed (attempt {Attempt}): {Error}; {Next}",
                batch.Count, channelName, target, attempts, e.Message, next is null ? "given up, marked failed" : $"retry at {next:O}");
            return false;
        }
    }
}
