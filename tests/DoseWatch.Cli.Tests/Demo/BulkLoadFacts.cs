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
        var run = ExternalTool.Run("sqlite3", ["-json", database,
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
}
