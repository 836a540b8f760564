using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch send HOST PORT FILES|FOLDERS [--aet X] [--aec Y]</c>: C-STORE of Part 10 files over one association,
/// each in the transfer syntax it is stored in (no transcoding). Prints one line per file; exit 1 if any failed.
/// </summary>
internal static class SendCommand
{
    public const string Usage = "dosewatch send HOST PORT FILES|FOLDERS [--aet CALLING_AE] [--aec CALLED_AE]";

    public static async Task<int> RunAsync(string[] args)
    {
        var a = new NetworkArguments(args);
        if (a.Positional.Count < 3) { Console.Error.WriteLine("usage: " + Usage); return 2; }
        var files = ExpandPaths(a.Positional.Skip(2)).ToList();
        var headers = new List<(string Path, FileMetaHeader Meta)>();
        var failed = 0;
        foreach (var path in files)
        {
            try
            {
                await using var s = File.OpenRead(path);
                headers.Add((path, await FileMetaHeader.ReadAsync(s)));
            }
            catch (Exception e) when (e is DicomFormatException or EndOfStreamException or IOException)
            {
                Console.Error.WriteLine($"{path}: skipped, not a readable Part 10 file ({e.Message})");
                failed++;
            }
        }
        if (headers.Count == 0) { Console.Error.WriteLine("nothing to send"); return 1; }
        var proposals = headers.Select(h => (h.Meta.SopClassUid, h.Meta.TransferSyntaxUid)).Distinct()
            .Select(p => (p.SopClassUid, (IReadOnlyList<string>)[p.TransferSyntaxUid])).ToList();
        if (proposals.Count > 128) { Console.Error.WriteLine($"{proposals.Count} SOP class/transfer syntax pairs: more than one association can carry (128)"); return 1; }
        var rq = AssociationNegotiation.BuildRequest(a.Get("--aet", "DOSEWATCH_SCU"), a.Get("--aec", "ANY-SCP"), proposals, 128 * 1024);
        try
        {
            await using var association = await AssociationRequestor.ConnectAsync(a.Positional[0], a.Port(1), rq);
            foreach (var (path, meta) in headers)
            {
                if (association.FindContext(meta.SopClassUid, meta.TransferSyntaxUid) is null)
                {
                    Console.Error.WriteLine($"{path}: refused, {meta.SopClassUid} in {meta.TransferSyntaxUid} not accepted by the peer");
                    failed++;
                    continue;
                }
                var status = await association.StoreFileAsync(path);
                Console.WriteLine($"{path}: {meta.SopInstanceUid} status {status}");
                if (status.Category is not (StatusCategory.Success or StatusCategory.Warning)) failed++;
            }
            await association.ReleaseAsync();
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"send failed: {e.Message}");
            return 1;
        }
        Console.WriteLine($"{headers.Count - failed + (files.Count - headers.Count)} of {files.Count} sent");
        return failed == 0 ? 0 : 1;
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths) =>
        paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [p]);
}
