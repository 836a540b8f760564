using System.Data.Common;
using System.Text.Json;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// Alerts, their lifecycle history, subscriptions and deliveries (migrations/0005). Storing is idempotent: the same
/// (study, event, rule) is one alert however often a study is evaluated; a new alert gets its "raised" history row and
/// one pending delivery per matching subscription in the same transaction, so no notification can be lost in between.
/// </summary>
public sealed partial class AlertRepository(IDbConnectionFactory connections, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string AlertColumns = """
        id AS Id, study_instance_uid AS StudyInstanceUid, event_uid AS EventUid, rule_id AS RuleId, rule_name AS RuleName, type AS Type,
        quantity AS Quantity, value AS Value, threshold AS Threshold, unit AS Unit, message AS Message, evidence AS EvidenceJson,
        standard_protocol AS StandardProtocol, device_key AS DeviceKey, modality AS Modality, status AS Status, assignee AS Assignee,
        comment AS Comment, created_at AS CreatedAt, updated_at AS UpdatedAt, acknowledged_at AS AcknowledgedAt, resolved_at AS ResolvedAt,
        assigned_at AS AssignedAt, assigned_by AS AssignedBy
        """;

    /// <summary>Stores the candidates not stored before; returns the new alerts' ids (empty when all existed).</summary>
    public async Task<IReadOnlyList<long>> StoreAsync(Study study, IReadOnlyList<AlertCandidate> candidates, CancellationToken cancellationToken = default)
    {
        // Most studies raise nothing: no transaction then (each one takes the database's write lock, issue #18).
        if (candidates.Count == 0) return [];
        var now = _clock.GetUtcNow();
        var created = new List<long>();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var c in candidates)
        {
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
                INSERT INTO alerts (study_instance_uid, event_uid, rule_id, rule_name, type, quantity, value, threshold, unit, message, evidence,
                    standard_protocol, device_key, modality, status, created_at, updated_at)
                VALUES (@Study, @Event, @RuleId, @RuleName, @Type, @Quantity, @Value, @Threshold, @Unit, @Message, @Evidence,
                    @Protocol, @DeviceKey, @Modality, 'new', @now, @now)
                ON CONFLICT DO NOTHING
                RETURNING id
                """, new
            {
                Study = c.StudyInstanceUid, Event = c.EventUid ?? "", RuleId = c.Rule.Id, RuleName = c.Rule.Name, Type = c.Type.ToWire(),
                c.Quantity, c.Value, c.Threshold, c.Unit, c.Message, Evidence = JsonSerializer.Serialize(c.Evidence),
                Protocol = c.Evidence.StandardProtocol, DeviceKey = study.Device.Key, study.Modality, now,
            }, tx, cancellationToken: cancellationToken));
            // Nothing stored: the (study, event, rule) exists, or a period key (a device's DRL median for a month, migration
            // 0034 ux_alerts_period_key) was stored already by whichever study reached storage first.
            if (id is not { } alertId) continue;
            created.Add(alertId);
            await AddLifecycleAsync(connection, tx, alertId, now, "system", "raised", AlertStatuses.New, c.Message, cancellationToken);
            await ScheduleDeliveriesAsync(connection, tx, alertId, c, study, now, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<StoredAlert?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE id = @id", new { id }, cancellationToken: cancellationToken)) is { } a ? a.ToAlert() : null;
    }

    public Task<AlertTransition> AcknowledgeAsync(long id, string actor, string? comment, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, actor, comment, AlertStatuses.Acknowledged, [AlertStatuses.New], "acknowledged_at", cancellationToken);

    public Task<AlertTransition> ResolveAsync(long id, string actor, string? comment, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, actor, comment, AlertStatuses.Resolved, [AlertStatuses.New, AlertStatuses.Acknowledged], "resolved_at", cancellationToken);

    /// <summary>Assigns the alert to a user (null: unassigns); kept in its history as "assigned" with the assignee as comment.</summary>
    public async Task<AlertTransition> AssignAsync(long id, string actor, string? assignee, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT status FROM alerts WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken));
        if (status is null) return AlertTransition.NotFound;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE alerts SET assignee = @assignee, assigned_at = @now, assigned_by = @actor, updated_at = @now WHERE id = @id",
            new { id, assignee, now, actor }, tx, cancellationToken: cancellationToken));
        await AddLifecycleAsync(connection, tx, id, now, actor, "assigned", status, assignee, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return AlertTransition.Done;
    }

    /// <summary>
    /// Open (new or acknowledged) alerts of the given studies, for the markers on dashboards: one query per 500 UIDs,
    /// newest first within a study. Studies without an open alert are absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<AlertMarker>>> OpenAlertsForStudiesAsync(IEnumerable<string> studyInstanceUids,
        CancellationToken cancellationToken = default)
    {
        var found = new List<AlertMarker>();
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var chunk in studyInstanceUids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            // "(@u0, @u1, ...)": Npgsql would bind a list as one array parameter, which IN does not accept.
            var p = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++) p.Add(FormattableString.Invariant($"u{i}"), chunk[i]);
            var inList = string.Join(", ", chunk.Select((_, i) => FormattableString.Invariant($"@u{i}")));
            var rows = await connection.QueryAsync<MarkerRow>(new CommandDefinition($"""
                SELECT id AS AlertId, study_instance_uid AS StudyInstanceUid, event_uid AS EventUid, type AS Type, rule_name AS RuleName, message AS Message, status AS Status
                FROM alerts WHERE study_instance_uid IN ({inList}) AND status IN ('new', 'acknowledged') ORDER BY created_at DESC, id DESC
                """, p, cancellationToken: cancellationToken));
            found.AddRange(rows.Select(r => new AlertMarker(r.AlertId, r.StudyInstanceUid, r.EventUid == "" ? null : r.EventUid, r.Type, r.RuleName, r.Message, r.Status)));
        }
        return found.GroupBy(m => m.StudyInstanceUid, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<AlertMarker>)g.ToList(), StringComparer.Ordinal);
    }

    private async Task<AlertTransition> TransitionAsync(long id, string actor, string? comment, string to, string[] from, string stampColumn, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The status condition in the UPDATE makes concurrent requests safe: only one of them moves the alert.
        var changed = await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE alerts SET status = @to, {stampColumn} = @now, updated_at = @now, comment = COALESCE(@comment, comment)
            WHERE id = @id AND status IN ({string.Join(", ", from.Select(f => $"'{f}'"))})
            """, new { id, to, now, comment }, tx, cancellationToken: ct));
        if (changed == 0)
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM alerts WHERE id = @id", new { id }, tx, cancellationToken: ct)) == 0
                ? AlertTransition.NotFound : AlertTransition.NotAllowed;
        await AddLifecycleAsync(connection, tx, id, now, actor, to, to, comment, ct);
        await tx.CommitAsync(ct);
        return AlertTransition.Done;
    }

    public async Task<IReadOnlyList<AlertLifecycleEvent>> HistoryAsync(long alertId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LifecycleRow>(new CommandDefinition("""
            SELECT id AS Id, alert_id AS AlertId, at AS At, actor AS Actor, action AS Action, status AS Status, comment AS Comment
            FROM alert_events WHERE alert_id = @alertId ORDER BY id
            """, new { alertId }, cancellationToken: cancellationToken));
        return rows.Select(r => new AlertLifecycleEvent(r.Id, r.AlertId, r.At, r.Actor, r.Action, r.Status, r.Comment)).ToList();
    }

    private static Task AddLifecycleAsync(DbConnection connection, DbTransaction tx, long alertId, DateTimeOffset at, string actor, string action, string status, string? comment, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO alert_events (alert_id, at, actor, action, status, comment) VALUES (@alertId, @at, @actor, @action, @status, @comment)
            """, new { alertId, at, actor, action, status, comment }, tx, cancellationToken: ct));

    // Property-mapped: Dapper converts integer widths and applies the timestamp handler for properties, not record constructors.
    private sealed class AlertRow
    {
        public long Id { get; init; }
        public string StudyInstanceUid { get; init; } = "";
        public string EventUid { get; init; } = "";
        public long RuleId { get; init; }
        public string RuleName { get; init; } = "";
        public string Type { get; init; } = "";
        public string Quantity { get; init; } = "";
        public double? Value { get; init; }
        public double? Threshold { get; init; }
        public string Unit { get; init; } = "";
        public string Message { get; init; } = "";
        public string EvidenceJson { get; init; } = "{}";
        public string? StandardProtocol { get; init; }
        public string DeviceKey { get; init; } = "";
        public string? Modality { get; init; }
        public string Status { get; init; } = "";
        public string? Assignee { get; init; }
        public string? Comment { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? AcknowledgedAt { get; init; }
        public DateTimeOffset? ResolvedAt { get; init; }
        public DateTimeOffset? AssignedAt { get; init; }
        public string? AssignedBy { get; init; }

        public StoredAlert ToAlert() => new(Id, StudyInstanceUid, EventUid == "" ? null : EventUid, RuleId, RuleName, Type, Quantity, Value, Threshold, Unit,
            Message, EvidenceJson, StandardProtocol, DeviceKey, Modality, Status, Assignee, Comment, CreatedAt, UpdatedAt, AcknowledgedAt, ResolvedAt)
        { AssignedAt = AssignedAt, AssignedBy = AssignedBy };
    }

    private sealed class MarkerRow
    {
        public long AlertId { get; init; }
        public string StudyInstanceUid { get; init; } = "";
        public string EventUid { get; init; } = "";
        public string Type { get; init; } = "";
        public string RuleName { get; init; } = "";
        public string Message { get; init; } = "";
        public string Status { get; init; } = "";
    }

    private sealed class LifecycleRow
    {
        public long Id { get; init; }
        public long AlertId { get; init; }
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Comment { get; init; }
    }
}
