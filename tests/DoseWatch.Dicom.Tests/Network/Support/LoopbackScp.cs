using System.Net;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Tests.Network;

/// <summary>Our Store SCP on 127.0.0.1, a free port and a temporary directory; records every association.</summary>
public sealed class LoopbackScp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly DicomListener _listener;
    private readonly Task _run;

    public LoopbackScp(AcceptorPolicy? policy = null, UpperLayerOptions? ul = null, int maxAssociations = 64, ConnectionLimits? limits = null, string? directory = null,
        IReadOnlyList<string>? movedOnTo = null, Func<string, DirectoryStore>? store = null)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "dw-scp-" + Guid.NewGuid().ToString("N"));
        Store = store?.Invoke(Directory) ?? new DirectoryStore(Directory, movedOnTo: movedOnTo);
        Policy = policy ?? new AcceptorPolicy { AeTitle = "DOSEWATCH" };
        _listener = new DicomListener(new IPEndPoint(IPAddress.Loopback, 0), new AssociationAcceptor(Policy, Store, ul ?? new UpperLayerOptions()),
            limits ?? new ConnectionLimits { MaxAssociations = maxAssociations }, tls: null, r => { lock (Records) Records.Add(r); return Task.CompletedTask; });
        _listener.Start();
        _run = _listener.RunAsync(_stop.Token);
    }

    public string Directory { get; }
    public DirectoryStore Store { get; }
    public AcceptorPolicy Policy { get; }
    public int Port => _listener.LocalEndpoint.Port;
    public DicomListener Listener => _listener;
    public List<AssociationRecord> Records { get; } = [];

    public string[] StoredFiles => System.IO.Directory.GetFiles(Directory, "*.dcm");

    public string[] PartialFiles => System.IO.Directory.GetFiles(Path.Combine(Directory, ".incoming"));

    /// <summary>Waits until <paramref name="count"/> associations have ended (records are written after the socket closes).</summary>
    public async Task<AssociationRecord[]> WaitForRecordsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            lock (Records) if (Records.Count >= count) return [.. Records];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Records.Count} of {count} associations ended");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        _listener.Dispose();
        Store.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
