using Dapper;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// The study summaries that migration 0012 keeps at save time (studies.headline_dose and event_count, the study's day
/// and modality on each event) equal what the events say, after every ordering of saves, and a database filled before
/// 0012 and then migrated (0012, 0013) has the same summaries as one saved after it. Also the per-day tables of 0013. The expectation is the SQL that computes the
/// summary from the events (DoseRecordRepository.ComputedHeadlineDoseSql, COUNT(*)), never a written-down number.
/// </summary>
public abstract class StudySummaryFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private async Task<IDbConnectionFactory> NewDatabaseAsync(int? upToVersion = null)
    {
        var factory = await databases.NewDatabaseAsync();
        var catalog = MigrationCatalog.Embedded(databases.Provider);
        if (upToVersion is { } v) catalog = new MigrationCatalog(catalog.Scripts.Where(s => s.Version <= v));
        await new MigrationRunner(factory, catalog).MigrateAsync();
        return factory;
    }

    private sealed record StudySummaryRow(string Uid, double? Stored, double? Computed, long StoredCount, long ComputedCount);

    /// <summary>A fluoroscopy study's procedure and totals as stored (0016) and as computed from its rows.</summary>
    private sealed record FluoroscopyRow(string Uid, string? Modality, string? StoredProcedure, string? ComputedProcedure, double? StoredDap, double? ComputedDap,
        double? StoredDoseRp, double? ComputedDoseRp, double? StoredTime, double? ComputedTime);

    private static async Task<List<FluoroscopyRow>> FluoroscopyAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        // The definitions written out here, not taken from ModalityQuantities: the oracle of the stored columns.
        string Total(string column) => $"(SELECT MAX(o.{column}) FROM dose_source_objects o WHERE o.study_instance_uid = s.study_instance_uid)";
        // Untyped rows (lower-case names on both engines): SQLite types an expression column per value.
        return (await connection.QueryAsync($"""
            SELECT s.study_instance_uid AS uid, s.modality AS modality, s.fluoro_procedure AS storedprocedure,
                CASE WHEN s.modality IN ('RF', 'XA') THEN COALESCE(s.study_description, (SELECT MAX(e.protocol) FROM irradiation_events e
                    JOIN dose_source_objects o ON o.sop_instance_uid = e.sop_instance_uid AND o.study_instance_uid = e.study_instance_uid
                    WHERE e.study_instance_uid = s.study_instance_uid)) END AS computedprocedure,
                s.fluoro_dap_total_gy_cm2 AS storeddap, CASE WHEN s.modality IN ('RF', 'XA') THEN {Total("dap_total_gy_cm2")} END AS computeddap,
                s.fluoro_dose_rp_total_gy AS storeddoserp, CASE WHEN s.modality IN ('RF', 'XA') THEN {Total("dose_rp_total_gy")} END AS computeddoserp,
                s.fluoro_time_total_s AS storedtime, CASE WHEN s.modality IN ('RF', 'XA') THEN {Total("fluoro_time_total_s")} END AS computedtime
            FROM studies s ORDER BY s.study_instance_uid
            """)).Select(r => new FluoroscopyRow((string)r.uid, (string?)r.modality, (string?)r.storedprocedure, (string?)r.computedprocedure,
                (double?)r.storeddap, (double?)r.computeddap, (double?)r.storeddoserp, (double?)r.computeddoserp, (double?)r.storedtime, (double?)r.computedtime)).ToList();
    }

    private static void SameFluoroscopy(IReadOnlyList<FluoroscopyRow> rows)
    {
        Assert.Contains(rows, r => r.Modality == "RF" && r.StoredDap is not null && r.StoredProcedure is not null);
        Assert.All(rows, r => Assert.Equal((r.Uid, r.ComputedProcedure, r.ComputedDap, r.ComputedDoseRp, r.ComputedTime), (r.Uid, r.StoredProcedure, r.StoredDap, r.StoredDoseRp, r.StoredTime)));
    }

    private sealed record EventCopyRow(string Uid, string EventUid, string? EventDay, string? EventModality, string? StudyDay, string? StudyModality);

    // PostgreSQL sums a study's events in heap order, which an update changes: the same events can sum to values one
    // rounding step apart (724.52 and 724.5200000000001), in the stored summary as in the old per-query sums.
    internal static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, stored {actual}");

    private static async Task<List<StudySummaryRow>> SummariesAsync(IDbConnectionFactory factory)
    {
        var headlines = await StudyHeadlines.ReadAsync(factory);
        await using var connection = await factory.OpenAsync();
        return (await connection.QueryAsync<(string Uid, double? Stored, long StoredCount, long ComputedCount)>("""
            SELECT s.study_instance_uid AS Uid, s.headline_dose AS Stored,
                s.event_count AS StoredCount, (SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid) AS ComputedCount
            FROM studies s ORDER BY s.study_instance_uid
            """)).Select(r => new StudySummaryRow(r.Uid, r.Stored, headlines[r.Uid], r.StoredCount, r.ComputedCount)).ToList();
    }

    // The event's own modality is its dose object's (a PET/CT's parts, #16 item 8), else its study's.
    private static async Task<List<EventCopyRow>> EventCopiesAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        return (await connection.QueryAsync<EventCopyRow>("""
            SELECT e.study_instance_uid AS Uid, e.event_uid AS EventUid, e.study_date AS EventDay, e.modality AS EventModality,
                s.study_date AS StudyDay, COALESCE(NULLIF(o.modality, 'SR'), s.modality) AS StudyModality
            FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
                LEFT JOIN dose_source_objects o ON o.sop_instance_uid = e.sop_instance_uid
            ORDER BY e.study_instance_uid, e.event_uid
            """)).ToList();
    }

    private sealed record ProtocolDayRow(string Modality, string Protocol, string Day, long Events);

    private sealed class DailyDoseRow
    {
        public string Day { get; init; } = "";
        public string Modality { get; init; } = "";
        public long Studies { get; init; }
        public double? Median { get; init; }
    }

    /// <summary>protocol_day_events as stored (rows counted down to 0 left out) and as counted from the events now.</summary>
    private static async Task<(List<ProtocolDayRow> Stored, List<ProtocolDayRow> Counted)> ProtocolDaysAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        var stored = await connection.QueryAsync<ProtocolDayRow>("""
            SELECT modality AS Modality, protocol AS Protocol, study_date AS Day, dose_events AS Events FROM protocol_day_events
            WHERE dose_events <> 0 ORDER BY modality, protocol, study_date
            """);
        var counted = await connection.QueryAsync<ProtocolDayRow>("""
            SELECT modality AS Modality, COALESCE(protocol, @NoProtocol) AS Protocol, study_date AS Day, COUNT(*) AS Events FROM irradiation_events
            WHERE modality IS NOT NULL AND study_date IS NOT NULL AND (ctdivol_mgy IS NOT NULL OR dlp_mgy_cm IS NOT NULL)
                AND (acquisition_type_code IS NULL OR acquisition_type_code <> '113805')
            GROUP BY modality, COALESCE(protocol, @NoProtocol), study_date ORDER BY modality, COALESCE(protocol, @NoProtocol), study_date
            """, new { DashboardRepository.NoProtocol });
        return (stored.ToList(), counted.ToList());
    }

    /// <summary>daily_study_doses as stored and as the per-query ranking of the studies' headline doses gives it now.</summary>
    private static async Task<(List<DailyDoseRow> Stored, List<DailyDoseRow> Ranked)> DailyDosesAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        var stored = await connection.QueryAsync<DailyDoseRow>(
            "SELECT study_date AS Day, modality AS Modality, studies AS Studies, median_dose AS Median FROM daily_study_doses ORDER BY study_date, modality");
        var ranked = await connection.QueryAsync<DailyDoseRow>("""
            SELECT day AS Day, modality AS Modality, MAX(studies) AS Studies, AVG(dose) AS Median FROM (
                SELECT s.study_date AS day, s.modality AS modality, s.headline_dose AS dose,
                    ROW_NUMBER() OVER (PARTITION BY s.modality, s.study_date ORDER BY s.headline_dose) AS position,
                    COUNT(*) OVER (PARTITION BY s.modality, s.study_date) AS studies
                FROM studies s WHERE s.study_date IS NOT NULL AND s.headline_dose IS NOT NULL
            ) ranked WHERE position IN ((studies + 1) / 2, (studies + 2) / 2)
            GROUP BY day, modality ORDER BY day, modality
            """);
        return (stored.ToList(), ranked.ToList());
    }

    private sealed record StudyActivityRow(string Day, string Modality, string DeviceKey, string Hour, long Studies, long Events);

    /// <summary>study_activity (0021) as stored (rows counted down to 0 left out) and as counted from the studies now.</summary>
    private static async Task<(List<StudyActivityRow> Stored, List<StudyActivityRow> Counted)> StudyActivityAsync(IDbConnectionFactory factory)
    {
        await using var connection = await factory.OpenAsync();
        var stored = await connection.QueryAsync<StudyActivityRow>("""
            SELECT study_date AS Day, modality AS Modality, device_key AS DeviceKey, hour AS Hour, studies AS Studies, events AS Events
            FROM study_activity WHERE studies <> 0 ORDER BY study_date, modality, device_key, hour
            """);
        // Counted from the studies and their events themselves (not from studies.event_count, itself a kept summary).
        var counted = await connection.QueryAsync<StudyActivityRow>("""
            SELECT s.study_date AS Day, COALESCE(s.modality, '') AS Modality, s.device_key AS DeviceKey, COALESCE(SUBSTR(s.study_time, 1, 2), '') AS Hour,
                COUNT(*) AS Studies, CAST(SUM((SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid)) AS BIGINT) AS Events
            FROM studies s WHERE s.study_date IS NOT NULL
            GROUP BY s.study_date, COALESCE(s.modality, ''), s.device_key, COALESCE(SUBSTR(s.study_time, 1, 2), '')
            ORDER BY 1, 2, 3, 4
            """);
        return (stored.ToList(), counted.ToList());
    }

    private static void SameDailyDoses(List<DailyDoseRow> expected, List<DailyDoseRow> actual)
    {
        Assert.Equal(expected.Select(r => (r.Day, r.Modality, r.Studies)), actual.Select(r => (r.Day, r.Modality, r.Studies)));
        Assert.All(expected.Zip(actual), x => Close(x.First.Median!.Value, x.Second.Median!.Value));
    }

    [SamplesFact]
    public async Task Stored_summaries_equal_what_the_events_say_after_every_ordering_of_saves()
    {
        var factory = await NewDatabaseAsync();
        var repository = new DoseRecordRepository(factory);

        var touched = await SummaryScenarios.SaveVariedAsync(repository);

        var summaries = await SummariesAsync(factory);
        Assert.Equal(touched.Order(StringComparer.Ordinal), summaries.Select(s => s.Uid).Order(StringComparer.Ordinal));
        Assert.All(summaries, s =>
        {
            Assert.Equal(s.ComputedCount, s.StoredCount);
            Assert.NotNull(s.Stored);
            Close(s.Computed!.Value, s.Stored!.Value);
        });
        var copies = await EventCopiesAsync(factory);
        Assert.All(copies, e => Assert.Equal((e.StudyDay, e.StudyModality), (e.EventDay, e.EventModality)));
        SameFluoroscopy(await FluoroscopyAsync(factory));
        var (storedDays, countedDays) = await ProtocolDaysAsync(factory);
        Assert.Contains(countedDays, d => d.Protocol == "HEADER ONLY"); // the header-only event, still counted
        Assert.Equal(countedDays, storedDays);
        var (storedDoses, rankedDoses) = await DailyDosesAsync(factory);
        Assert.True(rankedDoses.Count >= 5);
        SameDailyDoses(rankedDoses, storedDoses);
        Assert.All(storedDoses.Zip(rankedDoses), x => Assert.Equal(x.Second.Median, x.First.Median)); // same studies, same arithmetic
        var (storedActivity, countedActivity) = await StudyActivityAsync(factory);
        Assert.True(countedActivity.Count >= 3);
        Assert.Contains(countedActivity, a => a.Studies > 1 || a.Events > 1);
        Assert.Equal(countedActivity, storedActivity);

        // The rank rule, independently of the SQL: the Toshiba study is its report's DLP (the device's accumulated total,
        // #16), its headers' 999 and 50 left out.
        var toshiba = SummaryScenarios.Extract("openrem/CT-RDSR-Toshiba_DoseCheck.dcm");
        var stored = Assert.Single(summaries, s => s.Uid == toshiba.Study!.StudyInstanceUid);
        Close(toshiba.Accumulated.DlpTotalMGyCm ?? toshiba.Events.Sum(e => e.DlpMGyCm ?? 0), stored.Stored!.Value);
        Assert.Equal(toshiba.Events.Count + 1, stored.StoredCount); // the header-only event is stored, not summed
        // The study whose date came with its second object: its first event carries the date too.
        var ge = SummaryScenarios.Extract("openrem/CT-RDSR-GEPixelMed.dcm");
        Assert.All(copies.Where(e => e.Uid == ge.Study!.StudyInstanceUid),
            e => Assert.Equal((ge.Study!.StudyDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "CT"), (e.EventDay, e.EventModality)));
    }

    [SamplesFact]
    public async Task A_database_filled_before_migration_0012_gets_the_same_summaries_as_one_saved_after_it()
    {
        var saved = await NewDatabaseAsync();
        await SummaryScenarios.SaveVariedAsync(new DoseRecordRepository(saved));
        await SummaryScenarios.SaveHistoryAsync(new DoseRecordRepository(saved), new DateOnly(2026, 11, 20));

        // The same rows, as a build before 0012 stored them: copied into a database at 0011, then migrated.
        var old = await NewDatabaseAsync(upToVersion: 11);
        await CopyTableAsync(saved, old, "studies");
        await CopyTableAsync(saved, old, "irradiation_events");
        // The objects too: since 0037 the headline dose is the device's reported total and an event's modality its object's.
        await CopyTableAsync(saved, old, "dose_source_objects");
        await new MigrationRunner(old, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();

        var expected = await SummariesAsync(saved);
        var migrated = await SummariesAsync(old);
        Assert.True(expected.Count > 20);
        Assert.Equal(expected.Select(s => (s.Uid, s.StoredCount, s.Stored is null)), migrated.Select(s => (s.Uid, s.StoredCount, s.Stored is null)));
        Assert.All(expected.Zip(migrated).Where(x => x.First.Stored is not null), x => Close(x.First.Stored!.Value, x.Second.Stored!.Value));
        Assert.All(migrated, s => Assert.Equal(s.ComputedCount, s.StoredCount));
        Assert.Equal(await EventCopiesAsync(saved), await EventCopiesAsync(old));
        // 0013's tables, backfilled by the migration, as the save path kept them.
        Assert.Equal((await ProtocolDaysAsync(saved)).Stored, (await ProtocolDaysAsync(old)).Stored);
        SameDailyDoses((await DailyDosesAsync(saved)).Stored, (await DailyDosesAsync(old)).Stored);
        Assert.Equal((await ProtocolDaysAsync(old)).Counted, (await ProtocolDaysAsync(old)).Stored);
        // 0021's study activity, backfilled by the migration, as the save path kept it.
        Assert.Equal((await StudyActivityAsync(saved)).Stored, (await StudyActivityAsync(old)).Stored);
        Assert.Equal((await StudyActivityAsync(old)).Counted, (await StudyActivityAsync(old)).Stored);
        // 0016's fluoroscopy columns, backfilled by the migration: once dose_source_objects is there too.
        var refilled = await NewDatabaseAsync(upToVersion: 15);
        await CopyTableAsync(saved, refilled, "studies");
        await CopyTableAsync(saved, refilled, "irradiation_events", allowSameColumns: true);
        await CopyTableAsync(saved, refilled, "dose_source_objects", allowSameColumns: true);
        await new MigrationRunner(refilled, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        Assert.Equal(await FluoroscopyAsync(saved), await FluoroscopyAsync(refilled));
        SameFluoroscopy(await FluoroscopyAsync(refilled));
    }

    /// <summary>Copies the rows of a table into the same table of an older schema (only the columns it has).</summary>
    private static async Task CopyTableAsync(IDbConnectionFactory from, IDbConnectionFactory to, string table, bool allowSameColumns = false)
    {
        await using var source = await from.OpenAsync();
        await using var target = await to.OpenAsync();
        var columns = (await ColumnsAsync(target, table)).ToHashSet(StringComparer.Ordinal);
        var rows = (await source.QueryAsync($"SELECT * FROM {table}")).Cast<IDictionary<string, object?>>().ToList();
        Assert.NotEmpty(rows);
        var names = rows[0].Keys.Where(columns.Contains).ToList();
        Assert.True(allowSameColumns || names.Count < rows[0].Count, $"the old {table} lacks the newer columns");
        var insert = $"INSERT INTO {table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select(n => "@" + n))})";
        await using var tx = await target.BeginTransactionAsync();
        foreach (var row in rows)
        {
            var p = new DynamicParameters();
            foreach (var n in names) p.Add(n, row[n]);
            await target.ExecuteAsync(insert, p, tx);
        }
        await tx.CommitAsync();
    }

    private static async Task<IEnumerable<string>> ColumnsAsync(System.Data.Common.DbConnection connection, string table) =>
        connection is Microsoft.Data.Sqlite.SqliteConnection
            ? await connection.QueryAsync<string>($"SELECT name FROM pragma_table_info('{table}')")
            : await connection.QueryAsync<string>("SELECT column_name FROM information_schema.columns WHERE table_name = @table AND table_schema = current_schema()", new { table });
}

public sealed class SqliteStudySummaryFacts() : StudySummaryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlStudySummaryFacts(PostgresServerFixture postgres)
    : StudySummaryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
