using System.Text.Json;
using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
using DoseWatch.Dicom.Tests.IO;
using static DoseWatch.Cli.Tests.Support.PydicomReading;

namespace DoseWatch.Cli.Tests.Demo;

/// <summary>
/// <c>demo --into sqlite:PATH</c> stores the same history that <c>demo --out</c> writes as files: every NM, MR and US
/// event the files hold (read by pydicom and dcmdump) is a row of the database (read by the sqlite3 shell) with the same values.
/// </summary>
public sealed class BulkLoadFacts
{
    [Fact]
    public async Task Bulk_mode_stores_the_nm_mr_and_us_events_the_same_seed_writes_as_files()
    {
        using var folder = new TempDirectory();
        string[] history = ["--studies", "40", "--seed", "23", "--end", "2026-10-15"];
        var output = new StringWriter();
        Assert.True(await DemoCommand.RunAsync([.. history, "--out", folder.Path], output, output) == 0, output.ToString());
        var database = Path.Combine(folder.Path, "bulk.sqlite");
        Assert.True(await DemoCommand.RunAsync([.. history, "--into", "sqlite:" + database], output, output) == 0, output.ToString());

        var expected = DemoObjectReading.Events(Read(Directory.GetFiles(folder.Path, "*.dcm")));
        Assert.Equal(["MR", "NM", "US"], expected.Select(e => e.Kind).Distinct().Order(StringComparer.Ordinal));
        var run = ExternalTool.Run("sqlite3", [.. SqliteShell.WaitForLocks, "-json", database,
            "SELECT s.modality AS study_modality, e.* FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid WHERE s.modality IN ('NM', 'MR', 'US')"]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        var rows = JsonDocument.Parse(run.StdOut).RootElement.EnumerateArray().ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var ev in expected)
        {
            var row = Assert.Single(rows, r => r.GetProperty("event_uid").GetString() == ev.EventUid);
            Assert.Equal(ev.Kind, row.GetProperty("study_modality").GetString());
            Assert.Equal(ev.StudyUid, row.GetProperty("study_instance_uid").GetString());
            DemoEventAssert.SameAsRow(ev, row);
        }
    }

    /// <summary>
    /// The doubling copies rows in SQL, past the save path that keeps the summary tables (migrations 0013, 0014): after
    /// it, each summary must still be what its rows say: the per-day tables as the migrations' own fill computes them
    /// from the rows (sqlite3 shell, EXCEPT both ways), the protocol uses as a rebuild from the rows gives them.
    /// </summary>
    [Fact]
    public async Task Doubling_keeps_the_summary_tables_equal_to_the_rows()
    {
        using var folder = new TempDirectory();
        var database = Path.Combine(folder.Path, "doubled.sqlite");
        var output = new StringWriter();
        Assert.True(await DemoCommand.RunAsync(["--studies", "40", "--seed", "5", "--end", "2026-10-15", "--into", "sqlite:" + database, "--events", "1000"], output, output) == 0, output.ToString());
        Assert.Contains("doubled", output.ToString());

        string Query(string sql)
        {
            var run = ExternalTool.Run("sqlite3", [.. SqliteShell.WaitForLocks, "-json", database, sql]);
            Assert.True(run.ExitCode == 0, run.StdErr);
            return run.StdOut.Trim();
        }
        const string protocolDays = """
            SELECT modality, COALESCE(protocol, '(no protocol)'), study_date, COUNT(*) FROM irradiation_events
            WHERE modality IS NOT NULL AND study_date IS NOT NULL AND (ctdivol_mgy IS NOT NULL OR dlp_mgy_cm IS NOT NULL)
                AND (acquisition_type_code IS NULL OR acquisition_type_code <> '113805')
            GROUP BY modality, COALESCE(protocol, '(no protocol)'), study_date
            """; // localizers are not counted (migration 0037)
        const string dailyDoses = """
            SELECT day, modality, MAX(studies), AVG(dose) FROM (
                SELECT study_date AS day, modality, headline_dose AS dose,
                    ROW_NUMBER() OVER (PARTITION BY study_date, modality ORDER BY headline_dose) AS position,
                    COUNT(*) OVER (PARTITION BY study_date, modality) AS studies
                FROM studies WHERE study_date IS NOT NULL AND modality IS NOT NULL AND headline_dose IS NOT NULL) ranked
            WHERE position IN ((studies + 1) / 2, (studies + 2) / 2) GROUP BY day, modality
            """;
        Assert.NotEqual("", Query("SELECT COUNT(*) AS n FROM protocol_day_events"));
        foreach (var (table, columns, fromRows) in new[]
                 {
                     ("protocol_day_events", "modality, protocol, study_date, dose_events", protocolDays),
                     ("daily_study_doses", "study_date, modality, studies, median_dose", dailyDoses),
                 })
        {
            Assert.True(long.Parse(JsonDocument.Parse(Query($"SELECT COUNT(*) AS n FROM {table}")).RootElement[0].GetProperty("n").ToString()) > 0, table);
            Assert.Equal("", Query($"SELECT {columns} FROM {table} EXCEPT {fromRows}"));
            Assert.Equal("", Query($"{fromRows} EXCEPT SELECT {columns} FROM {table}"));
        }

        // A fluoroscopy study's stored totals (0016) are its copied dose objects' totals.
        Assert.Equal("[{\"fluoroscopy\":1}]", Query("SELECT COUNT(*) > 0 AS fluoroscopy FROM studies WHERE modality IN ('RF', 'XA') AND fluoro_dap_total_gy_cm2 IS NOT NULL"));
        Assert.Equal("[{\"n\":0}]", Query("""
            SELECT COUNT(*) AS n FROM studies s WHERE s.modality IN ('RF', 'XA') AND (
                s.fluoro_dap_total_gy_cm2 IS NOT (SELECT MAX(o.dap_total_gy_cm2) FROM dose_source_objects o WHERE o.study_instance_uid = s.study_instance_uid)
                OR s.fluoro_time_total_s IS NOT (SELECT MAX(o.fluoro_time_total_s) FROM dose_source_objects o WHERE o.study_instance_uid = s.study_instance_uid))
            """));

        const string uses = "SELECT study_date, modality, protocol, device_key, events, studies FROM protocol_uses ORDER BY 1, 2, 3, 4";
        var kept = Query(uses);
        Assert.NotEqual("", kept);
        await new DoseWatch.Data.Repositories.DoseRecordRepository(new DoseWatch.Data.SqliteConnectionFactory(database)).RebuildProtocolUsesAsync();
        Assert.Equal(Query(uses), kept);

        // The studies per day, modality, device and hour (0021), doubled with the studies, are what counting them gives.
        const string activity = "SELECT study_date, modality, device_key, hour, studies, events FROM study_activity";
        const string counted = """
            SELECT study_date, COALESCE(modality, ''), device_key, COALESCE(SUBSTR(study_time, 1, 2), ''), COUNT(*),
                SUM((SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid))
            FROM studies s WHERE study_date IS NOT NULL GROUP BY 1, 2, 3, 4
            """;
        Assert.NotEqual("[{\"n\":0}]", Query("SELECT COUNT(*) AS n FROM study_activity WHERE studies > 1"));
        Assert.Equal("", Query($"{activity} EXCEPT {counted}"));
        Assert.Equal("", Query($"{counted} EXCEPT {activity}"));

        // The indexes dropped for the doubling are all back, as the migrations made them.
        var fresh = Path.Combine(folder.Path, "fresh.sqlite");
        var factory = new DoseWatch.Data.SqliteConnectionFactory(fresh);
        await new DoseWatch.Data.Migrations.MigrationRunner(factory, DoseWatch.Data.Migrations.MigrationCatalog.Embedded(factory.Provider)).MigrateAsync();
        const string indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
        var expectedIndexes = ExternalTool.Run("sqlite3", [.. SqliteShell.WaitForLocks, "-json", fresh, indexes]);
        Assert.Contains("ix_irradiation_events_modality_day_started", expectedIndexes.StdOut);
        Assert.Equal(expectedIndexes.StdOut.Trim(), Query(indexes));
    }
}
