using System.Data.Common;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Delivery;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

public sealed partial class AlertRepository
{
    public async Task<AlertSubscription> AddSubscriptionAsync(AlertSubscription subscription, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO alert_subscriptions (channel, target, rule_id, device_key, modality, type, digest_minutes, enabled, created_at)
            VALUES (@Channel, @Target, @RuleId, @DeviceKey, @Modality, @Type, @DigestMinutes, @Enabled, @now)
            RETURNING id
            """, new
        {
            subscription.Channel, subscription.Target, subscription.RuleId, subscription.DeviceKey, subscription.Modality, subscription.Type,
            subscription.DigestMinutes, Enabled = subscription.Enabled ? 1 : 0, now = _clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        return subscription with { Id = id };
    }

    private async Task ScheduleDeliveriesAsync(DbConnection connection, DbTransaction tx, long alertId, AlertCandidate c, Study study, DateTimeOffset now, CancellationToken ct)
    {
        var subscriptions = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition("""
            SELECT id AS Id, channel AS Channel, target AS Target, digest_minutes AS DigestMinutes FROM alert_subscriptions
            WHERE enabled = 1 AND (rule_id IS NULL OR rule_id = @RuleId) AND (device_key IS NULL OR device_key = @DeviceKey)
              AND (modality IS NULL OR modality = @Modality) AND (type IS NULL OR type = @Type)
            """, new { RuleId = c.Rule.Id, DeviceKey = study.Device.Key, Modality = study.Modality ?? "", Type = c.Type.ToWire() }, tx, cancellationToken: ct));
        foreach (var s in subscriptions)
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO alert_deliveries (alert_id, subscription_id, channel, target, status, attempts, next_attempt_at, created_at, idempotency_key)
                VALUES (@alertId, @Id, @Channel, @Target, 'pending', 0, @due, @now, @key)
                ON CONFLICT (alert_id, subscription_id) DO NOTHING
                """, new { alertId, s.Id, s.Channel, s.Target, due = now.AddMinutes(s.DigestMinutes), now, key = IdempotencyKey(alertId, s.Id) }, tx, cancellationToken: ct));
    }

    /// <summary>The key of the delivery of one alert to one subscription: the same on every attempt (migrations/0008).</summary>
    public static string IdempotencyKey(long alertId, long subscriptionId) =>
        FormattableString.Invariant($"dosewatch-alert-{alertId}-{subscriptionId}");

    /// <summary>
    /// Pending e-mails to one address with what flood control needs: creation, next attempt, and whether the
    /// subscription holds them for its own digest window.
    /// </summary>
    public async Task<IReadOnlyList<PendingMail>> PendingMailsToAsync(string target, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PendingMailRow>(new CommandDefinition("""
            SELECT d.id AS DeliveryId, d.alert_id AS AlertId, d.created_at AS CreatedAt, d.next_attempt_at AS DueAt, s.digest_minutes AS DigestMinutes
            FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
            WHERE d.status = 'pending' AND d.channel = 'email' AND d.target = @target ORDER BY d.id
            """, new { target }, cancellationToken: cancellationToken));
        return rows.Select(r => new PendingMail(r.DeliveryId, r.AlertId, r.CreatedAt, r.DueAt, r.DigestMinutes > 0)).ToList();
    }

    /// <summary>How many alerts went to <paramref name="target"/> by <paramref name="channel"/> after <paramref name="since"/>.</summary>
    public async Task<int> SentToSinceAsync(string channel, string target, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM alert_deliveries WHERE channel = @channel AND target = @target AND status = 'sent' AND sent_at > @since",
            new { channel, target, since }, cancellationToken: cancellationToken));
    }

    /// <summary>Pending deliveries whose next attempt is due, oldest first.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> DueDeliveriesAsync(DateTimeOffset now, int maximum = 200, CancellationToken cancellationToken = default) =>
        await DeliveriesAsync("status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @maximum", new { now, maximum }, cancellationToken);

    /// <summary>Every pending delivery to one target, due or not: a digest sends them together.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> PendingDeliveriesToAsync(string channel, string target, CancellationToken cancellationToken = default) =>
        await DeliveriesAsync("status = 'pending' AND channel = @channel AND target = @target ORDER BY id", new { channel, target }, cancellationToken);

    public async Task<IReadOnlyList<AlertDelivery>> DeliveriesOfAsync(long alertId, CancellationToken cancellationToken = default) =>
        await DeliveriesAsync("alert_id = @alertId ORDER BY id", new { alertId }, cancellationToken);

    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string? status = null, CancellationToken cancellationToken = default) =>
        await DeliveriesAsync(status is null ? "1 = 1 ORDER BY id" : "status = @status ORDER BY id", new { status }, cancellationToken);

    private async Task<IReadOnlyList<AlertDelivery>> DeliveriesAsync(string condition, object parameters, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition($"""
            SELECT id AS Id, alert_id AS AlertId, subscription_id AS SubscriptionId, channel AS Channel, target AS Target, status AS Status,
                attempts AS Attempts, last_error AS LastError, next_attempt_at AS NextAttemptAt, created_at AS CreatedAt, sent_at AS SentAt,
                idempotency_key AS IdempotencyKey, accepted_status AS AcceptedStatus
            FROM alert_deliveries WHERE {condition}
            """, parameters, cancellationToken: ct));
        return rows.Select(r => r.ToDelivery()).ToList();
    }

    /// <summary>Records that the target accepted the deliveries (<paramref name="acceptedStatus"/>: the HTTP status of a webhook's answer).</summary>
    public async Task MarkSentAsync(IReadOnlyCollection<long> deliveryIds, int? acceptedStatus = null, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var id in deliveryIds)
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = @now, accepted_status = @acceptedStatus
                WHERE id = @id AND status = 'pending'
                """, new { id, now, acceptedStatus }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed attempt: retried at <paramref name="nextAttemptAt"/>, or failed for good when it is null.</summary>
    public async Task MarkAttemptFailedAsync(IReadOnlyCollection<long> deliveryIds, string error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var id in deliveryIds)
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE alert_deliveries SET attempts = attempts + 1, last_error = @error,
                    status = @status, next_attempt_at = COALESCE(@next, next_attempt_at)
                WHERE id = @id AND status = 'pending'
                """, new { id, error, next = nextAttemptAt, status = nextAttemptAt is null ? DeliveryStatuses.Failed : DeliveryStatuses.Pending },
                cancellationToken: cancellationToken));
    }

    private sealed class SubscriptionRow
    {
        public long Id { get; init; }
        public string Channel { get; init; } = "";
        public string Target { get; init; } = "";
        public long DigestMinutes { get; init; }
    }

    private sealed class DeliveryRow
    {
        public long Id { get; init; }
        public long AlertId { get; init; }
        public long SubscriptionId { get; init; }
        public string Channel { get; init; } = "";
        public string Target { get; init; } = "";
        public string Status { get; init; } = "";
        public long Attempts { get; init; }
        public string? LastError { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? SentAt { get; init; }
        public string? IdempotencyKey { get; init; }
        public long? AcceptedStatus { get; init; }

        public AlertDelivery ToDelivery() => new(Id, AlertId, SubscriptionId, Channel, Target, Status, (int)Attempts, LastError, NextAttemptAt, CreatedAt, SentAt)
        {
            IdempotencyKey = IdempotencyKey ?? AlertRepository.IdempotencyKey(AlertId, SubscriptionId),
            AcceptedStatus = AcceptedStatus is { } a ? (int)a : null,
        };
    }

    private sealed class PendingMailRow
    {
        public long DeliveryId { get; init; }
        public long AlertId { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset DueAt { get; init; }
        public long DigestMinutes { get; init; }
    }
}
