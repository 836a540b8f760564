using System.Globalization;
using System.Net.Sockets;
using DoseWatch.Cli.Demo;
using DoseWatch.Data;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch demo --studies N</c>: a synthetic dose history written as real dose reports (X-Ray and Radiopharmaceutical
/// Radiation Dose SRs) and MR and ultrasound images, and C-STOREd to
/// the running DoseWatch in batches (so a million events never sit on disk at once). With --out the files are only
/// written to that folder, unless --send is also given. Prints the anomalies it planted, one line each.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = "demo --studies N [--seed S] [--end YYYY-MM-DD] [--out DIR [--send]] " + StoreTarget.Usage +
        "\n       demo --studies N --into sqlite:PATH|postgresql:CONNECTION_STRING [--events TARGET]   bulk mode for benchmarks (see DemoBulkLoad)" +
        "\n       demo evaluate [--studies N] [--seed S] [--end YYYY-MM-DD] [--into sqlite:PATH|postgresql:CONNECTION_STRING]   planted anomalies on a fresh installation without protocol mapping: recall, precision, alerts on unplanted studies";
    private const int BatchSize = 200;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length > 0 && args[0] == "evaluate") return await EvaluateAsync(args[1..], output, error);
        NetworkArguments a;
        StoreTarget target;
        int count, seed;
        DateTime end;
        try
        {
            a = new NetworkArguments(args, "--send");
            target = StoreTarget.From(a, "DOSEWATCH_DEMO");
            count = PositiveInt(a.Get("--studies", ""), "--studies");
            seed = int.Parse(a.Get("--seed", "1"), CultureInfo.InvariantCulture);
            end = a.Has("--end") ? DateTime.ParseExact(a.Get("--end", ""), "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateTime.UtcNow.Date;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            error.WriteLine($"demo: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }
        if (a.Has("--into")) return await BulkAsync(a, count, seed, end, output, error);
        var outDir = a.Has("--out") ? a.Get("--out", "") : null;
        var send = outDir is null || a.Has("--send");
        var studies = new DemoHistory(seed, end).Generate(count);
        foreach (var s in studies.Where(s => s.Anomaly != DemoAnomaly.None))
            output.WriteLine($"anomaly {s.Anomaly}: study {s.StudyUid} {s.Protocol.Name} on {s.Device.StationName} at {s.PerformedAt:yyyy-MM-dd HH:mm}");

        var directory = outDir ?? Directory.CreateTempSubdirectory("dosewatch-demo-").FullName;
        Directory.CreateDirectory(directory);
        var total = new SendTally();
        try
        {
            foreach (var batch in studies.Chunk(BatchSize))
            {
                var files = batch.SelectMany(s => Write(s, directory)).ToList();
                if (!send) continue;
                total.Add(await target.SendAsync(files, error));
                if (outDir is null) files.ForEach(File.Delete);
            }
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or SocketException)
        {
            error.WriteLine($"demo: cannot send to {target.CalledAe} at {target.Host}:{target.Port}: {e.Message}");
            return 1;
        }
        finally
        {
            if (outDir is null) Directory.Delete(directory, recursive: true);
        }
        var events = studies.Sum(s => s.Events.Count);
        // Events as DoseWatch counts them: irradiation events, administrations, MR series, ultrasound images.
        var mix = string.Join(", ", studies.GroupBy(s => s.Device.Modality).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
        output.WriteLine($"demo: {studies.Count} studies ({mix}), {events} irradiation events, " +
            (send ? $"sent to {target.CalledAe} at {target.Host}:{target.Port}: {total}" : $"written to {directory}"));
        return total.Failed == 0 ? 0 : 1;
    }

    private static async Task<int> BulkAsync(NetworkArguments a, int count, int seed, DateTime end, TextWriter output, TextWriter error)
    {
        IDbConnectionFactory database;
        long target;
        try
        {
            database = DemoBulkLoad.Open(a.Get("--into", ""));
            target = long.Parse(a.Get("--events", "0"), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            error.WriteLine($"demo: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }
        try
        {
            var (studies, events) = await DemoBulkLoad.LoadAsync(database, new DemoHistory(seed, end).Generate(count), target, output);
            output.WriteLine($"demo: {studies} studies, {events} irradiation events in {database.Description}");
            return 0;
        }
        finally
        {
            if (database is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }

    /// <summary>
    /// <c>demo evaluate</c>: a fresh database (a new SQLite file in a temporary folder unless --into names an empty
    /// one), the default rules, no protocol mapping; exit code 0 when every planted anomaly was found and at most 2 % of
    /// the unplanted studies have an alert, 1 otherwise.
    /// </summary>
    private static async Task<int> EvaluateAsync(string[] args, TextWriter output, TextWriter error)
    {
        NetworkArguments a;
        int count, seed;
        DateTime end;
        try
        {
            a = new NetworkArguments(args);
            count = PositiveInt(a.Get("--studies", "3000"), "--studies");
            seed = int.Parse(a.Get("--seed", "1"), CultureInfo.InvariantCulture);
            end = a.Has("--end") ? DateTime.ParseExact(a.Get("--end", ""), "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateTime.UtcNow.Date;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            error.WriteLine($"demo evaluate: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }
        var folder = a.Has("--into") ? null : Directory.CreateTempSubdirectory("dosewatch-evaluate-");
        var database = DemoBulkLoad.Open(a.Get("--into", $"sqlite:{Path.Combine(folder?.FullName ?? "", DbConnectionFactory.SqliteFileName)}"));
        try
        {
            IReadOnlyList<DemoStudy> studies;
            try
            {
                // The warm-up of the rules' default minimum sample: planted anomalies sit where their group judges.
                studies = new DemoHistory(seed, end).GenerateForEvaluation(count, Core.Analysis.RuleParameters.DefaultMinimumSampleSize);
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"demo evaluate: {e.Message}");
                return 2;
            }
            var result = await DemoEvaluation.RunAsync(database, studies, output);
            return result.Found == result.Planted && result.UnplantedAlertRate <= 0.02 ? 0 : 1;
        }
        finally
        {
            if (database is IAsyncDisposable disposable) await disposable.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder?.Delete(recursive: true);
        }
    }

    private static IEnumerable<string> Write(DemoStudy study, string directory)
    {
        foreach (var file in DemoObjects.Write(study))
        {
            var uid = file.DataSet.GetString(DicomTag.SopInstanceUid)!;
            var path = Path.Combine(directory, $"{study.PerformedAt:yyyyMMddHHmmss}_{uid[5..17]}.dcm");
            DicomWriter.WriteFile(path, file);
            yield return path;
        }
    }

    private static int PositiveInt(string text, string name) =>
        int.TryParse(text, out var n) && n > 0 ? n : throw new ArgumentException($"{name} needs a positive number, got '{text}'");
}
