using System.Data.Common;
using System.Diagnostics;
using Dapper;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// Bulk mode of <c>dosewatch demo</c> for benchmarks at millions of events, where sending every study through the Store
/// SCP would take hours. The base history goes the product's way minus the network: each study is written as its RDSR
/// or its images in memory, extracted by <see cref="DoseExtractor"/> and saved by <see cref="DoseRecordRepository"/>. To reach the
/// wanted number of events, everything is then doubled in SQL (INSERT … SELECT) under new study and instance UIDs with
/// the same dates, devices and values, as many times as brings the count nearest the target: a bigger hospital with the
/// same mix, not new randomness. Pick the base size so that base × 2^k is near the target.
/// </summary>
internal static class DemoBulkLoad
{
    // Copied with their UIDs suffixed; the CT detail tables follow the events they belong to.
    // protocol_use_studies (migration 0014) and study_activity_studies (0021) are per study, so they are copied like the
    // studies they belong to.
    private static readonly string[] Tables = ["studies", "dose_source_objects", "irradiation_events", "ct_xray_sources", "ct_dose_check_notifications",
        "protocol_use_studies", "study_activity_studies"];
    private static readonly string[] UidColumns = ["study_instance_uid", "sop_instance_uid"];

    /// <summary><c>sqlite:PATH</c> or <c>postgresql:CONNECTION STRING</c>.</summary>
    public static IDbConnectionFactory Open(string target)
    {
        var colon = target.IndexOf(':');
        var (kind, rest) = colon < 0 ? ("", target) : (target[..colon].ToLowerInvariant(), target[(colon + 1)..]);
        return kind switch
        {
            "sqlite" => new SqliteConnectionFactory(rest),
            "postgresql" or "postgres" => new PostgreSqlConnectionFactory(rest),
            _ => throw new ArgumentException($"--into needs sqlite:PATH or postgresql:CONNECTION_STRING, got '{target}'"),
        };
    }

    public static async Task<(int Studies, long Events)> LoadAsync(IDbConnectionFactory database, IReadOnlyList<DemoStudy> studies, long targetEvents, TextWriter output)
    {
        await new MigrationRunner(database, MigrationCatalog.Embedded(database.Provider)).MigrateAsync();
        var repository = new DoseRecordRepository(database);
        var clock = Stopwatch.StartNew();
        long baseEvents = 0;
        foreach (var file in studies.SelectMany(DemoObjects.Write))
        {
            var result = DoseExtractor.Extract(file);
            if (result.Kind != ExtractionKind.DoseObject) continue;
            await repository.SaveAsync(result);
            baseEvents += result.Events.Count;
        }
        output.WriteLine($"demo --into: {studies.Count} studies, {baseEvents} events saved through the repository in {clock.Elapsed.TotalSeconds:0.0} s");
        var doublings = baseEvents == 0 || targetEvents <= baseEvents ? 0 : (int)Math.Round(Math.Log2((double)targetEvents / baseEvents));
        if (doublings == 0) return (studies.Count, baseEvents);

        clock.Restart();
        await using var connection = await database.OpenAsync();
        var columns = new Dictionary<string, string[]>();
        foreach (var table in Tables) columns[table] = await ColumnsAsync(connection, table);
        // The secondary indexes are dropped for the doublings and built again after them: inserting millions of rows into
        // a dozen B-trees one key at a time took over an hour for 10M events on PostgreSQL; building each from sorted
        // rows takes a fraction of that. Primary keys and constraints stay (the copies must not collide).
        var indexes = await SecondaryIndexesAsync(connection, database.Provider);
        foreach (var (name, _) in indexes) await connection.ExecuteAsync(new CommandDefinition($"DROP INDEX {name}", commandTimeout: 0));
        for (var round = 1; round <= doublings; round++)
        {
            await using var tx = await connection.BeginTransactionAsync();
            foreach (var table in Tables) await DoubleAsync(connection, tx, table, columns[table], round);
            // The per-day summaries (migrations 0013, 0014, 0021), which the save path keeps: every study and event is there
            // twice now, on the same day and device, so each count doubles and each median stays (every dose appears twice).
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE protocol_day_events SET dose_events = 2 * dose_events; UPDATE daily_study_doses SET studies = 2 * studies; " +
                "UPDATE protocol_uses SET events = 2 * events, studies = 2 * studies; UPDATE study_activity SET events = 2 * events, studies = 2 * studies",
                transaction: tx, commandTimeout: 0));
            await tx.CommitAsync();
        }
        foreach (var (_, definition) in indexes) await connection.ExecuteAsync(new CommandDefinition(definition, commandTimeout: 0));
        output.WriteLine($"demo --into: doubled and {indexes.Count} indexes built again in {clock.Elapsed.TotalSeconds:0.0} s");
        // Fresh statistics, as autovacuum (PostgreSQL) or an operator's ANALYZE (SQLite) would give a database this size.
        // On PostgreSQL also the visibility map: rows just inserted are not yet all-visible, so an index-only scan would
        // still visit every heap page until autovacuum's VACUUM, which a database in service has long had.
        var settle = database.Provider == DatabaseProvider.PostgreSql ? "VACUUM (ANALYZE)" : "ANALYZE";
        await connection.ExecuteAsync(new CommandDefinition(settle, commandTimeout: 0, commandType: System.Data.CommandType.Text));
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM irradiation_events", commandTimeout: 0);
        output.WriteLine($"demo --into: doubled {doublings} times in SQL in {clock.Elapsed.TotalSeconds:0.0} s: {total} events");
        return (studies.Count << doublings, total);
    }

    /// <summary>Name and CREATE statement of each index of the doubled tables that backs no primary key or constraint.</summary>
    private static async Task<List<(string Name, string Definition)>> SecondaryIndexesAsync(DbConnection connection, DatabaseProvider provider)
    {
        var tables = Tables.ToArray();
        var rows = provider == DatabaseProvider.PostgreSql
            ? await connection.QueryAsync<(string, string)>("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(@tables)
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                ORDER BY i.indexname
                """, new { tables })
            // SQLite: the automatic indexes of PRIMARY KEY and UNIQUE have no SQL of their own.
            : await connection.QueryAsync<(string, string)>(
                $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))}) ORDER BY name");
        return rows.ToList();
    }

    private static async Task<string[]> ColumnsAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE 1 = 0";
        await using var reader = await command.ExecuteReaderAsync();
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).Where(c => c != "id").ToArray();
    }

    // Every row again, its UIDs suffixed with the round: ".r<round>" never occurs in a DICOM UID, so no key collides.
    private static Task DoubleAsync(DbConnection connection, DbTransaction tx, string table, string[] columns, int round)
    {
        var select = columns.Select(c => UidColumns.Contains(c) ? $"{c} || '.r{round}'" : c);
        return connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {string.Join(", ", select)} FROM {table}",
            transaction: tx, commandTimeout: 0));
    }
}
