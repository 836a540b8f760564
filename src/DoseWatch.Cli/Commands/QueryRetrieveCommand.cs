using System.Globalization;
using System.Net.Sockets;
using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.QueryRetrieve;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch qr find|move|backfill</c>: the toolkit's Query/Retrieve SCU from the command line, and the back-fill of
/// the web app (same runner, same journal tables) on the local DoseWatch database. We call the PACS as DoseWatch's
/// AE title and ask it to move to that title: the PACS must know it as a move destination.
/// </summary>
internal static class QueryRetrieveCommand
{
    public const string Usage = """
        qr find HOST PORT --aec PACS [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--study UID [--series UID]] [--aet AE]   C-FIND studies (or a study's series, or a series' images)
          qr move HOST PORT --aec PACS --study UID [--series UID] [--dest AE] [--aet AE]   C-MOVE a study or series (to DoseWatch by default)
          qr backfill HOST PORT --aec PACS --from YYYY-MM-DD --to YYYY-MM-DD [--modalities CT,MG] [--per-second N] [--aet AE] [--data DIR] [--postgres CONN]   back-fill into the local DoseWatch database
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0) { error.WriteLine("usage: dosewatch " + Usage); return 2; }
        NetworkArguments a;
        try { a = new NetworkArguments(args[1..]); }
        catch (ArgumentException e) { error.WriteLine($"qr: {e.Message}"); return 2; }
        try
        {
            if (a.Positional.Count != 2 || !a.Has("--aec")) throw new ArgumentException("HOST PORT and --aec PACS are required");
            return args[0] switch
            {
                "find" => await FindAsync(a, output),
                "move" => await MoveAsync(a, output),
                "backfill" => await BackfillAsync(a, output),
                _ => throw new ArgumentException($"unknown qr command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"qr: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }
        catch (Exception e) when (e is AssociationFailedException or DimseProtocolException or IOException or SocketException)
        {
            error.WriteLine($"qr {args[0]}: {a.Get("--aec", "")} at {a.Positional[0]}:{a.Positional[1]}: {e.Message}");
            return 1;
        }
    }

    private static string CallingAe(NetworkArguments a) => a.Get("--aet", ConfiguredAeTitle.Value);

    private static Task<AssociationRequestor> ConnectAsync(NetworkArguments a) =>
        AssociationRequestor.ConnectAsync(a.Positional[0], a.Port(1), AssociationRequestor.QueryRetrieveRequest(CallingAe(a), a.Get("--aec", ""), null, 128 * 1024));

    private static async Task<int> FindAsync(NetworkArguments a, TextWriter output)
    {
        await using var qr = await ConnectAsync(a);
        var study = a.Has("--study") ? a.Get("--study", "") : null;
        var series = a.Has("--series") ? a.Get("--series", "") : null;
        var identifier = study is null ? StudyRootQuery.Studies(Date(a, "--from"), Date(a, "--to"))
            : series is null ? StudyRootQuery.Series(study) : StudyRootQuery.Instances(study, series);
        var result = await qr.FindAsync(identifier);
        await qr.ReleaseAsync();
        foreach (var match in result.Matches)
        {
            output.WriteLine(study is null ? Line(StudyRootQuery.ReadStudy(match))
                : series is null ? Line(StudyRootQuery.ReadSeries(match)) : Line(StudyRootQuery.ReadInstance(match)));
        }
        output.WriteLine($"{result.Matches.Count} matches, C-FIND ended {Ended(result.Status)}{(result.ErrorComment is { } c ? $": {c}" : "")}");
        return result.Status.Category is StatusCategory.Success ? 0 : 1;
    }

    private static async Task<int> MoveAsync(NetworkArguments a, TextWriter output)
    {
        if (!a.Has("--study")) throw new ArgumentException("--study UID is required");
        await using var qr = await ConnectAsync(a);
        var destination = a.Get("--dest", ConfiguredAeTitle.Value);
        var result = await qr.MoveAsync(StudyRootQuery.Retrieve(a.Get("--study", ""), a.Has("--series") ? a.Get("--series", "") : null), destination);
        await qr.ReleaseAsync();
        output.WriteLine($"C-MOVE to {destination} ended {Ended(result.Status)}: {result.Completed} completed, {result.Failed} failed, {result.Warning} with warnings"
            + (result.ErrorComment is { } c ? $" ({c})" : ""));
        return result.Status.Category is StatusCategory.Success ? 0 : 1;
    }

    private static async Task<int> BackfillAsync(NetworkArguments a, TextWriter output)
    {
        var from = Date(a, "--from") ?? throw new ArgumentException("--from is required");
        var to = Date(a, "--to") ?? throw new ArgumentException("--to is required");
        var perSecond = double.TryParse(a.Get("--per-second", "10"), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new ArgumentException("--per-second must be a number, 0 for no limit");
        var modalities = a.Get("--modalities", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToUpperInvariant()).ToList();
        var database = LocalDatabase.From(a);
        var journal = new BackfillRepository(database.Open(), TimeProvider.System);
        var ae = CallingAe(a);
        var id = await journal.CreateAsync(new BackfillRequest(a.Positional[0], a.Port(1), a.Get("--aec", ""), ae, ae, from, to, modalities));
        output.WriteLine($"back-fill {id}: {from:yyyy-MM-dd} to {to:yyyy-MM-dd} from {a.Get("--aec", "")}, moving to {ae}");
        await new BackfillRunner(journal, TimeProvider.System).RunAsync(id, new BackfillThrottle(perSecond, TimeSpan.FromMilliseconds(200)), CancellationToken.None);
        foreach (var s in await journal.StudiesAsync(id))
            output.WriteLine($"{s.Study.StudyDate:yyyy-MM-dd} {s.Study.AccessionNumber ?? "-"} {s.Study.StudyInstanceUid}: {s.Result.Outcome}, {s.Result.Retrieved} of {s.Result.Requested} retrieved{(s.Result.Detail is { } d ? $" ({d})" : "")}");
        var record = (await journal.GetAsync(id))!;
        output.WriteLine($"back-fill {id} {record.Status.ToString().ToLowerInvariant()}: {record.StudiesDone} of {record.Studies} studies done, {record.InstancesRetrieved} instances retrieved, {record.InstancesFailed} failed{(record.Detail is { } x ? $" ({x})" : "")}");
        return record.Status == BackfillStatus.Completed && record.StudiesDone == record.Studies ? 0 : 1;
    }

    private static DateOnly? Date(NetworkArguments a, string name) =>
        !a.Has(name) ? null
        : DateOnly.TryParseExact(a.Get(name, ""), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new ArgumentException($"{name} must be a date as YYYY-MM-DD");

    private static string Ended(DimseStatus status) => status.Category == StatusCategory.Success ? "successfully" : BackfillRunner.Describe(status);

    private static string Line(StudyMatch s) =>
        $"{s.StudyDate:yyyy-MM-dd} {s.AccessionNumber ?? "-"} {(s.ModalitiesInStudy.Count > 0 ? string.Join('/', s.ModalitiesInStudy) : "-")} {s.StudyInstanceUid} {s.StudyDescription}".TrimEnd();

    private static string Line(SeriesMatch s) =>
        $"{s.SeriesNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"} {s.Modality ?? "-"} {s.SeriesInstanceUid} {s.SeriesDescription}".TrimEnd();

    private static string Line(InstanceMatch i) =>
        $"{i.InstanceNumber?.ToString(CultureInfo.InvariantCulture) ?? "-"} {i.SopInstanceUid} {i.SopClassUid ?? "-"}";
}
