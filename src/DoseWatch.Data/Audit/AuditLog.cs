using System.Data.Common;
using Dapper;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Audit;

namespace DoseWatch.Data.Audit;

/// <summary>
/// The audit trail in the <c>audit_log</c> table (migrations/0006): append-only and hash-chained (<see cref="AuditChain"/>).
/// Appending reads the last row and writes the next under a lock that holds across processes and nodes, so two writers
/// never chain onto the same row: SQLite's database write lock (<c>BEGIN IMMEDIATE</c>, which Microsoft.Data.Sqlite issues
/// for a non-deferred transaction), PostgreSQL's transaction-scoped advisory lock. Readers never need the lock.
/// </summary>
public sealed class AuditLog(IDbConnectionFactory connections, TimeProvider? clock = null) : IAuditTrail
{
    // "DoseAudt" in ASCII: distinct from the migration runner's and the rule seeding's keys.
    private const long AppendLockKey = 0x446f736541756474;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string Columns = "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, prev_hash AS PrevHash, hash AS Hash";

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Action);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (connections.Provider == DatabaseProvider.PostgreSql)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = AppendLockKey }, tx,
                commandTimeout: 0, cancellationToken: cancellationToken));
        var last = await connection.QuerySingleOrDefaultAsync<LastRow>(new CommandDefinition(
            "SELECT id AS Id, hash AS Hash FROM audit_log ORDER BY id DESC LIMIT 1", transaction: tx, cancellationToken: cancellationToken));
        var id = (last?.Id ?? 0) + 1;
        var prev = last?.Hash ?? AuditChain.Genesis;
        var at = AuditChain.Normalize(_clock.GetUtcNow());
        var hash = AuditChain.Hash(id, at, auditEvent.Actor, auditEvent.Action, auditEvent.Target, auditEvent.Detail, prev);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash)
            VALUES (@id, @at, @Actor, @Action, @Target, @Detail, @prev, @hash)
            """, new { id, at, auditEvent.Actor, auditEvent.Action, auditEvent.Target, auditEvent.Detail, prev, hash }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Newest first, optionally filtered by exact actor and action (the audit page).</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        var where = "WHERE (@Actor IS NULL OR actor = @Actor) AND (@Action IS NULL OR action = @Action)";
        var args = new { Actor = Blank(query.Actor), Action = Blank(query.Action), Skip = (page - 1) * size, Take = size };
        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM audit_log {where}", args, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_log {where} ORDER BY id DESC LIMIT @Take OFFSET @Skip", args, cancellationToken: cancellationToken));
        return new AuditPage(rows.Select(r => r.ToEntry()).ToList(), page, size, total);
    }

    /// <summary>The distinct actors and actions, for the audit page's filters.</summary>
    public async Task<(IReadOnlyList<string> Actors, IReadOnlyList<string> Actions)> FacetsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var actors = await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT actor FROM audit_log ORDER BY actor", cancellationToken: cancellationToken));
        var actions = await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT action FROM audit_log ORDER BY action", cancellationToken: cancellationToken));
        return (actors.ToList(), actions.ToList());
    }

    /// <summary>Checks the whole chain in id order, a batch at a time, stopping at the first broken row.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        const int batch = 1000;
        var verifier = new AuditChainVerifier();
        await using var connection = await connections.OpenAsync(cancellationToken);
        long after = 0;
        while (true)
        {
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM audit_log WHERE id > @after ORDER BY id LIMIT {batch}", new { after }, cancellationToken: cancellationToken))).ToList();
            foreach (var row in rows)
                if (!verifier.Accept(row.ToEntry())) return verifier.Result;
            if (rows.Count < batch) return verifier.Result;
            after = rows[^1].Id;
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private sealed class LastRow
    {
        public long Id { get; init; }
        public string Hash { get; init; } = "";
    }

    // Settable properties: SQLite and PostgreSQL report integer and timestamp columns as different CLR types.
    private sealed class Row
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string? Target { get; init; }
        public string? Detail { get; init; }
        public string PrevHash { get; init; } = "";
        public string Hash { get; init; } = "";

        public AuditEntry ToEntry() => new(Id, At, Actor, Action, Target, Detail, PrevHash, Hash);
    }
}

public sealed record AuditQuery(string? Actor = null, string? Action = null, int Page = 1, int PageSize = 50);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Page, int PageSize, long Total);
