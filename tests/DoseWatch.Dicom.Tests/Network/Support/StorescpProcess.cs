using System.Diagnostics;

namespace DoseWatch.Tests.Network;

/// <summary>DCMTK storescp on a free port, writing into a directory with files named by SOP Instance UID (-uf).</summary>
public sealed class StorescpProcess : IAsyncDisposable
{
    private readonly Process _process;

    private StorescpProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public const string AeTitle = "STORESCP";

    public int Port { get; }
    public string Directory { get; }

    public static Task<StorescpProcess> StartAsync(string directory, params string[] options) => StartAsync(directory, PeerProcess.FreePort(), options);

    /// <summary>On a given port: a peer that comes back where it was (a retry after it was down).</summary>
    public static async Task<StorescpProcess> StartAsync(string directory, int port, params string[] options)
    {
        var process = PeerProcess.Start("storescp", [.. options, "-aet", AeTitle, "-od", directory, "-uf", port.ToString()]);
        await PeerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(10));
        return new StorescpProcess(process, port, directory);
    }

    /// <summary>Each source was received with the same content (dcmdump), found by its SOP Instance UID.</summary>
    public async Task AssertReceivedAsync(IEnumerable<string> sources)
    {
        foreach (var source in sources)
        {
            var uid = await DicomContent.SopInstanceUidAsync(source);
            var received = System.IO.Directory.GetFiles(Directory).Single(f => Path.GetFileName(f).Contains(uid));
            Xunit.Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(received));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
