using System.Data.Common;
using Dapper;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Audit;

namespace DoseWatch.Data.Audit;

/// <summary>
/// The audit trail in the <c>audit_log</c> table (migrations/0006): append-only and hash-chained with a key kept outside
/// the database (<see cref="AuditChain"/>; <paramref name="key"/> from <c>audit.key</c> or configuration), so a row
/// edited in the database, even with every later hash recomputed, fails verification.
/// Appending reads the last row and writes the next under a lock that holds across processes and nodes, so two writers
/// never chain onto the same row: SQLite's database write lock (<c>BEGIN IMMEDIATE</c>, which Microsoft.Data.Sqlite issues
/// for a non-deferred transaction), PostgreSQL's transaction-scoped advisory lock. Readers never need the lock.
/// </summary>
public sealed class AuditLog(IDbConnectionFactory connections, byte[] key, TimeProvider? clock = null) : IAuditTrail
{
    // "DoseAudt" in ASCII: distinct from the migration runner's and the rule seeding's keys.
    private const long AppendLockKey = 0x446f736541756474;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string Columns = "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, prev_hash AS PrevHash, hash AS Hash";

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Action);
        return AppendUnderLockAsync(auditEvent, cancellationToken);
    }

    /// <summary>Keys a chain written by an older DoseWatch (unkeyed hashes): appends the <see cref="AuditChain.KeyedAction"/>
    /// anchor when the last row is not keyed, so that from here on no row can be recomputed without the key. Run at start.</summary>
    public Task EnsureKeyedAsync(CancellationToken cancellationToken = default) => AppendUnderLockAsync(null, cancellationToken);

    private async Task AppendUnderLockAsync(AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (connections.Provider == DatabaseProvider.PostgreSql)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = AppendLockKey }, tx,
                commandTimeout: 0, cancellationToken: cancellationToken));
        var last = (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_log ORDER BY id DESC LIMIT 1", transaction: tx, cancellationToken: cancellationToken)))?.ToEntry();
        var (id, prev) = (last?.Id ?? 0, last?.Hash ?? AuditChain.Genesis);
        if (last is not null && AuditChain.KeyedHash(key, last) != last.Hash)
            (id, prev) = await InsertAsync(connection, tx, id + 1, prev, new AuditEvent("system", AuditChain.KeyedAction, "audit_log",
                $$"""{"key":"{{AuditChain.KeyId(key)}}","unkeyedRows":{{last.Id}}}"""), cancellationToken);
        if (auditEvent is not null) await InsertAsync(connection, tx, id + 1, prev, auditEvent, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private async Task<(long Id, string Hash)> InsertAsync(DbConnection connection, DbTransaction tx, long id, string prev, AuditEvent e, CancellationToken cancellationToken)
    {
        var at = AuditChain.Normalize(_clock.GetUtcNow());
        var hash = AuditChain.KeyedHash(key, id, at, e.Actor, e.Action, e.Target, e.Detail, prev);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash)
            VALUES (@id, @at, @Actor, @Action, @Target, @Detail, @prev, @hash)
            """, new { id, at, e.Actor, e.Action, e.Target, e.Detail, prev, hash }, tx, cancellationToken: cancellationToken));
        return (id, hash);
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

    /// <summary>A signed head of the chain for an administrator to keep elsewhere; null when the chain is broken or empty.</summary>
    public async Task<(SignedAuditHead? Head, AuditVerification Verification)> ExportHeadAsync(CancellationToken cancellationToken = default)
    {
        var verification = await VerifyAsync(null, cancellationToken);
        if (!verification.IsValid || verification.CheckedRows == 0) return (null, verification);
        return (SignedAuditHead.Sign(key, verification.CheckedRows, verification.CheckedRows, verification.HeadHash!, _clock.GetUtcNow()), verification);
    }

    /// <summary>Checks the whole chain in id order, a batch at a time, stopping at the first broken row; with
    /// <paramref name="exportedHead"/>, also that it is signed with this chain's key and that the chain still contains it
    /// (rows removed from the end, or rewritten, do not).</summary>
    public async Task<AuditVerification> VerifyAsync(SignedAuditHead? exportedHead = null, CancellationToken cancellationToken = default)
    {
        if (exportedHead is not null && !exportedHead.IsSignedBy(key))
            return AuditVerification.Broken(exportedHead.HeadId, 0, $"the exported head is not signed with this installation's audit key {AuditChain.KeyId(key)}");
        var (verification, verifier) = await WalkAsync(exportedHead?.HeadId, cancellationToken);
        if (exportedHead is null || !verification.IsValid) return verification;
        if (verifier.RememberedHash(exportedHead.HeadId) is not { } hash)
            return AuditVerification.Broken(exportedHead.HeadId, verification.CheckedRows,
                $"the chain ends at row {verification.CheckedRows}, before the exported head (row {exportedHead.HeadId}, exported {exportedHead.ExportedAt:u}): rows at the end were removed");
        if (!string.Equals(hash, exportedHead.HeadHash, StringComparison.Ordinal))
            return AuditVerification.Broken(exportedHead.HeadId, verification.CheckedRows,
                $"row {exportedHead.HeadId} no longer has the hash exported at {exportedHead.ExportedAt:u}: the chain was rewritten up to it");
        return verification;
    }

    private async Task<(AuditVerification Verification, AuditChainVerifier Verifier)> WalkAsync(long? remember, CancellationToken cancellationToken)
    {
        const int batch = 1000;
        var verifier = new AuditChainVerifier(key);
        if (remember is { } id) verifier.Remember(id);
        await using var connection = await connections.OpenAsync(cancellationToken);
        long after = 0;
        while (true)
        {
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM audit_log WHERE id > @after ORDER BY id LIMIT {batch}", new { after }, cancellationToken: cancellationToken))).ToList();
            foreach (var row in rows)
                if (!verifier.Accept(row.ToEntry())) return (verifier.Result, verifier);
            if (rows.Count < batch) return (verifier.Result, verifier);
            after = rows[^1].Id;
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

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
