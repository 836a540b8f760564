using Dapper;

namespace DoseWatch.Data.Repositories;

public sealed partial class AlertRepository
{
    /// <summary>The subscriptions that still receive alerts, oldest first.</summary>
    public async Task<IReadOnlyList<AlertSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FullSubscriptionRow>(new CommandDefinition("""
            SELECT id AS Id, channel AS Channel, target AS Target, rule_id AS RuleId, device_key AS DeviceKey, modality AS Modality, type AS Type,
                digest_minutes AS DigestMinutes
            FROM alert_subscriptions WHERE enabled = 1 ORDER BY id
            """, cancellationToken: cancellationToken));
        return rows.Select(r => new AlertSubscription(r.Id, r.Channel, r.Target, r.RuleId, r.DeviceKey, r.Modality, r.Type, (int)r.DigestMinutes)).ToList();
    }

    /// <summary>
    /// Ends a subscription. The row stays (disabled) because its past deliveries refer to it; returns false when there is
    /// no such active subscription.
    /// </summary>
    public async Task<bool> EndSubscriptionAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("UPDATE alert_subscriptions SET enabled = 0 WHERE id = @id AND enabled = 1",
            new { id }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class FullSubscriptionRow
    {
        public long Id { get; init; }
        public string Channel { get; init; } = "";
        public string Target { get; init; } = "";
        public long? RuleId { get; init; }
        public string? DeviceKey { get; init; }
        public string? Modality { get; init; }
        public string? Type { get; init; }
        public long DigestMinutes { get; init; }
    }
}
