using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using DoseWatch.Data.Migrations;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Migrations;

/// <summary>The same facts on a real SQLite file and a real PostgreSQL server (see the two subclasses).</summary>
public abstract class MigrationRunnerFacts(ITestDatabases databases) : IAsyncLifetime
{
    protected DatabaseProvider Provider => databases.Provider;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    /// <summary>The repository's migration files read from disk, as the test's independent view of what was embedded.</summary>
    private static IReadOnlyList<(int Version, string Name, string Checksum)> RepositoryMigrations(DatabaseProvider provider)
    {
        var suffix = provider == DatabaseProvider.Sqlite ? ".sqlite.sql" : ".postgresql.sql";
        var other = provider == DatabaseProvider.Sqlite ? ".postgresql.sql" : ".sqlite.sql";
        return Directory.GetFiles(Path.Combine(SharedSamples.RepositoryRoot, "migrations"), "*.sql")
            .Where(p => !p.EndsWith(other, StringComparison.Ordinal))
            .Select(p =>
            {
                var file = Path.GetFileName(p);
                var stem = file.EndsWith(suffix, StringComparison.Ordinal) ? file[..^suffix.Length] : file[..^".sql".Length];
                var text = File.ReadAllText(p).Replace("\r\n", "\n");
                return (int.Parse(stem[..4]), stem[5..], Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }

    [Fact]
    public async Task Applies_every_repository_migration_and_journals_name_and_checksum()
    {
        var factory = await databases.NewDatabaseAsync();
        var expected = RepositoryMigrations(Provider);
        Assert.NotEmpty(expected);

        var result = await new MigrationRunner(factory, MigrationCatalog.Embedded(Provider)).MigrateAsync();

        Assert.Equal(expected.Max(m => m.Version), result.Version);
        Assert.Equal(expected.Select(m => m.Version), result.Applied.Select(s => s.Version));
        await using var connection = await factory.OpenAsync();
        var journal = (await connection.QueryAsync<(long Version, string Name, string Checksum)>(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(expected.Select(m => ((long)m.Version, m.Name, m.Checksum)), journal);
        Assert.Equal(result.Version, await MigrationRunner.ReadVersionAsync(connection));
    }

    [Fact]
    public async Task Identity_keys_and_timestamps_round_trip_on_the_devices_table()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, MigrationCatalog.Embedded(Provider)).MigrateAsync();
        var seen = new DateTimeOffset(2026, 11, 25, 9, 30, 15, 250, TimeSpan.Zero);

        await using var connection = await factory.OpenAsync();
        var ids = new List<long>();
        foreach (var ae in new[] { "CT_A", "CT_B" })
            ids.Add(await connection.ExecuteScalarAsync<long>(
                "INSERT INTO devices (ae_title, first_seen, last_seen) VALUES (@ae, @seen, @seen) RETURNING id", new { ae, seen }));
        var firstSeen = await connection.ExecuteScalarAsync<DateTimeOffset>("SELECT first_seen FROM devices WHERE id = @id", new { id = ids[1] });

        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 0));
        Assert.Equal(seen, firstSeen);
        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync(
            "INSERT INTO devices (ae_title, first_seen, last_seen) VALUES ('CT_A', @seen, @seen)", new { seen }));
    }

    [Fact]
    public async Task Migrating_twice_changes_nothing()
    {
        var factory = await databases.NewDatabaseAsync();
        var runner = new MigrationRunner(factory, MigrationCatalog.Embedded(Provider));
        var first = await runner.MigrateAsync();
        var journalBefore = await JournalAsync(factory);

        var second = await runner.MigrateAsync();

        Assert.NotEmpty(first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal(journalBefore, await JournalAsync(factory));
    }

    [Fact]
    public async Task An_applied_script_edited_afterwards_is_refused()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, Catalog(("0001_first.sql", "CREATE TABLE first_table (id INTEGER);"))).MigrateAsync();

        var edited = Catalog(("0001_first.sql", "CREATE TABLE first_table (id INTEGER, extra TEXT);"),
                             ("0002_second.sql", "CREATE TABLE second_table (id INTEGER);"));
        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(factory, edited).MigrateAsync());

        Assert.Equal(MigrationFailure.ChecksumMismatch, e.Failure);
        Assert.Contains("0001_first", e.Message);
        Assert.Equal([1L], (await JournalAsync(factory)).Select(r => r.Version));
    }

    [Fact]
    public async Task Line_ending_changes_are_not_edits()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, Catalog(("0001_first.sql", "CREATE TABLE t (id INTEGER);\nCREATE TABLE u (id INTEGER);\n"))).MigrateAsync();

        var result = await new MigrationRunner(factory, Catalog(("0001_first.sql", "CREATE TABLE t (id INTEGER);\r\nCREATE TABLE u (id INTEGER);\r\n"))).MigrateAsync();

        Assert.Empty(result.Applied);
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused()
    {
        var factory = await databases.NewDatabaseAsync();
        var catalog = MigrationCatalog.Embedded(Provider);
        await new MigrationRunner(factory, catalog).MigrateAsync();
        var future = catalog.LatestVersion + 1;
        await using (var connection = await factory.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@future, 'from_the_future', 'x', @now)",
                new { future, now = DateTimeOffset.UtcNow });

        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(factory, catalog).MigrateAsync());

        Assert.Equal(MigrationFailure.DatabaseNewerThanCode, e.Failure);
        Assert.Contains($"{future:D4}", e.Message);
    }

    [Fact]
    public async Task A_script_numbered_below_the_applied_ones_is_refused()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, Catalog(("0001_a.sql", "CREATE TABLE a (id INTEGER);"), ("0003_c.sql", "CREATE TABLE c (id INTEGER);"))).MigrateAsync();

        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(factory, Catalog(
            ("0001_a.sql", "CREATE TABLE a (id INTEGER);"), ("0002_b.sql", "CREATE TABLE b (id INTEGER);"), ("0003_c.sql", "CREATE TABLE c (id INTEGER);"))).MigrateAsync());

        Assert.Equal(MigrationFailure.OutOfOrder, e.Failure);
        Assert.Contains("0002_b", e.Message);
    }

    [Fact]
    public async Task A_failing_script_is_rolled_back_whole_and_not_journaled()
    {
        var factory = await databases.NewDatabaseAsync();
        var catalog = Catalog(("0001_ok.sql", "CREATE TABLE ok_table (id INTEGER);"),
                              ("0002_broken.sql", "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);"));

        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(factory, catalog).MigrateAsync());

        Assert.Equal(MigrationFailure.ScriptFailed, e.Failure);
        Assert.Equal([1L], (await JournalAsync(factory)).Select(r => r.Version));
        Assert.True(await TableExistsAsync(factory, "ok_table"));
        Assert.False(await TableExistsAsync(factory, "half_done"));
    }

    [Fact]
    public async Task Two_runners_started_together_apply_each_script_once()
    {
        var factory = await databases.NewDatabaseAsync();
        // Dialect variants of 0001 make the first step slow enough that the second runner really has to wait.
        var files = new[]
        {
            ("0001_slow.postgresql.sql", "CREATE TABLE runs (id INTEGER); SELECT pg_sleep(0.5);"),
            ("0001_slow.sqlite.sql", "CREATE TABLE runs (id INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) SELECT count(*) FROM n;"),
            ("0002_count.sql", "INSERT INTO runs (id) VALUES (2);"),
            ("0003_count.sql", "INSERT INTO runs (id) VALUES (3);"),
        };
        var runners = Enumerable.Range(0, 2).Select(_ => new MigrationRunner(factory, MigrationCatalog.FromFiles(files, Provider))).ToArray();

        var results = await Task.WhenAll(runners.Select(r => Task.Run(() => r.MigrateAsync())));

        Assert.Equal([3, 3], results.Select(r => r.Version));
        Assert.Equal(3, results.Sum(r => r.Applied.Count));
        await using var connection = await factory.OpenAsync();
        Assert.Equal([2L, 3L], (await connection.QueryAsync<long>("SELECT id FROM runs ORDER BY id")).ToList());
        Assert.Equal([1L, 2L, 3L], (await JournalAsync(factory)).Select(r => r.Version));
    }

    /// <summary>
    /// 0031 opens alerts.type to new rule types (SQLite: the table is rebuilt with foreign keys off): alerts raised
    /// before keep every column and their history, a new type is accepted, and foreign keys are enforced again after.
    /// </summary>
    [Fact]
    public async Task Opening_the_alert_types_keeps_every_alert_and_its_history()
    {
        var factory = await databases.NewDatabaseAsync();
        var embedded = MigrationCatalog.Embedded(Provider);
        await new MigrationRunner(factory, new MigrationCatalog(embedded.Scripts.Where(s => s.Version <= 30))).MigrateAsync();
        var at = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        await using (var connection = await factory.OpenAsync())
        {
            var rule = await connection.ExecuteScalarAsync<long>(
                "INSERT INTO rules (name, type, created_at, updated_at) VALUES ('CT DLP', 'drl-exceeded', @at, @at) RETURNING id", new { at });
            var alert = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO alerts (study_instance_uid, rule_id, rule_name, type, quantity, value, unit, message, status, created_at, updated_at, assigned_at, assigned_by)
                VALUES ('1.2.3', @rule, 'CT DLP', 'drl-exceeded', 'DLP', 1234.5, 'mGy.cm', 'above', 'acknowledged', @at, @at, @at, 'qa')
                RETURNING id
                """, new { rule, at });
            await connection.ExecuteAsync("INSERT INTO alert_events (alert_id, at, actor, action, status) VALUES (@alert, @at, 'qa', 'acknowledged', 'acknowledged')", new { alert, at });
            await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("""
                INSERT INTO alerts (study_instance_uid, rule_id, rule_name, type, quantity, unit, message, status, created_at, updated_at)
                VALUES ('1.2.4', @rule, 'PSD', 'peak-skin-dose', 'PSD', 'Gy', 'x', 'new', @at, @at)
                """, new { rule, at }));
        }

        await new MigrationRunner(factory, embedded).MigrateAsync();

        await using var after = await factory.OpenAsync();
        var kept = await after.QuerySingleAsync<(string Uid, string Type, double Value, string Status, string AssignedBy, long Events)>("""
            SELECT a.study_instance_uid, a.type, a.value, a.status, a.assigned_by, (SELECT count(*) FROM alert_events e WHERE e.alert_id = a.id)
            FROM alerts a
            """);
        Assert.Equal(("1.2.3", "drl-exceeded", 1234.5, "acknowledged", "qa", 1L), kept);
        var ruleId = await after.ExecuteScalarAsync<long>("SELECT id FROM rules");
        await after.ExecuteAsync("""
            INSERT INTO alerts (study_instance_uid, rule_id, rule_name, type, quantity, unit, message, status, created_at, updated_at)
            VALUES ('1.2.4', @ruleId, 'PSD', 'peak-skin-dose', 'PSD', 'Gy', 'x', 'new', @at, @at)
            """, new { ruleId, at });
        await Assert.ThrowsAnyAsync<DbException>(() => after.ExecuteAsync(
            "INSERT INTO alert_events (alert_id, at, actor, action, status) VALUES (987654, @at, 'qa', 'raised', 'new')", new { at }));
    }

    private MigrationCatalog Catalog(params (string FileName, string Text)[] files) => MigrationCatalog.FromFiles(files, Provider);

    private static async Task<List<(long Version, string Checksum, string AppliedAt)>> JournalAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        return (await connection.QueryAsync<(long, string, DateTimeOffset)>("SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version"))
            .Select(r => (r.Item1, r.Item2, r.Item3.ToString("O"))).ToList();
    }

    private async Task<bool> TableExistsAsync(IDbConnectionFactory factory, string table)
    {
        await using var connection = await factory.OpenAsync();
        var sql = Provider == DatabaseProvider.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table";
        return await connection.ExecuteScalarAsync<long>(sql, new { table }) > 0;
    }
}

public sealed class SqliteMigrationRunnerFacts() : MigrationRunnerFacts(new SqliteTestDatabases());

public sealed class PostgreSqlMigrationRunnerFacts(PostgresServerFixture postgres)
    : MigrationRunnerFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
