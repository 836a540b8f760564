using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Sends every due delivery. E-mails to one address go together (a digest: the pending deliveries to that address,
/// due or still held by the subscription's digest window); webhooks get one POST per alert. A failure is recorded on
/// the delivery with its error and retried with exponential backoff; after the last attempt the delivery is marked
/// failed, kept and visible in the API. Runs after each analysis that raised alerts and every minute.
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
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Deliver alerts")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var due = await alerts.DueDeliveriesAsync(clock.GetUtcNow(), cancellationToken: cancellationToken);
        foreach (var group in due.GroupBy(d => (d.Channel, d.Target)))
        {
            var batch = group.Key.Channel == "email"
                ? await alerts.PendingDeliveriesToAsync(group.Key.Channel, group.Key.Target, cancellationToken)
                : group.ToList();
            await SendAsync(group.Key.Channel, group.Key.Target, batch, cancellationToken);
        }
    }

    private async Task SendAsync(string channelName, string target, IReadOnlyList<AlertDelivery> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(d => d.Id).ToList();
        try
        {
            var channel = channels.FirstOrDefault(c => c.Name == channelName)
                ?? throw new InvalidOperationException($"No delivery channel '{channelName}'.");
            var dtos = new List<AlertDto>();
            foreach (var alertId in batch.Select(d => d.AlertId).Distinct())
                if (await alerts.GetAsync(alertId, cancellationToken) is { } alert) dtos.Add(AlertDto.From(alert));
            await channel.SendAsync(target, dtos, cancellationToken);
            await alerts.MarkSentAsync(ids, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Webhooks are sent one by one: a failure may come after some were accepted. Retrying all of the batch may
            // repeat those; receivers get the alert id to recognise a repeat. Nothing is ever dropped silently.
            var attempts = batch.Max(d => d.Attempts) + 1;
            var settings = options.Value;
            DateTimeOffset? next = attempts >= settings.MaxDeliveryAttempts ? null : clock.GetUtcNow() + settings.RetryBackoff * Math.Pow(2, attempts - 1);
            await alerts.MarkAttemptFailedAsync(ids, $"{e.GetType().Name}: {e.Message}", next, CancellationToken.None);
            logger.LogWarning("Delivery of {Count} alert(s) by {Channel} to {Target} failed (attempt {Attempt}): {Error}; {Next}",
                batch.Count, channelName, target, attempts, e.Message, next is null ? "given up, marked failed" : $"retry at {next:O}");
        }
    }
}
