using System.Data.Common;
using Dapper;
using DoseWatch.Core.Analysis;
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
                INSERT INTO alert_deliveries (alert_id, subscription_id, channel, target, status, attempts, next_attempt_at, created_at)
                VALUES (@alertId, @Id, @Channel, @Target, 'pending', 0, @due, @now)
                ON CONFLICT (alert_id, subscription_id) DO NOTHING
                """, new { alertId, s.Id, s.Channel, s.Target, due = now.AddMinutes(s.DigestMinutes), now }, tx, cancellationToken: ct));
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
                attempts AS Attempts, last_error AS LastError, next_attempt_at AS NextAttemptAt, created_at AS CreatedAt, sent_at AS SentAt
            FROM alert_deliveries WHERE {condition}
            """, parameters, cancellationToken: ct));
        return rows.Select(r => r.ToDelivery()).ToList();
    }

    public async Task MarkSentAsync(IReadOnlyCollection<long> deliveryIds, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var id in deliveryIds)
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = @now WHERE id = @id AND status = 'pending'",
                new { id, now }, cancellationToken: cancellationToken));
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

        public AlertDelivery ToDelivery() => new(Id, AlertId, SubscriptionId, Channel, Target, Status, (int)Attempts, LastError, NextAttemptAt, CreatedAt, SentAt);
    }
}
