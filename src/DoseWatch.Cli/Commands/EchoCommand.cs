using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary><c>dosewatch echo HOST PORT [--aet X] [--aec Y]</c>: C-ECHO (Verification) to test that a peer answers.</summary>
internal static class EchoCommand
{
    public const string Usage = "dosewatch echo HOST PORT [--aet CALLING_AE] [--aec CALLED_AE]";

    public static Task<int> RunAsync(string[] args) => NetworkArguments.RunAsync(args, Usage, RunAsync);

    private static async Task<int> RunAsync(NetworkArguments a)
    {
        if (a.Positional.Count != 2) { Console.Error.WriteLine("usage: " + Usage); return 2; }
        var rq = AssociationNegotiation.BuildRequest(a.Get("--aet", "DOSEWATCH_SCU"), a.Get("--aec", ConfiguredAeTitle.Value),
            [(SopClassUids.Verification, [Dicom.DicomTransferSyntax.ImplicitVRLittleEndian.Uid])], 128 * 1024);
        try
        {
            await using var association = await AssociationRequestor.ConnectAsync(a.Positional[0], a.Port(1), rq);
            var status = await association.EchoAsync();
            await association.ReleaseAsync();
            Console.WriteLine($"C-ECHO {a.Positional[0]}:{a.Positional[1]}: status {status}");
            return status.IsSuccess ? 0 : 1;
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"echo failed: {e.Message}");
            return 1;
        }
    }
}
