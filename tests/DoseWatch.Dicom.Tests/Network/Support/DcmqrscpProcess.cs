using System.Diagnostics;
using System.Text;

namespace DoseWatch.Tests.Network;

/// <summary>
/// DCMTK's Query/Retrieve SCP (dcmqrscp) on a free port, its archive indexed from given files with dcmqridx. Move
/// destinations are listed in its HostTable (AE title → 127.0.0.1:port), as a PACS administrator would configure them.
/// </summary>
public sealed class DcmqrscpProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly Task<string> _stderr;

    private DcmqrscpProcess(Process process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
        _stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEndAsync().ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter();
    }

    public const string AeTitle = "QRSCP";

    public int Port { get; }

    public static async Task<DcmqrscpProcess> StartAsync(IEnumerable<string> files, IReadOnlyDictionary<string, int>? moveDestinations = null)
    {
        var dir = new TempDirectory();
        var archive = Directory.CreateDirectory(dir.File("archive")).FullName;
        // dcmqridx indexes files where they lie: copy them into the archive so the index owns them.
        var copies = files.Select((f, i) => { var c = Path.Combine(archive, $"seed-{i}.dcm"); File.Copy(f, c); return c; }).ToList();
        var index = await PeerProcess.RunAsync("dcmqridx", [archive, .. copies]);
        if (index.ExitCode != 0) throw new InvalidOperationException($"dcmqridx failed: {index.All}");
        var port = PeerProcess.FreePort();
        var config = new StringBuilder()
            .AppendLine($"NetworkTCPPort = {port}")
            .AppendLine("MaxPDUSize = 16384")
            .AppendLine("MaxAssociations = 16")
            .AppendLine("HostTable BEGIN");
        foreach (var (ae, destinationPort) in moveDestinations ?? new Dictionary<string, int>())
            config.AppendLine($"{ae.ToLowerInvariant()} = ({ae}, 127.0.0.1, {destinationPort})");
        config.AppendLine("HostTable END")
            .AppendLine("VendorTable BEGIN")
            .AppendLine("VendorTable END")
            .AppendLine("AETable BEGIN")
            .AppendLine($"{AeTitle} {archive} RW (200, 1024mb) ANY")
            .AppendLine("AETable END");
        var configPath = dir.File("dcmqrscp.cfg");
        await File.WriteAllTextAsync(configPath, config.ToString());
        // Forking mode (each association in a child, killed with the tree on dispose): with -s it serves one association and exits.
        var process = PeerProcess.Start("dcmqrscp", ["-c", configPath]);
        var qr = new DcmqrscpProcess(process, dir, port);
        try
        {
            await PeerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(10));
        }
        catch
        {
            await qr.DisposeAsync();
            throw;
        }
        return qr;
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _ = await _stderr;
        _process.Dispose();
        _dir.Dispose();
    }
}
