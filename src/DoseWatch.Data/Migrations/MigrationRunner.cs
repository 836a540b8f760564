using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DoseWatch.Data.Migrations;

public sealed record MigrationResult(int Version, IReadOnlyList<MigrationScript> Applied);

/// <summary>
/// Applies <see cref="MigrationCatalog"/> forward-only, each script in its own transaction, journaled in
/// <c>schema_migrations</c>. Several nodes may start at once: on PostgreSQL they queue on an advisory lock; on SQLite
/// each step runs under <c>BEGIN IMMEDIATE</c> (the database write lock) and re-reads the journal inside it.
/// </summary>
public sealed class MigrationRunner(IDbConnectionFactory connections, MigrationCatalog catalog, ILogger<MigrationRunner>? logger = null)
{
    /// <summary>The key every DoseWatch node takes with pg_advisory_lock ("DoseWatc" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x446F736557617463;

    private const string JournalDdl = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )
        """;

    private readonly ILogger _logger = logger ?? NullLogger<MigrationRunner>.Instance;

    public MigrationCatalog Catalog => catalog;

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var runLock = await RunLock.AcquireAsync(connection, connections.Provider, cancellationToken);
        var sqlite = connections.Provider == DatabaseProvider.Sqlite;
        // SQLite's procedure for changes ALTER TABLE cannot make (a table rebuilt to drop a CHECK): foreign keys off for
        // the run, which only takes effect outside a transaction, and foreign_key_check before each commit instead.
        if (sqlite) await connection.ExecuteAsync(new CommandDefinition("PRAGMA foreign_keys = OFF", cancellationToken: cancellationToken));
        try
        {
            return await ApplyPendingAsync(connection, sqlite, cancellationToken);
        }
        finally
        {
            if (sqlite) await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
        }
    }

    private async Task<MigrationResult> ApplyPendingAsync(DbConnection connection, bool sqlite, CancellationToken cancellationToken)
    {
        var applied = new List<MigrationScript>();
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Execute(connection, transaction, JournalDdl, cancellationToken);
            var journal = await ReadJournalAsync(connection, transaction, cancellationToken);
            Verify(journal);
            var next = catalog.Scripts.FirstOrDefault(s => !journal.ContainsKey(s.Version));
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken);
                var version = journal.Count == 0 ? 0 : journal.Keys.Max();
                _logger.LogInformation("Database {Database} is at migration {Version} ({Count} applied now)",
                    connections.Description, version, applied.Count);
                return new MigrationResult(version, applied);
            }
            await ApplyAsync(connection, transaction, next, cancellationToken);
            if (sqlite && (await connection.QueryAsync(new CommandDefinition("PRAGMA foreign_key_check", transaction: transaction, cancellationToken: cancellationToken))).Any())
                throw new MigrationException(MigrationFailure.ScriptFailed, $"Migration {next} on {connections.Description} left rows whose foreign keys point nowhere");
            await transaction.CommitAsync(cancellationToken);
            applied.Add(next);
        }
    }

    /// <summary>The newest applied version, or 0 for a database never migrated.</summary>
    public static async Task<int> ReadVersionAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        if (!await connection.TableExistsAsync("schema_migrations", cancellationToken)) return 0;
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken)) ?? 0;
    }

    private void Verify(IReadOnlyDictionary<int, JournalRow> journal)
    {
        if (journal.Count == 0) return;
        var newest = journal.Keys.Max();
        if (newest > catalog.LatestVersion)
            throw new MigrationException(MigrationFailure.DatabaseNewerThanCode,
                $"The database {connections.Description} is at migration {newest:D4} ({journal[newest].Name}), newer than this build knows ({catalog.LatestVersion:D4}). Run a DoseWatch version at least as new as the one that migrated it.");
        var known = catalog.Scripts.ToDictionary(s => s.Version);
        foreach (var row in journal.Values)
        {
            if (!known.TryGetValue(row.Version, out var script))
                throw new MigrationException(MigrationFailure.InvalidScriptSet,
                    $"Migration {row.Version:D4}_{row.Name} was applied to {connections.Description} but is missing from this build.");
            if (!string.Equals(script.Checksum, row.Checksum, StringComparison.OrdinalIgnoreCase))
                throw new MigrationException(MigrationFailure.ChecksumMismatch,
                    $"Migration {script} was edited after it was applied to {connections.Description} (checksum {row.Checksum[..12]}… now {script.Checksum[..12]}…). Migrations are forward-only: restore the file and add a new numbered script.");
        }
        var lateArrival = catalog.Scripts.FirstOrDefault(s => s.Version < newest && !journal.ContainsKey(s.Version));
        if (lateArrival is not null)
            throw new MigrationException(MigrationFailure.OutOfOrder,
                $"Migration {lateArrival} is numbered below the newest applied one ({newest:D4}) but was never applied; renumber it above {catalog.LatestVersion:D4}.");
    }

    private async Task ApplyAsync(DbConnection connection, DbTransaction transaction, MigrationScript script, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Applying migration {Migration} to {Database}", script, connections.Description);
        try
        {
            await Execute(connection, transaction, script.Sql, cancellationToken);
        }
        catch (DbException e)
        {
            throw new MigrationException(MigrationFailure.ScriptFailed, $"Migration {script} failed on {connections.Description}: {e.Message}", e);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)",
            new { script.Version, script.Name, script.Checksum, AppliedAt = DateTimeOffset.UtcNow },
            transaction, cancellationToken: cancellationToken));
    }

    private static async Task<Dictionary<int, JournalRow>> ReadJournalAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<JournalRow>(new CommandDefinition(
            "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Version);
    }

    // Scripts go through a plain command, not Dapper: no parameter parsing, no literal replacement.
    private static async Task Execute(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A settable class, not a positional record: SQLite reports INTEGER as Int64 and PostgreSQL as Int32, and Dapper
    // converts property values but insists on exact constructor parameter types.
    private sealed class JournalRow
    {
        public int Version { get; init; }
        public string Name { get; init; } = "";
        public string Checksum { get; init; } = "";
    }

    /// <summary>PostgreSQL: a session advisory lock held for the whole run. SQLite needs none (see class remarks).</summary>
    private sealed class RunLock(DbConnection? heldOn) : IAsyncDisposable
    {
        public static async Task<RunLock> AcquireAsync(DbConnection connection, DatabaseProvider provider, CancellationToken cancellationToken)
        {
            if (provider != DatabaseProvider.PostgreSql) return new RunLock(null);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@Key)", new { Key = AdvisoryLockKey },
                commandTimeout: 0, cancellationToken: cancellationToken));
            return new RunLock(connection);
        }

        public async ValueTask DisposeAsync()
        {
            if (heldOn is null) return;
            await heldOn.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = AdvisoryLockKey });
        }
    }
}
