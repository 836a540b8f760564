using System.Net.Sockets;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch import FOLDER</c>: every file under the folder is C-STOREd to the running DoseWatch, so it takes the
/// same path as an instance sent by a modality (inbox row, de-duplication, extraction job). Non-DICOM files are skipped
/// with one line each. Exit 0 when every DICOM file was stored, 1 otherwise, 2 on usage errors.
/// </summary>
internal static class ImportCommand
{
    public const string Usage = "import FOLDER " + StoreTarget.Usage + "   send every DICOM file under FOLDER to the running DoseWatch";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        NetworkArguments a;
        StoreTarget target;
        try
        {
            a = new NetworkArguments(args);
            target = StoreTarget.From(a, "DOSEWATCH_IMPORT");
        }
        catch (ArgumentException e) { error.WriteLine($"import: {e.Message}"); return 2; }
        if (a.Positional.Count != 1 || !Directory.Exists(a.Positional[0])) { error.WriteLine("usage: dosewatch " + Usage); return 2; }

        var files = Directory.EnumerateFiles(a.Positional[0], "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        try
        {
            var tally = await target.SendAsync(files, error);
            output.WriteLine($"import {a.Positional[0]}: {files.Count} files, {tally}");
            return tally.Failed == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or SocketException)
        {
            error.WriteLine($"import: cannot send to {target.CalledAe} at {target.Host}:{target.Port}: {e.Message}");
            return 1;
        }
    }
}
