using System.Net;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch listen PORT --dir DIR [--aet DOSEWATCH] [--max-associations 64] [--no-fsync]</c>: runs the Store SCP
/// standalone, storing into DIR exactly as the product's inbox does. Prints "listening on PORT" once bound and one line
/// per association; stops on Ctrl+C or SIGTERM.
/// </summary>
internal static class ListenCommand
{
    public const string Usage = "dosewatch listen PORT --dir DIR [--aet AE] [--max-associations N] [--no-fsync] [--artim-seconds S] [--idle-seconds S]";

    public static async Task<int> RunAsync(string[] args)
    {
        NetworkArguments a;
        try { a = new NetworkArguments(args, "--no-fsync"); }
        catch (ArgumentException e) { Console.Error.WriteLine($"{e.Message}\nusage: {Usage}"); return 2; }
        if (a.Positional.Count != 1 || !a.Has("--dir") || !int.TryParse(a.Positional[0], out var port) || port is < 0 or > 65535)
        {
            Console.Error.WriteLine("usage: " + Usage);
            return 2;
        }
        var store = new DirectoryStore(a.Get("--dir", "."), fsync: !a.Has("--no-fsync"));
        var policy = new AcceptorPolicy { AeTitle = a.Get("--aet", "DOSEWATCH") };
        var ul = new UpperLayerOptions
        {
            ArtimTimeout = TimeSpan.FromSeconds(double.Parse(a.Get("--artim-seconds", "30"), System.Globalization.CultureInfo.InvariantCulture)),
            IdleTimeout = TimeSpan.FromSeconds(double.Parse(a.Get("--idle-seconds", "120"), System.Globalization.CultureInfo.InvariantCulture)),
        };
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var listener = new DicomListener(new IPEndPoint(IPAddress.Any, port), new AssociationAcceptor(policy, store, ul),
            new ConnectionLimits { MaxAssociations = int.Parse(a.Get("--max-associations", "64"), System.Globalization.CultureInfo.InvariantCulture) }, tls: null, Report);
        listener.Start();
        Console.WriteLine($"listening on {listener.LocalEndpoint.Port}");
        await listener.RunAsync(stop.Token);
        return 0;
    }

    private static Task Report(AssociationRecord r)
    {
        Console.WriteLine($"association {r.CallingAeTitle}->{r.CalledAeTitle} from {r.PeerAddress}: {r.Outcome}, {r.InstancesStored} stored, {r.FailedInstances} failed, {r.BytesReceived} bytes, {r.Duration.TotalMilliseconds:F0} ms{(r.Detail is null ? "" : " (" + r.Detail + ")")}");
        return Task.CompletedTask;
    }
}
