using System.Data.Common;
using System.Text.Json;
using Dapper;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

/// <summary>One audited change of a rule: the rule as JSON before (null for a creation) and after.</summary>
public sealed record RuleChange(long Id, long RuleId, DateTimeOffset ChangedAt, string ChangedBy, string Change, string? BeforeJson, string AfterJson);

/// <summary>Rules as data (migrations/0005): every creation and edit is written together with its audit row.</summary>
public sealed class RuleRepository(IDbConnectionFactory connections, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string Columns = "id AS Id, name AS Name, type AS Type, modality AS Modality, device_key AS DeviceKey, standard_protocol AS StandardProtocol, threshold AS Threshold, unit AS Unit, parameters AS Parameters, enabled AS Enabled";

    public async Task<IReadOnlyList<Rule>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RuleRow>(new CommandDefinition($"SELECT {Columns} FROM rules ORDER BY id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRule()).ToList();
    }

    public async Task<Rule?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    private static async Task<Rule?> GetAsync(DbConnection connection, DbTransaction? tx, long id, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<RuleRow>(new CommandDefinition($"SELECT {Columns} FROM rules WHERE id = @id", new { id }, tx, cancellationToken: ct)))?.ToRule();

    /// <summary>Stores a new rule (its <see cref="Rule.Id"/> is ignored) and returns it with its id.</summary>
    public async Task<Rule> CreateAsync(Rule rule, string changedBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var created = await InsertAsync(connection, tx, rule, changedBy, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return created;
    }

    private async Task<Rule> InsertAsync(DbConnection connection, DbTransaction tx, Rule rule, string changedBy, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO rules (name, type, modality, device_key, standard_protocol, threshold, unit, parameters, enabled, created_at, updated_at)
            VALUES (@Name, @Type, @Modality, @DeviceKey, @StandardProtocol, @Threshold, @Unit, @Parameters, @Enabled, @now, @now)
            RETURNING id
            """, Bind(rule, now), tx, cancellationToken: ct));
        var created = rule with { Id = id };
        await AuditAsync(connection, tx, id, now, changedBy, "created", null, created, ct);
        return created;
    }

    /// <summary>Replaces a rule's definition; false when it does not exist. Unchanged definitions write no audit row.</summary>
    public async Task<bool> UpdateAsync(Rule rule, string changedBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (await GetAsync(connection, tx, rule.Id, cancellationToken) is not { } before) return false;
        if (Json(before) == Json(rule)) return true;
        var now = _clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE rules SET name = @Name, type = @Type, modality = @Modality, device_key = @DeviceKey, standard_protocol = @StandardProtocol,
                threshold = @Threshold, unit = @Unit, parameters = @Parameters, enabled = @Enabled, updated_at = @now
            WHERE id = @Id
            """, Bind(rule, now), tx, cancellationToken: cancellationToken));
        await AuditAsync(connection, tx, rule.Id, now, changedBy, before.Enabled != rule.Enabled ? (rule.Enabled ? "enabled" : "disabled") : "updated", before, rule, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<RuleChange>> ChangesAsync(long ruleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RuleChangeRow>(new CommandDefinition("""
            SELECT id AS Id, rule_id AS RuleId, changed_at AS ChangedAt, changed_by AS ChangedBy, change AS Change, before_json AS BeforeJson, after_json AS AfterJson
            FROM rule_changes WHERE rule_id = @ruleId ORDER BY id
            """, new { ruleId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RuleChange(r.Id, r.RuleId, r.ChangedAt, r.ChangedBy, r.Change, r.BeforeJson, r.AfterJson)).ToList();
    }

    /// <summary>
    /// Stores each default rule not stored before, keyed by its name (rules.seed_key): a first start stores them all, a
    /// release with a new default adds just that one, and editing or renaming a stored default never brings it back.
    /// Returns how many were added.
    /// </summary>
    public async Task<int> SeedAsync(IReadOnlyList<Rule> defaults, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Several nodes may start together on one PostgreSQL database: they seed one after the other.
        if (connections.Provider == DatabaseProvider.PostgreSql)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = SeedLockKey }, tx, cancellationToken: cancellationToken));
        var added = 0;
        foreach (var rule in defaults)
        {
            // The INSERT is the first statement, so on SQLite the transaction takes the write lock before it reads anything.
            var now = _clock.GetUtcNow();
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
                INSERT INTO rules (name, type, modality, device_key, standard_protocol, threshold, unit, parameters, enabled, created_at, updated_at, seed_key)
                VALUES (@Name, @Type, @Modality, @DeviceKey, @StandardProtocol, @Threshold, @Unit, @Parameters, @Enabled, @now, @now, @Name)
                ON CONFLICT (seed_key) DO NOTHING
                RETURNING id
                """, Bind(rule, now), tx, cancellationToken: cancellationToken));
            if (id is not { } ruleId) continue;
            await AuditAsync(connection, tx, ruleId, now, "system", "created", null, rule with { Id = ruleId }, cancellationToken);
            added++;
        }
        await tx.CommitAsync(cancellationToken);
        return added;
    }

    // Arbitrary, distinct from the migration runner's lock.
    private const long SeedLockKey = 0x446f736552756c65; // "DoseRule"

    private static Task AuditAsync(DbConnection connection, DbTransaction tx, long ruleId, DateTimeOffset at, string by, string change, Rule? before, Rule after, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO rule_changes (rule_id, changed_at, changed_by, change, before_json, after_json) VALUES (@ruleId, @at, @by, @change, @before, @after)
            """, new { ruleId, at, by, change, before = before is null ? null : Json(before), after = Json(after) }, tx, cancellationToken: ct));

    /// <summary>The rule as the audit trail keeps it (stable key order: parameters sorted by name).</summary>
    public static string Json(Rule rule) => JsonSerializer.Serialize(new
    {
        rule.Id, rule.Name, Type = rule.Type.ToWire(), rule.Scope.Modality, rule.Scope.DeviceKey, rule.Scope.StandardProtocol,
        rule.Threshold, rule.Unit, Parameters = new SortedDictionary<string, string>(rule.Parameters.ToDictionary(), StringComparer.Ordinal), rule.Enabled,
    });

    private static object Bind(Rule rule, DateTimeOffset now) => new
    {
        rule.Id, rule.Name, Type = rule.Type.ToWire(), rule.Scope.Modality, rule.Scope.DeviceKey, rule.Scope.StandardProtocol,
        rule.Threshold, rule.Unit, Parameters = JsonSerializer.Serialize(rule.Parameters), Enabled = rule.Enabled ? 1 : 0, now,
    };

    private sealed class RuleRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Type { get; init; } = "";
        public string? Modality { get; init; }
        public string? DeviceKey { get; init; }
        public string? StandardProtocol { get; init; }
        public double? Threshold { get; init; }
        public string? Unit { get; init; }
        public string Parameters { get; init; } = "{}";
        public long Enabled { get; init; }

        public Rule ToRule() => new(Id, Name, RuleTypes.Parse(Type), new RuleScope(Modality, DeviceKey, StandardProtocol), Threshold, Unit,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Parameters) ?? [], Enabled != 0);
    }

    private sealed class RuleChangeRow
    {
        public long Id { get; init; }
        public long RuleId { get; init; }
        public DateTimeOffset ChangedAt { get; init; }
        public string ChangedBy { get; init; } = "";
        public string Change { get; init; } = "";
        public string? BeforeJson { get; init; }
        public string AfterJson { get; init; } = "";
    }
}
