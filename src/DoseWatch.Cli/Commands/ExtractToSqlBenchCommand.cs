using System.Diagnostics;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch bench-extract-sql [--passes N] FILE...</c>: the extraction job's work in-process, without the queue:
/// read (pixels skipped) + extract + save to a fresh SQLite database, as DoseExtractionPipeline does. Each pass after
/// the first re-labels study, series and instance UIDs in memory, so that every save is an insert and never a merge.
/// A benchmark, not a test: scripts/bench-extract-to-sql.sh runs it beside pydicom on the same files.
/// </summary>
internal static class ExtractToSqlBenchCommand
{
    public const string Usage = "bench-extract-sql [--passes N] FILE...   files/s read + extracted + saved to a fresh SQLite database";
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var a = new NetworkArguments(args);
        var passes = int.TryParse(a.Get("--passes", "1"), out var p) && p > 0 ? p : 1;
        if (a.Positional.Count == 0) { error.WriteLine("usage: dosewatch " + Usage); return 2; }
        var data = Directory.CreateTempSubdirectory("dosewatch-bench-");
        try
        {
            var connections = DbConnectionFactory.Create(new DatabaseOptions(), data.FullName);
            await new MigrationRunner(connections, MigrationCatalog.Embedded(DatabaseProvider.Sqlite)).MigrateAsync();
            var repository = new DoseRecordRepository(connections);
            var saved = 0;
            var events = 0;
            var clock = Stopwatch.StartNew();
            for (var pass = 0; pass < passes; pass++)
            {
                foreach (var path in a.Positional)
                {
                    var file = DicomReader.ReadFile(path, HeaderOnly);
                    if (pass > 0) Relabel(file.DataSet, pass);
                    var result = DoseExtractor.Extract(file);
                    if (result.Kind != ExtractionKind.DoseObject || result.Study is null) continue;
                    await repository.SaveAsync(result);
                    saved++;
                    events += result.Events.Count;
                }
            }
            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine($"{saved} objects ({events} events) read+extracted+saved in {seconds:0.00} s: {saved / seconds:0.0} objects/s, {events / seconds:0.0} events/s");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static void Relabel(DicomDataSet ds, int pass)
    {
        foreach (var tag in new[] { DicomTag.StudyInstanceUid, DicomTag.SeriesInstanceUid, DicomTag.SopInstanceUid })
            if (ds.GetString(tag) is { } uid) ds.SetString(tag, DicomVR.UI, $"{uid[..Math.Min(uid.Length, 56)]}.{pass}");
    }
}
