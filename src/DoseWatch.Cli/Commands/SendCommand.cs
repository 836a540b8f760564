using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch send HOST PORT FILES|FOLDERS [--aet X] [--aec Y]</c>: C-STORE of Part 10 files over one association,
/// each in the transfer syntax it is stored in (no transcoding). Prints one line per file; exit 1 if any failed.
/// </summary>
internal static class SendCommand
{
    public const string Usage = "dosewatch send HOST PORT FILES|FOLDERS [--aet CALLING_AE] [--aec CALLED_AE]";

    public static Task<int> RunAsync(string[] args) => NetworkArguments.RunAsync(args, Usage, RunAsync);

    private static async Task<int> RunAsync(NetworkArguments a)
    {
        if (a.Positional.Count < 3) { Console.Error.WriteLine("usage: " + Usage); return 2; }
        var files = ExpandPaths(a.Positional.Skip(2)).ToList();
        try
        {
            var results = await FileSender.SendAsync(a.Positional[0], a.Port(1), a.Get("--aet", "DOSEWATCH_SCU"), a.Get("--aec", ConfiguredAeTitle.Value), files);
            foreach (var r in results)
            {
                if (r.Status is { } status) Console.WriteLine($"{r.Path}: {r.SopInstanceUid} status {status}");
                else Console.Error.WriteLine($"{r.Path}: not sent, {r.Error}");
            }
            var sent = results.Count(r => r.Succeeded);
            Console.WriteLine($"{sent} of {files.Count} sent");
            return sent == files.Count ? 0 : 1;
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"send failed: {e.Message}");
            return 1;
        }
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths) =>
        paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [p]);
}
