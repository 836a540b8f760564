using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Export;
using DoseWatch.Dicom.Deidentification;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch deid export --out DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--key-file FILE]</c>: the research export
/// (de-identified DICOM under DIR/dicom, studies.csv, events.csv), appended to the audit trail as <c>export.deidentified</c>.
/// Each export gets a fresh random key (UIDs, pseudonyms and date shifts cannot be linked to another export) unless
/// --key-file names one to reuse (created 0600 when missing), for a series of exports that must link up.
/// </summary>
internal static class DeidCommand
{
    public const string Usage = "deid export --out DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--key-file FILE] " + LocalDatabase.Usage + "   de-identified research export";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        LocalDatabase database;
        string outDir;
        DateOnly? from, to;
        byte[] key;
        try
        {
            var a = new NetworkArguments(args);
            if (a.Positional is not ["export"]) throw new ArgumentException("expected: deid export");
            outDir = Path.GetFullPath(a.Get("--out", "") is { Length: > 0 } o ? o : throw new ArgumentException("--out DIR is required"));
            if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
                throw new ArgumentException($"{outDir} is not empty (an export never overwrites files)");
            from = a.Date("--from");
            to = a.Date("--to");
            if (from > to) throw new ArgumentException("--from is after --to");
            database = LocalDatabase.From(a);
            key = a.Has("--key-file") ? KeyFile.LoadOrCreate(a.Get("--key-file", "")) : RandomNumberGenerator.GetBytes(32);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            error.WriteLine($"deid: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }

        var connections = database.Open();
        try
        {
            Directory.CreateDirectory(outDir);
            var summary = await new DeidentifiedExport(connections, database.StoredObjects()).WriteAsync(new Deidentifier(key), from, to, relative =>
            {
                var path = Path.Combine(outDir, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            });
            await database.AuditLog(connections).AppendAsync(new AuditEvent("cli:" + Environment.UserName, "export.deidentified", outDir,
                JsonSerializer.Serialize(new { from, to, summary.Studies, summary.Events, summary.Objects, skipped = summary.Skipped.Count })));
            foreach (var s in summary.Skipped) error.WriteLine($"deid: skipped {s}");
            output.WriteLine($"deid export: {summary.Studies} studies, {summary.Events} events, {summary.Objects} DICOM objects to {outDir}");
            return 0;
        }
        finally
        {
            if (connections is IAsyncDisposable d) await d.DisposeAsync();
        }
    }

}
